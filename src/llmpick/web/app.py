"""The FastAPI application: REST API under /api/v1, server-rendered pages, static files from the package."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from llmpick import __version__
from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_active_catalog
from llmpick.errors import LlmpickError
from llmpick.profile import Profile
from llmpick.store.db import resolve_url, safe_url
from llmpick.store.decisions import DecisionStore
from llmpick.web import api, pages
from llmpick.web.problems import problem, to_problem
from llmpick.web.security import DEFAULT_MAX_BODY, Guard
from llmpick.web.state import AppState
from llmpick.web.templating import templates

log = logging.getLogger("llmpick.web")


def create_app(
    db_url: str | None = None, catalog: Catalog | None = None, *, max_body: int = DEFAULT_MAX_BODY
) -> FastAPI:
    """A new app over the decision database at ``db_url`` (default: $LLMPICK_DB, else the user data folder)."""
    url = resolve_url(db_url)
    app = FastAPI(
        title="llmpick",
        version=__version__,
        description="Which LLM to use: openness, task, precision strategy and deployment, "
        "with sourced facts and costed routes.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: the app stays offline
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.llmpick = AppState(
        catalog=catalog or load_active_catalog(),
        store=DecisionStore.open(url),
        templates=templates(),
        db_label=safe_url(url),
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("llmpick.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    _errors(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(Guard, max_body=max_body)
    return app


def _errors(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, LlmpickError | RequestValidationError | StarletteHTTPException):
            log.exception("unexpected error on %s %s", request.method, request.url.path)
        if not request.url.path.startswith("/api/"):
            return pages.error_page(request, exc)
        if isinstance(exc, StarletteHTTPException):
            return problem(exc.status_code, _title(exc.status_code), str(exc.detail), instance=request.url.path)
        return to_problem(request, exc)

    for kind in (LlmpickError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, handle)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated spec, with the Profile schema added for the endpoints that read a profile themselves."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    profile_schema = Profile.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in profile_schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas["Profile"] = profile_schema
    app.openapi_schema = spec
    return spec
