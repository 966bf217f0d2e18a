"""Decisions: the list, one decision (the result page), its downloads and charts, delete, re-run with a diff."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from llmpick.render import charts
from llmpick.render.html import render_html, result_context
from llmpick.render.markdown import render_markdown
from llmpick.web.pages.common import model_link, render
from llmpick.web.pages.questionnaire import slug, yaml_attachment
from llmpick.web.state import state

router = APIRouter()
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@router.get("/decisions", response_class=HTMLResponse)
def decision_list(request: Request, q: str | None = None) -> HTMLResponse:
    st = state(request)
    return render(
        request, "decisions.html", decisions=st.store.list(limit=500, search=q), q=q or "", total=st.store.count()
    )


def _links(decision_id: str) -> dict[str, list[tuple[str, str]]]:
    return {
        name: [
            ("SVG", f"/decisions/{decision_id}/charts/{name}.svg"),
            ("PNG", f"/decisions/{decision_id}/charts/{name}.png"),
        ]
        for name in charts.CHARTS
    }


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
def decision_view(request: Request, decision_id: str) -> HTMLResponse:
    decision = state(request).store.get(decision_id)
    rec = decision.recommendation()
    volume = decision.profile_data.get("workload", {}).get("requests_per_day")
    ctx = result_context(rec, volume, _links(decision.id))
    return render(request, "result.html", decision=decision, rec=rec, ctx=ctx, model_link=model_link)


@router.get("/decisions/{decision_id}/report.{fmt}")
def decision_download(request: Request, decision_id: str, fmt: str) -> Response:
    decision = state(request).store.get(decision_id)
    name = slug(decision.name)
    if fmt == "json":
        body = json.dumps(decision.result_data, indent=2, ensure_ascii=False)
        return _attachment(body, "application/json", f"{name}.json")
    if fmt == "md":
        return _attachment(render_markdown(decision.recommendation()), "text/markdown; charset=utf-8", f"{name}.md")
    if fmt == "html":
        html = render_html(decision.recommendation(), decision.profile())
        return _attachment(html, "text/html; charset=utf-8", f"{name}.html", {"Content-Security-Policy": REPORT_CSP})
    if fmt == "yaml":
        from llmpick.profile import profile_to_yaml

        return yaml_attachment(profile_to_yaml(decision.profile()), decision.name)
    if fmt == "kit.zip":
        return _kit(decision, name)
    return render(
        request,
        "error.html",
        status_code=404,
        title="Not found",
        status=404,
        detail=f"no {fmt!r} download: json, md, html, yaml or kit.zip",
    )


def _kit(decision: Any, name: str) -> Response:
    """The deployment kit of the decision's #1 route (or its hybrid plan), zipped: the same files `llmpick deploy`
    writes, with the README that says what to run and where each setting came from."""
    import io
    import zipfile

    from llmpick.deploy import build_kit

    files = build_kit(decision.result_data, profile=decision.profile())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(f"{name}-kit/{path}", data)
    return Response(
        content=buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}-kit.zip"'},
    )


def _attachment(body: str, media_type: str, filename: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})},
    )


@router.get("/decisions/{decision_id}/charts/{name}.{fmt}")
def decision_chart(request: Request, decision_id: str, name: str, fmt: str) -> Response:
    decision = state(request).store.get(decision_id)
    if name not in charts.CHARTS or fmt not in ("svg", "png"):
        return render(
            request,
            "error.html",
            status_code=404,
            title="Not found",
            status=404,
            detail=f"charts: {', '.join(charts.CHARTS)}; formats: svg, png",
        )
    volume = decision.profile_data.get("workload", {}).get("requests_per_day")
    svg = charts.chart(decision.recommendation(), name, volume)
    if svg is None:
        return render(
            request,
            "error.html",
            status_code=404,
            title="No chart",
            status=404,
            detail="this recommendation has no data for that chart",
        )
    filename = f"{slug(decision.name)}-{name}.{fmt}"
    if fmt == "svg":
        return Response(
            svg, media_type="image/svg+xml", headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )
    return Response(
        charts.svg_to_png(svg),
        media_type="image/png",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.post("/decisions/{decision_id}/delete")
def decision_delete(request: Request, decision_id: str) -> RedirectResponse:
    state(request).store.delete(decision_id)
    return RedirectResponse("/decisions?deleted=1", status_code=303)


@router.post("/decisions/{decision_id}/rerun", response_class=HTMLResponse)
async def decision_rerun(request: Request, decision_id: str) -> Response:
    """Re-run against today's catalog and show what changed; with save=1, keep the new result and open it."""
    st = state(request)
    form = await request.form()
    decision = st.store.get(decision_id)
    rec, diff = await run_in_threadpool(st.store.rerun, decision_id, st.catalog)
    if form.get("save"):
        new_id = await run_in_threadpool(st.store.save, decision.profile(), rec)
        return RedirectResponse(f"/decisions/{new_id}", status_code=303)
    volume = decision.profile_data.get("workload", {}).get("requests_per_day")
    return render(
        request,
        "rerun.html",
        decision=decision,
        rec=rec,
        diff=diff,
        ctx=result_context(rec, volume),
        model_link=model_link,
    )
