"""REST API under /api/v1 (documented by the generated OpenAPI spec at /api/v1/openapi.json)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from llmpick import __version__
from llmpick.catalog.schema import Hardware, Openness, Provider, Task
from llmpick.engine.result import Recommendation
from llmpick.errors import EstimateError, ProfileError
from llmpick.profile import Profile, parse_profile, parse_yaml, profile_to_yaml
from llmpick.web import service
from llmpick.web.compression import accepts_gzip
from llmpick.web.problems import responses
from llmpick.web.queries import ModelFilters, filter_models, model_detail, model_summary
from llmpick.web.schemas import (
    CostRequest,
    DecisionCreate,
    DecisionFull,
    DecisionList,
    EstimateRequest,
    FitRequest,
    Health,
    ModelDetailOut,
    ModelSummaryOut,
    Rerun,
    Validated,
)
from llmpick.web.state import AppState, state
from llmpick.yamlio import MAX_DEPTH, echo

router = APIRouter(prefix="/api/v1", tags=["api"], responses=responses(400, 413, 422))
State = Annotated[AppState, Depends(state)]

PROFILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "a requirements profile, as JSON or YAML",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Profile"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


async def read_profile(request: Request) -> Profile:
    """The profile in the body (JSON, or YAML with a YAML content type); ProfileError names each bad field."""
    raw = await request.body()
    if "yaml" in request.headers.get("content-type", ""):
        data = parse_yaml(raw.decode("utf-8", errors="replace"), "body")
    else:
        data = parse_json(raw)
    return parse_profile(data, "body")


def parse_json(raw: bytes) -> Any:
    """JSON with the limits YAML has: no NaN/Infinity, numbers within bounds, bounded nesting."""
    try:
        data = json.loads(raw or b"null", parse_constant=_no_constant)
    except RecursionError:
        raise ProfileError([f"nested more than {MAX_DEPTH} levels deep"], "body") from None
    except ValueError as exc:
        raise ProfileError([f"not valid JSON ({echo(str(exc), 120)})"], "body") from None
    return service.checked(data, "body")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number (numbers must be finite)")


@router.get("/health", response_model=Health)
def health(st: State) -> Health:
    try:
        count: int | None = st.store.count()
        database = "ok"
    except Exception as exc:  # report, never crash the health check
        count, database = None, f"error: {exc.__class__.__name__}"
    return Health(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        catalog_version=st.catalog.version,
        catalog_as_of=st.catalog.as_of.isoformat(),
        database=database,
        decisions=count,
    )


@router.post(
    "/recommend",
    response_model=Recommendation,
    response_model_by_alias=True,
    openapi_extra=PROFILE_BODY,
    summary="Recommend for a profile",
    responses=responses(404),
)
async def recommend(
    request: Request, st: State, top: Annotated[int, Query(ge=1, le=50)] = 5, save: bool = False
) -> Any:
    """The profile in, the recommendation contract (`llmpick.recommendation/1`) out.

    `save=true` keeps a decision record (its URL in `Location`)."""
    profile = await read_profile(request)
    found = service.cached_answer(st, profile, top)  # a repeat: no worker thread needed
    # RFC 9211: whether this worker's result cache answered (load tests check every worker is warm)
    headers = {"Cache-Status": "llmpick; hit" if found is not None else "llmpick; fwd=miss"}
    if found is None:
        found = await run_in_threadpool(service.answer, st, profile, top)
    if save:
        decision_id = await run_in_threadpool(st.store.save, profile, found.recommendation())
        headers |= {"Location": f"/api/v1/decisions/{decision_id}", "X-Decision-Id": decision_id}
    body = found.body  # serialised once, when computed; compressed once, when first asked (then kept)
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        body = found.gzipped
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}  # the middleware passes it as it is
    return Response(body, media_type="application/json", headers=headers)


@router.post("/validate", response_model=Validated, openapi_extra=PROFILE_BODY, summary="Validate a profile")
async def validate(request: Request, st: State) -> Validated:
    """200 with the completed profile when valid; 422 problem+json naming each failing field otherwise."""
    profile = await read_profile(request)
    service.check_hardware(st, profile)
    return Validated(profile=profile.model_dump(mode="json"), yaml=profile_to_yaml(profile))


@router.get("/models", response_model=list[ModelSummaryOut], summary="List models, filtered", responses=responses(404))
def list_models(
    st: State,
    openness: Openness | None = None,
    task: Task | None = None,
    license: Annotated[str | None, Query(max_length=100, description="licence name or SPDX id contains")] = None,
    commercial: Annotated[bool | None, Query(description="licence allows commercial use")] = None,
    provider: Annotated[str | None, Query(max_length=100)] = None,
    max_price: Annotated[float | None, Query(ge=0, description="max output price, $ per million tokens")] = None,
    min_context: Annotated[int | None, Query(ge=1)] = None,
    min_params_b: Annotated[float | None, Query(ge=0)] = None,
    max_params_b: Annotated[float | None, Query(ge=0)] = None,
    active: Annotated[bool, Query(description="leave out retired models")] = False,
    q: Annotated[str | None, Query(max_length=100, description="text in id, name, vendor or family")] = None,
) -> list[dict[str, Any]]:
    filters = ModelFilters(
        openness, task, license, commercial, provider, max_price, min_context, min_params_b, max_params_b, active, q
    )
    return [model_summary(m, st.catalog) for m in filter_models(st.catalog, filters)]


@router.get(
    "/models/{model_id}",
    response_model=ModelDetailOut,
    summary="Every fact about a model, with sources and prices",
    responses=responses(404),
)
def get_model(model_id: str, st: State) -> dict[str, Any]:
    return model_detail(st.catalog.model(model_id), st.catalog)


@router.get("/providers", response_model=list[Provider], summary="Providers and their compliance facts")
def providers(st: State) -> list[dict[str, Any]]:
    return [p.model_dump(mode="json") for p in sorted(st.catalog.providers.values(), key=lambda p: p.id)]


@router.get("/hardware", response_model=list[Hardware], summary="Hardware: memory, bandwidth, prices")
def hardware(st: State) -> list[dict[str, Any]]:
    return [h.model_dump(mode="json") for h in sorted(st.catalog.hardware.values(), key=lambda h: h.id)]


@router.post("/estimate", summary="Memory and speed of a model on hardware", responses=responses(404))
def estimate(body: EstimateRequest, st: State) -> dict[str, Any]:
    return service.estimate(st, body).to_json_dict()


@router.post("/fit", summary="The best format of a model that fits the hardware", responses=responses(404))
def fit(body: FitRequest, st: State) -> dict[str, Any]:
    found = service.best_fit(st, body)
    if found is None:
        raise EstimateError(
            f"{body.model} does not fit on {body.count}× {body.hardware} in any format at context {body.context}"
        )
    return found.to_json_dict()


@router.post("/cost", summary="Monthly cost of every suitable route at a profile's workload", responses=responses(404))
async def cost(body: CostRequest, st: State) -> dict[str, Any]:
    """What `llmpick cost` reports: routes with their cost breakdown, the break-even volume, the assumptions."""
    profile = parse_profile(service.checked(body.profile, "body.profile"), "body.profile")
    try:
        service.check_hardware(st, profile)
    except ProfileError as exc:
        raise ProfileError(exc.problems, "body.profile") from None
    return await run_in_threadpool(service.cost, st, profile, body.model)


@router.get("/decisions", response_model=DecisionList, summary="Saved decisions, newest first")
def list_decisions(
    st: State,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> DecisionList:
    items = st.store.list(limit=limit, offset=offset, search=q)
    return DecisionList(total=st.store.count(), items=[i.to_json_dict() for i in items])  # type: ignore[misc]


@router.post(
    "/decisions",
    response_model=DecisionFull,
    status_code=201,
    summary="Recommend and keep the decision",
    responses=responses(404),
)
async def create_decision(body: DecisionCreate, response: Response, st: State) -> Any:
    profile = parse_profile(service.checked(body.profile, "body.profile"), "body.profile")
    try:
        rec = await run_in_threadpool(service.recommend, st, profile, body.top)
    except ProfileError as exc:
        raise ProfileError(exc.problems, "body.profile") from None
    decision_id = await run_in_threadpool(st.store.save, profile, rec, body.name)
    response.headers["Location"] = f"/api/v1/decisions/{decision_id}"
    return st.store.get(decision_id).to_json_dict()


@router.get(
    "/decisions/{decision_id}",
    response_model=DecisionFull,
    summary="One decision: profile and result",
    responses=responses(404),
)
def get_decision(decision_id: Annotated[str, service.DECISION_ID], st: State) -> Any:
    return st.store.get(decision_id).to_json_dict()


@router.delete("/decisions/{decision_id}", status_code=204, summary="Delete a decision", responses=responses(404))
def delete_decision(decision_id: Annotated[str, service.DECISION_ID], st: State) -> Response:
    st.store.delete(decision_id)
    return Response(status_code=204)


@router.post(
    "/decisions/{decision_id}/rerun",
    response_model=Rerun,
    response_model_by_alias=True,
    summary="Re-run a decision against the current catalog, with what changed",
    responses=responses(404),
)
async def rerun(decision_id: Annotated[str, service.DECISION_ID], st: State, save: bool = False) -> Any:
    """The stored profile through today's engine and catalog; the diff names a new best route, price changes,
    retired or deprecated models, and routes added or removed. `save=true` keeps the new result as a decision."""
    rec, diff = await run_in_threadpool(st.store.rerun, decision_id, st.catalog)
    saved = None
    if save:
        saved = await run_in_threadpool(st.store.save, st.store.get(decision_id).profile(), rec)
    return {"recommendation": rec.to_json_dict(), "diff": diff.model_dump(mode="json"), "saved_as": saved}
