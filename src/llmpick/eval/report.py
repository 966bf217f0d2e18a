"""The results of a run: a prompts × routes matrix and per-route summaries, as a terminal table, JSON or HTML.

The JSON shape (``llmpick.eval/1``) is what ``llmpick recommend --eval`` reads back.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import statistics
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from llmpick.eval.endpoints import RouteRef
from llmpick.eval.store import Store

SCHEMA = "llmpick.eval/1"


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CheckOut(Out):
    type: str
    passed: bool | None
    score: float | None
    detail: str
    weight: float = 1.0


class CellOut(Out):
    test: str
    endpoint: str
    repeat: int
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
    score: float | None = None
    cached: bool = False
    attempts: int | None = None
    assertions: list[CheckOut] = Field(default_factory=list)


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
    checked: int = Field(0, description="cells with at least one judged assertion")
    passed: int = 0
    pass_rate: float | None = None
    mean_score: float | None = None
    latency_p50_s: float | None = None
    latency_p95_s: float | None = None
    ttft_p50_s: float | None = None
    tokens_per_s: float | None = Field(None, description="median output tokens/s after the first token")
    usage_sources: list[str] = Field(default_factory=list)
    cost_per_request_usd: float | None = None
    monthly_cost_usd: float | None = None
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


def build(store: Store, run_id: int, requests_per_month: float | None = None) -> EvalResults:
    run = store.run(run_id)
    config = run["config"]
    rows = [_cell(r) for r in store.cells(run_id)]
    suite = config.get("suite", {})
    tests = [
        TestOut(id=t["id"], description=t.get("description"), prompt=_prompt_of(t)) for t in suite.get("tests", [])
    ]
    endpoints = [
        summarise(e, [c for c in rows if c.endpoint == e["name"]], requests_per_month) for e in config["endpoints"]
    ]
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
        requests_per_month=requests_per_month,
        tests=tests,
        endpoints=endpoints,
        skipped_routes=[SkippedOut(**s) for s in config.get("skipped_routes", [])],
        cells=rows,
    )


def _prompt_of(test: dict[str, Any]) -> str:
    if test.get("prompt") is not None:
        return str(test["prompt"])
    return "\n".join(f"{m['role']}: {m['content']}" for m in test.get("messages") or [])


def _cell(row: dict[str, Any]) -> CellOut:
    values = {k: v for k, v in row.items() if k in CellOut.model_fields and k not in ("test", "assertions")}
    return CellOut(test=row["test_id"], assertions=row.get("assertions") or [], **values)


def summarise(endpoint: dict[str, Any], rows: list[CellOut], requests_per_month: float | None) -> EndpointSummary:
    ok = [c for c in rows if c.status == "ok"]
    errors = [c for c in rows if c.status != "ok"]
    kinds: dict[str, int] = {}
    for c in errors:
        kinds[c.error_kind or "error"] = kinds.get(c.error_kind or "error", 0) + 1
    checked = [c for c in ok if c.passed is not None]
    # a failed call is a failed test: the pass rate counts errors as failures
    judged = len(checked) + len(errors) if checked or errors else 0
    passed = sum(1 for c in checked if c.passed)
    scores = [c.score for c in ok if c.score is not None] + [0.0] * len(errors)
    latencies = [c.latency_s for c in ok if c.latency_s is not None]
    costs = [c.cost_usd for c in ok if c.cost_usd is not None]
    cost = statistics.fmean(costs) if costs and len(costs) == len(ok) else None
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
        passed=passed,
        pass_rate=passed / judged if judged else None,
        mean_score=statistics.fmean(scores) if scores and (checked or errors) else None,
        latency_p50_s=percentile(latencies, 50),
        latency_p95_s=percentile(latencies, 95),
        ttft_p50_s=percentile([c.ttft_s for c in ok if c.ttft_s is not None], 50),
        tokens_per_s=percentile([c.tokens_per_s for c in ok if c.tokens_per_s], 50),
        usage_sources=sorted({c.usage_source for c in ok if c.usage_source}),
        cost_per_request_usd=cost,
    )
    if cost is not None and requests_per_month is not None:
        summary.monthly_cost_usd = cost * requests_per_month
        summary.monthly_basis = f"measured ${cost:.6f}/request × {requests_per_month:,.0f} requests/month"
    return summary


# --- rendering ---------------------------------------------------------------------------------------------


def _fmt(value: float | None, pattern: str, none: str = "–") -> str:
    return none if value is None else pattern.format(value)


def _mark(cell: CellOut | None) -> str:
    if cell is None:
        return "·"
    if cell.status != "ok":
        return f"ERR {cell.error_kind}"
    if cell.passed is None:
        return "ran"
    text = "pass" if cell.passed else "FAIL"
    return f"{text} {cell.score:.2f}" if cell.score is not None else text


def render_table(results: EvalResults) -> Any:
    """A rich renderable: the matrix, then the summary per route."""
    from rich.console import Group
    from rich.table import Table

    matrix = Table(
        title=f"{results.suite}: prompts × routes (run {results.run_id}"
        + ("" if results.complete else ", incomplete")
        + ")"
    )
    matrix.add_column("test")
    for e in results.endpoints:
        matrix.add_column(e.name, overflow="fold")
    for t in results.tests:
        marks = []
        for e in results.endpoints:
            runs = [c for c in results.cells if c.test == t.id and c.endpoint == e.name]
            marks.append(" / ".join(_mark(c) for c in runs) or "·")
        matrix.add_row(t.id, *marks)
    summary = Table(title="per route")
    for col in ("route", "pass", "score", "p50 s", "p95 s", "TTFT s", "tok/s", "$/request", "$/month", "errors"):
        summary.add_column(col, justify="left" if col == "route" else "right")
    for e in results.endpoints:
        summary.add_row(
            e.name,
            f"{e.passed}/{e.checked + e.errors}" + (f" ({e.pass_rate:.0%})" if e.pass_rate is not None else ""),
            _fmt(e.mean_score, "{:.2f}"),
            _fmt(e.latency_p50_s, "{:.2f}"),
            _fmt(e.latency_p95_s, "{:.2f}"),
            _fmt(e.ttft_p50_s, "{:.2f}"),
            _fmt(e.tokens_per_s, "{:.0f}"),
            _fmt(e.cost_per_request_usd, "${:.5f}"),
            _fmt(e.monthly_cost_usd, "${:,.0f}"),
            ", ".join(f"{k}×{v}" for k, v in e.error_kinds.items()) or "0",
        )
    parts: list[Any] = [matrix, summary]
    for s in results.skipped_routes:
        parts.append(f"skipped {s.route}: {s.reason}")
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


def render_html(results: EvalResults) -> str:
    """A self-contained page; every string from the suite, the servers or the user is escaped."""
    e = html.escape
    head = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>llmpick eval: {e(results.suite)}</title>"
        f"<style>{_CSS}</style></head><body><h1>llmpick eval: {e(results.suite)}</h1>"
        f"<p class='muted'>run {results.run_id}{'' if results.complete else ' (incomplete)'}, "
        f"generated {e(results.generated_at)}</p>"
    )
    rows = [
        "<h2>Per route</h2><table><tr><th>route</th><th>model</th><th>pass</th><th>score</th><th>p50 s</th>"
        "<th>p95 s</th><th>TTFT s</th><th>tok/s</th><th>$/request</th><th>$/month</th><th>errors</th></tr>"
    ]
    for s in results.endpoints:
        rate = f" ({s.pass_rate:.0%})" if s.pass_rate is not None else ""
        rows.append(
            f"<tr><td>{e(s.name)}</td><td>{e(s.model)}</td><td>{s.passed}/{s.checked + s.errors}{rate}</td>"
            f"<td>{_fmt(s.mean_score, '{:.2f}')}</td><td>{_fmt(s.latency_p50_s, '{:.2f}')}</td>"
            f"<td>{_fmt(s.latency_p95_s, '{:.2f}')}</td><td>{_fmt(s.ttft_p50_s, '{:.2f}')}</td>"
            f"<td>{_fmt(s.tokens_per_s, '{:.0f}')}</td><td>{_fmt(s.cost_per_request_usd, '${:.5f}')}</td>"
            f"<td>{_fmt(s.monthly_cost_usd, '${:,.0f}')}</td>"
            f"<td>{e(', '.join(f'{k}×{v}' for k, v in s.error_kinds.items()) or '0')}</td></tr>"
        )
    rows.append("</table>")
    matrix = [
        "<h2>Prompts × routes</h2><table><tr><th>test</th>"
        + "".join(f"<th>{e(s.name)}</th>" for s in results.endpoints)
        + "</tr>"
    ]
    for t in results.tests:
        matrix.append(f"<tr><td><b>{e(t.id)}</b><pre>{e(t.prompt)}</pre></td>")
        for s in results.endpoints:
            matrix.append(
                "<td>"
                + "".join(_html_cell(c) for c in results.cells if c.test == t.id and c.endpoint == s.name)
                + "</td>"
            )
        matrix.append("</tr>")
    matrix.append("</table>")
    skipped = "".join(f"<p class='muted'>skipped {e(s.route)}: {e(s.reason)}</p>" for s in results.skipped_routes)
    return head + "".join(rows) + "".join(matrix) + skipped + "</body></html>\n"


def _html_cell(c: CellOut) -> str:
    e = html.escape
    if c.status != "ok":
        return f"<div class='err'><b>error ({e(c.error_kind or '')})</b><pre>{e(c.error or '')}</pre></div>"
    css = "pass" if c.passed else ("fail" if c.passed is False else "")
    checks = "".join(
        f"<li>{'✓' if a.passed else ('✗' if a.passed is False else '?')} {e(a.type)}: {e(a.detail)}</li>"
        for a in c.assertions
    )
    figures = (
        f"{_fmt(c.latency_s, '{:.2f} s')}, TTFT {_fmt(c.ttft_s, '{:.2f} s')}, "
        f"{_fmt(c.tokens_per_s, '{:.0f} tok/s')}, {c.output_tokens or 0} tokens ({e(c.usage_source or '')})"
        + (", cached" if c.cached else "")
    )
    return (
        f"<div class='{css}'><b>{e(_mark(c))}</b><pre>{e(c.output or '')}</pre>"
        f"<div class='muted'>{figures}</div><ul class='muted'>{checks}</ul></div>"
    )
