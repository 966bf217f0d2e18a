"""The CI gate: pass-rate thresholds over a run's results, and its JUnit XML for CI systems."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from llmpick.eval.report import EvalResults


@dataclass(frozen=True)
class Gate:
    """Thresholds in [0, 1]: ``fail_under`` on each route's pass rate (every cell counts; an error is not a
    pass), ``checks`` on the pass rate of one check type (an unevaluated check counts against it)."""

    fail_under: float | None = None
    checks: dict[str, float] | None = None

    @property
    def active(self) -> bool:
        return self.fail_under is not None or bool(self.checks)


def parse_rate(text: str, option: str) -> float:
    """0.8, 80% or 80 → 0.8."""
    raw = text.strip()
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise ValueError(f"{option} {text!r}: expected a rate such as 0.8 or 80%") from None
    if raw.endswith("%") or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(f"{option} {text!r}: a rate must lie between 0 and 1 (or 0% and 100%)")
    return value


def failures(results: EvalResults, gate: Gate) -> list[str]:
    """Why the gate fails (empty: it passes)."""
    out: list[str] = []
    for e in results.endpoints:
        if gate.fail_under is not None:
            rate = e.pass_rate or 0.0
            if rate < gate.fail_under:
                out.append(
                    f"{e.name}: pass rate {rate:.0%} ({e.passed}/{e.cells}, errors count as not passed) "
                    f"< {gate.fail_under:.0%}"
                )
        for check, threshold in (gate.checks or {}).items():
            counts = e.checks.get(check)
            check_rate = counts.rate if counts is not None else None
            if counts is None or check_rate is None:
                out.append(f"{e.name}: no {check!r} check ran (threshold {threshold:.0%})")
            elif check_rate < threshold:
                out.append(
                    f"{e.name}: {check} {check_rate:.0%} ({counts.passed} passed, {counts.failed} failed, "
                    f"{counts.errors} not evaluated) < {threshold:.0%}"
                )
    if not results.cells or all(c.status != "ok" for c in results.cells):
        out.append("no call succeeded: nothing was evaluated")
    return out


def junit_xml(results: EvalResults) -> str:
    """One <testsuite> per route, one <testcase> per test and repeat; a failed check is a <failure>, a failed
    call or a check that could not be evaluated an <error>."""
    root = ET.Element("testsuites", name=f"llmpick eval: {results.suite}")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for e in results.endpoints:
        cells = [c for c in results.cells if c.endpoint == e.name]
        suite = ET.SubElement(root, "testsuite", name=e.name)
        counts = {"tests": len(cells), "failures": 0, "errors": 0}
        time_total = 0.0
        for c in cells:
            name = c.test if c.repeat == 0 else f"{c.test} #{c.repeat + 1}"
            case = ET.SubElement(
                suite, "testcase", classname=f"{results.suite}.{e.name}", name=name, time=f"{c.latency_s or 0:.3f}"
            )
            time_total += c.latency_s or 0.0
            if c.status != "ok":
                counts["errors"] += 1
                error = ET.SubElement(case, "error", type=c.error_kind or "error", message=c.error or "")
                error.text = c.error or ""
            elif c.passed is None:
                counts["errors"] += 1
                bad = [a for a in c.assertions if a.passed is None]
                error = ET.SubElement(
                    case, "error", type="check-not-evaluated", message="; ".join(f"{a.type}: {a.detail}" for a in bad)
                )
                error.text = "\n".join(f"{a.type}: {a.detail}" for a in bad)
            elif not c.passed:
                counts["failures"] += 1
                bad = [a for a in c.assertions if a.passed is False]
                failure = ET.SubElement(
                    case, "failure", type="check-failed", message="; ".join(f"{a.type}: {a.detail}" for a in bad)
                )
                failure.text = "\n".join(f"{a.type}: {a.detail}" for a in bad)
            if c.output:
                ET.SubElement(case, "system-out").text = c.output
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{time_total:.3f}")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
