"""The results of a run: a prompts × routes matrix and per-route summaries, as a terminal table, JSON or HTML.

The JSON shape (``llmpick.eval/1``) is what ``llmpick recommend --eval`` reads back.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
import statistics
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from llmpick.eval.endpoints import OUR_SIDE, RouteRef
from llmpick.eval.store import Store

SCHEMA = "llmpick.eval/1"
Z95 = 1.959964  # two-sided 95 % normal quantile, for the Wilson interval


@dataclass(frozen=True)
class Workload:
    """The profile's traffic: what a measured per-token price is projected onto."""

    requests_per_month: float
    input_tokens: int
    output_tokens: int

    @classmethod
    def of_profile(cls, profile: Any) -> Workload:
        w = profile.workload
        return cls(float(w.monthly_requests), int(w.input_tokens), int(w.output_tokens))


def wilson(passed: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a pass rate: honest for small samples and for 0 % or 100 %."""
    if n == 0:
        return 0.0, 1.0
    p = passed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def money(value: float | None) -> str:
    """Dollars with the precision the amount needs: $1,234 / $12.50 / $0.30 / $0.00042."""
    if value is None:
        return "–"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 0.01 or value == 0:
        return f"${value:,.2f}"
    return f"${value:.2g}" if value >= 1e-6 else f"${value:.1e}"


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CheckOut(Out):
    type: str
    passed: bool | None  # None: could not be evaluated (an error)
    score: float | None
    detail: str
    weight: float = 1.0
    status: str | None = None
    dimension: str | None = None


class CellOut(Out):
    test: str
    endpoint: str
    repeat: int
    task: str | None = None
    status: str
    error_kind: str | None = None
    error: str | None = None
    output: str | None = None
    latency_s: float | None = None
    ttft_s: float | None = None
    tokens_per_s: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    usage_source: str | None = None
    cost_usd: float | None = None
    passed: bool | None = None
    quality_passed: bool | None = None
    check_errors: int | None = None
    score: float | None = None
    finish_reason: str | None = None
    queue_s: float | None = None
    served_model: str | None = None
    notes: list[str] | None = None
    cached: bool = False
    attempts: int | None = None
    assertions: list[CheckOut] = Field(default_factory=list)

    @property
    def verdict(self) -> str:
        """pass | fail | error (the call failed, or a check could not be evaluated)."""
        if self.status != "ok" or self.passed is None:
            return "error"
        return "pass" if self.passed else "fail"


class Rate(Out):
    """A pass rate with its sample size and 95 % Wilson interval."""

    passed: int
    n: int
    rate: float | None
    low: float
    high: float

    @classmethod
    def of(cls, passed: int, n: int) -> Rate:
        low, high = wilson(passed, n)
        return cls(passed=passed, n=n, rate=passed / n if n else None, low=round(low, 4), high=round(high, 4))

    def text(self) -> str:
        if not self.n:
            return "not evaluated"
        return f"{self.rate:.0%} ({self.passed}/{self.n}, 95% CI {self.low:.0%}–{self.high:.0%})"


class CheckRate(Out):
    passed: int = 0
    failed: int = 0
    errors: int = 0

    @property
    def rate(self) -> float | None:
        """Passed over every evaluation; a check that could not be evaluated counts against it."""
        total = self.passed + self.failed + self.errors
        return self.passed / total if total else None


class EndpointSummary(Out):
    name: str
    kind: str
    model: str
    base_url: str | None = None
    route: RouteRef | None = None  # the same shape endpoints.py keeps, validated from its dict
    price_source: str | None = None
    cells: int = 0
    ok: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = Field(default_factory=dict)
    checked: int = Field(0, description="cells whose every check was evaluated")
    check_errors: int = Field(0, description="cells with a check that could not be evaluated")
    passed: int = 0
    pass_rate: float | None = Field(None, description="passed cells over ALL cells: errors count as not passed")
    quality: Rate | None = Field(None, description="quality checks only; null: not evaluated")
    quality_by_task: dict[str, Rate] = Field(default_factory=dict)
    not_evaluated: str | None = Field(None, description="why quality could not be measured")
    checks: dict[str, CheckRate] = Field(default_factory=dict, description="per check type")
    mean_score: float | None = Field(None, description="mean score of the quality checks")
    served_models: list[str] = Field(default_factory=list, description="model names the server said answered")
    served_model_ok: bool | None = Field(None, description="every answer came from the model asked for")
    finish_reasons: dict[str, int] = Field(default_factory=dict)
    queue_p50_s: float | None = Field(None, description="median wait for a free slot on our side")
    latency_p50_s: float | None = None
    latency_p95_s: float | None = None
    ttft_p50_s: float | None = None
    tokens_per_s: float | None = Field(None, description="median output tokens/s after the first token")
    usage_sources: list[str] = Field(default_factory=list)
    output_tokens_mean: float | None = None
    cost_per_request_usd: float | None = Field(None, description="measured, at the suite's own prompt sizes")
    monthly_cost_usd: float | None = Field(None, description="price × the profile's request sizes × its volume")
    monthly_cost_measured_output_usd: float | None = Field(
        None, description="the same with the measured answer length in place of the profile's output size"
    )
    monthly_basis: str | None = None


class TestOut(Out):
    id: str
    description: str | None = None
    prompt: str


class SkippedOut(Out):
    route: str
    reason: str


class EvalResults(Out):
    schema_: str = Field(SCHEMA, alias="schema")
    suite: str
    run_id: int
    complete: bool
    generated_at: str
    requests_per_month: float | None = None
    workload: dict[str, float] | None = None
    tests: list[TestOut]
    endpoints: list[EndpointSummary]
    skipped_routes: list[SkippedOut] = Field(default_factory=list)
    cells: list[CellOut]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False)


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in [0, 100])."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def build(store: Store, run_id: int, workload: Workload | None = None) -> EvalResults:
    run = store.run(run_id)
    config = run["config"]
    rows = [_cell(r) for r in store.cells(run_id)]
    suite = config.get("suite", {})
    rendered = _rendered(suite)
    tests = [
        TestOut(id=t["id"], description=t.get("description"), prompt=rendered.get(t["id"]) or _prompt_of(t))
        for t in suite.get("tests", [])
    ]
    endpoints = [summarise(e, [c for c in rows if c.endpoint == e["name"]], workload) for e in config["endpoints"]]
    order = {
        (t.id, e.name, k): i
        for i, (k, t, e) in enumerate(
            (k, t, e) for k in range(int(config.get("repeat", 1))) for t in tests for e in endpoints
        )
    }
    rows.sort(key=lambda c: order.get((c.test, c.endpoint, c.repeat), len(order)))
    return EvalResults(
        suite=run["suite"],
        run_id=run_id,
        complete=run["finished_at"] is not None,
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        requests_per_month=workload.requests_per_month if workload else None,
        workload=dataclass_dict(workload) if workload else None,
        tests=tests,
        endpoints=endpoints,
        skipped_routes=[SkippedOut(**s) for s in config.get("skipped_routes", [])],
        cells=rows,
    )


def dataclass_dict(value: Any) -> dict[str, float]:
    from dataclasses import asdict

    return {k: float(v) for k, v in asdict(value).items()}


def _rendered(suite: dict[str, Any]) -> dict[str, str]:
    """Each test's messages as sent (variables filled in, system prompt included), where the stored suite
    still validates; else nothing (the template is shown instead)."""
    from pydantic import ValidationError

    from llmpick.eval.suite import Suite

    try:
        parsed = Suite.model_validate(suite)
    except (ValidationError, ValueError):
        return {}
    return {test.id: "\n".join(f"{m['role']}: {m['content']}" for m in parsed.messages(test)) for test in parsed.tests}


def _prompt_of(test: dict[str, Any]) -> str:
    if test.get("prompt") is not None:
        return str(test["prompt"])
    return "\n".join(f"{m['role']}: {m['content']}" for m in test.get("messages") or [])


def _cell(row: dict[str, Any]) -> CellOut:
    values = {k: v for k, v in row.items() if k in CellOut.model_fields and k not in ("test", "assertions")}
    if row.get("check_errors") is None and row.get("quality_passed") is None:  # a cell stored before schema 2
        values["quality_passed"] = row.get("passed")
    return CellOut(test=row["test_id"], assertions=row.get("assertions") or [], **values)


def same_model(served: str, asked: str) -> bool:
    """The server answered as the model asked for (APIs add a dated snapshot: gpt-4o-mini-2024-07-18)."""
    return served == asked or served.startswith(f"{asked}-")


def summarise(endpoint: dict[str, Any], rows: list[CellOut], workload: Workload | None) -> EndpointSummary:
    ok = [c for c in rows if c.status == "ok"]
    errors = [c for c in rows if c.status != "ok"]
    kinds: dict[str, int] = {}
    for c in errors:
        kinds[c.error_kind or "error"] = kinds.get(c.error_kind or "error", 0) + 1
    checked = [c for c in ok if c.passed is not None]
    check_errors = [c for c in ok if c.passed is None]
    passed = sum(1 for c in checked if c.passed)
    quality, by_task, why = _quality(rows)
    latencies = [c.latency_s for c in ok if c.latency_s is not None]
    costs = [c.cost_usd for c in ok if c.cost_usd is not None]
    cost = statistics.fmean(costs) if costs and len(costs) == len(ok) else None
    outs = [c.output_tokens for c in ok if c.output_tokens is not None]
    served = sorted({c.served_model for c in ok if c.served_model})
    finishes: dict[str, int] = {}
    for c in ok:
        finishes[c.finish_reason or "none"] = finishes.get(c.finish_reason or "none", 0) + 1
    summary = EndpointSummary(
        name=endpoint["name"],
        kind=endpoint["kind"],
        model=endpoint["model"],
        base_url=endpoint.get("base_url"),
        route=endpoint.get("route"),
        price_source=endpoint.get("price_source"),
        cells=len(rows),
        ok=len(ok),
        errors=len(errors),
        error_kinds=kinds,
        checked=len(checked),
        check_errors=len(check_errors),
        passed=passed,
        pass_rate=passed / len(rows) if rows else None,
        quality=quality,
        quality_by_task=by_task,
        not_evaluated=why,
        checks=_check_rates(ok),
        mean_score=statistics.fmean(s) if (s := [c.score for c in ok if c.score is not None]) else None,
        served_models=served,
        served_model_ok=all(same_model(s, endpoint["model"]) for s in served) if served else None,
        finish_reasons=finishes,
        queue_p50_s=percentile([c.queue_s for c in ok if c.queue_s is not None], 50),
        latency_p50_s=percentile(latencies, 50),
        latency_p95_s=percentile(latencies, 95),
        ttft_p50_s=percentile([c.ttft_s for c in ok if c.ttft_s is not None], 50),
        tokens_per_s=percentile([c.tokens_per_s for c in ok if c.tokens_per_s], 50),
        usage_sources=sorted({c.usage_source for c in ok if c.usage_source}),
        output_tokens_mean=statistics.fmean(outs) if outs else None,
        cost_per_request_usd=cost,
    )
    _project_cost(summary, endpoint, workload)
    return summary


def _quality(rows: list[CellOut]) -> tuple[Rate | None, dict[str, Rate], str | None]:
    """The quality pass rate: answered cells whose quality checks were all evaluated, plus failures that are
    the model's (empty answers, timeouts, server errors). Our own failures (no key, wrong URL) and checks that
    could not be evaluated are left out of the sample, never counted as passes."""
    sample: list[tuple[str, bool]] = []
    for c in rows:
        if c.status == "ok" and c.quality_passed is not None:
            sample.append((c.task or "text", bool(c.quality_passed)))
        elif c.status != "ok" and (c.error_kind or "") not in OUR_SIDE:
            sample.append((c.task or "text", False))
    if not sample:
        return None, {}, _why_not(rows)
    tasks: dict[str, list[bool]] = {}
    for task, ok in sample:
        tasks.setdefault(task, []).append(ok)
    by_task = {task: Rate.of(sum(v), len(v)) for task, v in sorted(tasks.items())}
    return Rate.of(sum(ok for _, ok in sample), len(sample)), by_task, None


def _why_not(rows: list[CellOut]) -> str:
    if not rows:
        return "no cell ran"
    ours = [c for c in rows if c.status != "ok"]
    if len(ours) == len(rows):
        kinds = sorted({c.error_kind or "error" for c in ours})
        return f"every call failed on our side ({', '.join(kinds)}): fix the configuration and run again"
    if any(c.status == "ok" and c.check_errors for c in rows):
        return "the quality checks could not be evaluated (see the check errors)"
    return "the suite has no quality checks (only latency or cost)"


def _check_rates(ok: list[CellOut]) -> dict[str, CheckRate]:
    rates: dict[str, CheckRate] = {}
    for c in ok:
        for a in c.assertions:
            rate = rates.setdefault(a.type, CheckRate())
            if a.passed is None:
                rate.errors += 1
            elif a.passed:
                rate.passed += 1
            else:
                rate.failed += 1
    return dict(sorted(rates.items()))


def _project_cost(summary: EndpointSummary, endpoint: dict[str, Any], workload: Workload | None) -> None:
    """Monthly cost from the profile's request sizes (the suite's prompts are test-sized, not traffic-sized)."""
    price_in, price_out = endpoint.get("input_per_mtok"), endpoint.get("output_per_mtok")
    if workload is None or price_in is None or price_out is None:
        return
    per_request = (workload.input_tokens * price_in + workload.output_tokens * price_out) / 1e6
    summary.monthly_cost_usd = per_request * workload.requests_per_month
    basis = (
        f"${price_in:g}/${price_out:g} per Mtok × the profile's {workload.input_tokens:,} in / "
        f"{workload.output_tokens:,} out tokens × {workload.requests_per_month:,.0f} requests/month"
    )
    if summary.output_tokens_mean is not None:
        measured = (workload.input_tokens * price_in + summary.output_tokens_mean * price_out) / 1e6
        summary.monthly_cost_measured_output_usd = measured * workload.requests_per_month
        label = "" if summary.usage_sources == ["reported"] else " (estimated token counts)"
        basis += (
            f"; with the measured mean answer of {summary.output_tokens_mean:,.0f} tokens{label}: "
            f"{money(summary.monthly_cost_measured_output_usd)}/month"
        )
    summary.monthly_basis = basis


# --- rendering ---------------------------------------------------------------------------------------------


def _fmt(value: float | None, pattern: str, none: str = "–") -> str:
    return none if value is None else pattern.format(value)


def _mark(cell: CellOut | None) -> str:
    if cell is None:
        return "·"
    if cell.status != "ok":
        return f"ERR {cell.error_kind}"
    if cell.passed is None:
        return f"ERR check×{cell.check_errors or 0}"
    text = "pass" if cell.passed else "FAIL"
    extra = f" +{cell.check_errors} err" if cell.check_errors else ""
    return (f"{text} {cell.score:.2f}" if cell.score is not None else text) + extra


def _errors(e: EndpointSummary) -> str:
    parts = [f"{k}×{v}" for k, v in e.error_kinds.items()]
    if e.check_errors:
        parts.append(f"check×{e.check_errors}")
    return ", ".join(parts) or "0"


def _pass(e: EndpointSummary) -> str:
    return f"{e.passed}/{e.cells}" + (f" ({e.pass_rate:.0%})" if e.pass_rate is not None else "")


def _quality_text(e: EndpointSummary) -> str:
    return e.quality.text() if e.quality is not None else "not evaluated"


def ordered(results: EvalResults) -> list[EndpointSummary]:
    """Routes by result: measured quality (lower bound of its interval), then pass rate; not evaluated last."""
    return sorted(
        results.endpoints,
        key=lambda e: (e.quality is None, -(e.quality.low if e.quality else 0), -(e.pass_rate or 0), e.name),
    )


def totals(results: EvalResults) -> dict[str, float]:
    """What the run itself used: calls, tokens and the spend where prices are known (cached answers are free)."""
    fresh = [c for c in results.cells if c.status == "ok" and not c.cached]
    spend = [c.cost_usd for c in fresh if c.cost_usd is not None]
    return {
        "cells": len(results.cells),
        "calls": sum(c.attempts or 0 for c in results.cells),
        "input_tokens": sum(c.input_tokens or 0 for c in fresh),
        "output_tokens": sum(c.output_tokens or 0 for c in fresh),
        "spend_usd": sum(spend),
    }


SUMMARY_COLUMNS = (
    "route",
    "pass",
    "quality (95% CI)",
    "errors",
    "p50 s",
    "p95 s",
    "TTFT s",
    "queue s",
    "tok/s",
    "$/request",
    "$/month",
)
# The terminal keeps the essentials narrow enough for 80 columns; the HTML and JSON carry every figure.
TABLE_COLUMNS = ("route", "pass", "quality [95% CI]", "errors", "p50/p95 s", "TTFT s", "tok/s", "$/month")


def _short_quality(e: EndpointSummary) -> str:
    q = e.quality
    if q is None or not q.n:
        return "not evaluated"
    return f"{q.rate:.0%} of {q.n} [{q.low:.0%}–{q.high:.0%}]"


def _table_row(e: EndpointSummary) -> list[str]:
    return [
        e.name,
        _pass(e),
        _short_quality(e),
        _errors(e),
        f"{_fmt(e.latency_p50_s, '{:.2f}')}/{_fmt(e.latency_p95_s, '{:.2f}')}",
        _fmt(e.ttft_p50_s, "{:.2f}"),
        _fmt(e.tokens_per_s, "{:.0f}"),
        money(e.monthly_cost_usd),
    ]


def _summary_row(e: EndpointSummary) -> list[str]:
    return [
        e.name,
        _pass(e),
        _quality_text(e),
        _errors(e),
        _fmt(e.latency_p50_s, "{:.2f}"),
        _fmt(e.latency_p95_s, "{:.2f}"),
        _fmt(e.ttft_p50_s, "{:.2f}"),
        _fmt(e.queue_p50_s, "{:.2f}"),
        _fmt(e.tokens_per_s, "{:.0f}"),
        money(e.cost_per_request_usd),
        money(e.monthly_cost_usd),
    ]


def warnings(results: EvalResults) -> list[str]:
    out = []
    for e in results.endpoints:
        if e.check_errors:
            out.append(f"{e.name}: {e.check_errors} cell(s) had checks that could not be evaluated (counted as errors)")
        if e.served_model_ok is False:
            out.append(f"{e.name}: asked for {e.model!r} but the server answered as {', '.join(e.served_models)}")
        if e.not_evaluated:
            out.append(f"{e.name}: not evaluated: {e.not_evaluated}")
        if e.usage_sources and e.usage_sources != ["reported"]:
            how = " and ".join(e.usage_sources)
            out.append(f"{e.name}: token counts {how} (the server reported no usage): an input count is an estimate")
    return out


def render_table(results: EvalResults) -> Any:
    """A rich renderable: the matrix, then the summary per route (best first)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    routes = ordered(results)
    matrix = Table(
        title=f"{results.suite}: prompts × routes (run {results.run_id}"
        + ("" if results.complete else ", incomplete")
        + ")"
    )
    matrix.add_column("test")
    for e in routes:
        matrix.add_column(e.name, overflow="fold")
    for t in results.tests:
        marks = []
        for e in routes:
            runs = [c for c in results.cells if c.test == t.id and c.endpoint == e.name]
            marks.append(" / ".join(_mark(c) for c in runs) or "·")
        matrix.add_row(t.id, *marks)
    summary = Table(title="per route (quality: quality checks only; latency and cost apart)")
    for col in TABLE_COLUMNS:
        summary.add_column(col, justify="left" if col == "route" else "right", overflow="fold")
    for e in routes:
        summary.add_row(*_table_row(e))
    used = totals(results)
    parts: list[Any] = [
        matrix,
        summary,
        Text(
            f"run used {used['calls']:.0f} call(s), {used['input_tokens']:,.0f} in / {used['output_tokens']:,.0f} "
            f"out tokens, {money(used['spend_usd'])} at known prices (judge calls not included)"
        ),
    ]
    parts += [Text(f"warning: {w}") for w in warnings(results)]
    parts += [Text(f"skipped {s.route}: {s.reason}") for s in results.skipped_routes]
    return Group(*parts)


