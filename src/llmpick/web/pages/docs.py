"""The API overview page, and the report stylesheet shared with the HTML report."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from llmpick.web.pages.common import render

router = APIRouter()


@router.get("/api", response_class=HTMLResponse)
def api_overview(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    endpoints = [
        (path, method.upper(), op.get("summary", ""))
        for path, ops in spec.get("paths", {}).items()
        for method, op in ops.items()
    ]
    return render(request, "api.html", endpoints=endpoints)


@router.get("/static/report.css")
def report_css() -> Response:
    css = (resources.files("llmpick.render") / "templates" / "report.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
