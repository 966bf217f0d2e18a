"""The FastAPI application: REST API under /api/v1, server-rendered pages, static files from the package."""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import replace
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
from llmpick.store.db import resolve_url
from llmpick.store.decisions import DecisionStore
from llmpick.web import api, pages
from llmpick.web.compression import Compression
from llmpick.web.problems import problem, to_problem
from llmpick.web.security import TOKEN_ENV, Access, Guard
from llmpick.web.state import AppState
from llmpick.web.templating import templates

log = logging.getLogger("llmpick.web")


def create_app(
    db_url: str | None = None,
    catalog: Catalog | None = None,
    *,
    access: Access | None = None,
    max_body: int | None = None,
) -> FastAPI:
    """A new app over the decision database at ``db_url`` (default: $LLMPICK_DB, else the user data folder).

    ``access`` says which Host names it answers to and which token guards it (default: loopback names only,
    no token); ``max_body`` overrides its body limit."""
    access = access or Access()
    if max_body is not None:
        access = replace(access, max_body=max_body)
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
        store=DecisionStore.open(url, read_only=access.read_only),
        templates=templates(),
        access=access,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("llmpick.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    _errors(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(Compression)  # pages and lists; the recommend endpoint sends its own cached gzip
    app.add_middleware(Guard, access=access)  # added last, so it runs first: refused requests cost nothing more
    return app


CONFIG_ENV = "LLMPICK_WEB_CONFIG"


def app_from_env() -> FastAPI:
    """The app factory uvicorn's worker processes call (``llmpick serve --workers N``): the settings come
    from $LLMPICK_WEB_CONFIG (JSON, written by `serve`), the token from $LLMPICK_TOKEN."""
    config = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    access = Access(
        allowed_hosts=frozenset(config.get("allowed_hosts") or Access().allowed_hosts),
        token=os.environ.get(TOKEN_ENV) or None,
        token_reads=bool(config.get("token_reads")),
        read_only=bool(config.get("read_only")),
    )
    app = create_app(config.get("db"), access=access)
    _settle(app)
    return app


def _settle(app: FastAPI) -> None:
    """Before the first request: answer one preset (it builds the quality index, fits or reads the sizing
    constants and matches the prices, all once per catalog), then settle the collector (`llmpick.collector`):
    collections during requests never walk the catalog again, and the young generation is collected in batches."""
    from llmpick.collector import settle
    from llmpick.engine import recommend
    from llmpick.presets import list_presets

    warm_up = next((p for p in list_presets() if p.name == "startup"), None)
    if warm_up is not None:
        # a --catalog override the preset cannot use: the warm-up is only a warm-up
        with contextlib.suppress(LlmpickError):
            recommend(warm_up.profile, app.state.llmpick.catalog)
    settle()


def _errors(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, LlmpickError | RequestValidationError | StarletteHTTPException | RecursionError):
            log.exception("unexpected error on %s %s", request.method, request.url.path)
        if not request.url.path.startswith("/api/"):
            page = pages.error_page(request, exc)
            if isinstance(exc, StarletteHTTPException):
                page.headers.update(exc.headers or {})
            return page
        if isinstance(exc, StarletteHTTPException):
            response = problem(exc.status_code, _title(exc.status_code), str(exc.detail), instance=request.url.path)
            response.headers.update(exc.headers or {})  # 405 keeps its Allow
            return response
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
    for body in ("CostRequest", "DecisionCreate"):  # read as a mapping (errors name each field), typed in the spec
        if body in schemas:
            described = schemas[body]["properties"]["profile"].get("description", "a requirements profile")
            schemas[body]["properties"]["profile"] = {"$ref": "#/components/schemas/Profile", "description": described}
    app.openapi_schema = spec
    return spec
