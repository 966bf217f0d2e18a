"""The eval view: stored `llmpick eval` runs, one run's prompts × routes matrix with every answer and check,
and a preview of a saved decision re-ranked by the run's measured quality.

The results database is named by ``LLMPICK_EVAL_DB`` (a SQLAlchemy URL, e.g. ``sqlite:///suite-dir/.llmpick/
eval.sqlite``), else ``./.llmpick/eval.sqlite`` where the server was started. Nothing here makes a call.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from llmpick.errors import UnknownIdError
from llmpick.web.pages.common import render
from llmpick.web.state import state

router = APIRouter()


def eval_db_url() -> str | None:
    url = os.environ.get("LLMPICK_EVAL_DB")
    if url:
        return url
    default = Path.cwd() / ".llmpick" / "eval.sqlite"
    return f"sqlite:///{default}" if default.exists() else None


def _store() -> Any:
    from llmpick.eval.store import Store

    url = eval_db_url()
    return Store(url) if url else None


@router.get("/eval", response_class=HTMLResponse)
def eval_runs(request: Request) -> HTMLResponse:
    store = _store()
    if store is None:
        return render(request, "eval.html", runs=None, run=None)
    try:
        runs = store.runs()
    finally:
        store.close()
    return render(request, "eval.html", runs=runs, run=None)


@router.get("/eval/{run_id}", response_class=HTMLResponse)
def eval_run(request: Request, run_id: int, decision: str | None = None) -> HTMLResponse:
    from llmpick.eval import report

    store = _store()
    if store is None:
        raise UnknownIdError("eval run", str(run_id), [])
    try:
        known = [r["id"] for r in store.runs()]
        if run_id not in known:
            raise UnknownIdError("eval run", str(run_id), [str(k) for k in known])
        results = report.build(store, run_id)
    finally:
        store.close()
    preview = _preview(request, results, decision) if decision else None
    decisions = state(request).store.list(limit=100)
    return render(
        request,
        "eval.html",
        runs=None,
        run=results,
        body=Markup(report.html_body(results)),  # noqa: S704 - html_body escapes every string it carries
        decisions=decisions,
        decision=decision,
        preview=preview,
    )


def _preview(request: Request, results: Any, decision_id: str) -> list[dict[str, Any]]:
    """The decision's routes before and after re-ranking with this run."""
    from llmpick.eval.rerank import apply_eval

    saved = state(request).store.get(decision_id)
    before = saved.recommendation()
    after = apply_eval(before, results, saved.profile())
    was = {(r.model, r.deployment, r.provider, r.runtime): r for r in before.recommendations}
    rows = []
    for route in after.recommendations:
        old = was[(route.model, route.deployment, route.provider, route.runtime)]
        rows.append(
            {
                "rank": route.rank,
                "was": old.rank,
                "model": route.model,
                "where": route.provider or route.runtime or route.deployment,
                "score": route.score,
                "old_score": old.score,
                "quality": route.scores.get("quality"),
                "old_quality": old.scores.get("quality"),
                "note": route.reasons[0]
                if route.reasons and route.reasons[0].startswith(("measured", "not evaluated"))
                else "not evaluated: catalog estimate",
            }
        )
    return rows
