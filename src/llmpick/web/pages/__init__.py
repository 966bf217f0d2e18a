"""Server-rendered pages, one module per page group (like datasette's views)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from llmpick.errors import LlmpickError, UnknownIdError
from llmpick.web.pages import calculators, catalog, decisions, docs, eval, login, questionnaire
from llmpick.web.pages.common import render

router = APIRouter(include_in_schema=False)
for module in (questionnaire, decisions, catalog, calculators, docs, eval, login):
    router.include_router(module.router)


def error_page(request: Request, exc: Exception) -> HTMLResponse:
    from llmpick.store.decisions import DecisionNotFound, ReadOnlyStore

    if isinstance(exc, ReadOnlyStore):
        status, title, detail = 403, "Read-only", str(exc)
    elif isinstance(exc, DecisionNotFound | UnknownIdError):
        status, title, detail = 404, "Not found", str(exc)
    elif isinstance(exc, HTTPException):
        status, title, detail = exc.status_code, "Error", str(exc.detail)
    elif isinstance(exc, RequestValidationError):
        status, title = 422, "Invalid input"
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
    elif isinstance(exc, LlmpickError):
        status, title, detail = 400, "Cannot do that", str(exc)
    else:
        status, title, detail = 500, "Internal error", "the server hit an unexpected error; it has been logged"
    return render(request, "error.html", status_code=status, title=title, detail=detail, status=status)