def render_text(results: EvalResults, width: int = 160) -> str:
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), highlight=False)
    console.print(render_table(results))
    return console.export_text()


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}.pass{background:#e6f6e6}.fail{background:#fde8e8}.err{background:#fff3cd}
pre{white-space:pre-wrap;max-width:40rem;margin:.3rem 0;font-size:.85rem}.muted{color:#777;font-size:.85rem}
"""


def html_body(results: EvalResults) -> str:
    """The report's content (no <html> wrapper), shared by the file report and the web app's eval view."""
    e = html.escape
    rows = ["<h2>Per route</h2><table><tr>" + "".join(f"<th>{e(c)}</th>" for c in SUMMARY_COLUMNS) + "</tr>"]
    for s in ordered(results):
        rows.append("<tr>" + "".join(f"<td>{e(v)}</td>" for v in _summary_row(s)) + "</tr>")
    rows.append("</table>")
    rows += [f"<p class='err'>{e(w)}</p>" for w in warnings(results)]
    matrix = [
        "<h2>Prompts × routes</h2><table><tr><th>test</th>"
        + "".join(f"<th>{e(s.name)}</th>" for s in ordered(results))
        + "</tr>"
    ]
    for t in results.tests:
        matrix.append(f"<tr><td><b>{e(t.id)}</b><pre>{e(t.prompt)}</pre></td>")
        for s in ordered(results):
            matrix.append(
                "<td>"
                + "".join(_html_cell(c) for c in results.cells if c.test == t.id and c.endpoint == s.name)
                + "</td>"
            )
        matrix.append("</tr>")
    matrix.append("</table>")
    skipped = "".join(f"<p class='muted'>skipped {e(s.route)}: {e(s.reason)}</p>" for s in results.skipped_routes)
    return "".join(rows) + "".join(matrix) + skipped


def render_html(results: EvalResults) -> str:
    """A self-contained page; every string from the suite, the servers or the user is escaped."""
    e = html.escape
    head = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>llmpick eval: {e(results.suite)}</title>"
        f"<style>{_CSS}</style></head><body><h1>llmpick eval: {e(results.suite)}</h1>"
        f"<p class='muted'>run {results.run_id}{'' if results.complete else ' (incomplete)'}, "
        f"generated {e(results.generated_at)}</p>"
    )
    return head + html_body(results) + "</body></html>\n"


def _html_cell(c: CellOut) -> str:
    e = html.escape
    if c.status != "ok":
        return f"<div class='err'><b>error ({e(c.error_kind or '')})</b><pre>{e(c.error or '')}</pre></div>"
    css = {"pass": "pass", "fail": "fail", "error": "err"}[c.verdict]
    checks = "".join(
        f"<li>{ {'pass': '✓', 'fail': '✗'}.get(a.status or '', '⚠ ERROR') } {e(a.type)}: {e(a.detail)}</li>"
        for a in c.assertions
    )
    figures = (
        f"{_fmt(c.latency_s, '{:.2f} s')}, TTFT {_fmt(c.ttft_s, '{:.2f} s')}, "
        f"{_fmt(c.tokens_per_s, '{:.0f} tok/s')}, {c.output_tokens or 0} tokens ({e(c.usage_source or '')}), "
        f"finish {e(c.finish_reason or 'none')}" + (", cached" if c.cached else "")
    )
    notes = "".join(f"<li>{e(n)}</li>" for n in c.notes or [])
    return (
        f"<div class='{css}'><b>{e(_mark(c))}</b><pre>{e(c.output or '')}</pre>"
        f"<div class='muted'>{figures}</div><ul class='muted'>{checks}{notes}</ul></div>"
    )
