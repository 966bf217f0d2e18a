"""Catalog pages: browse and filter models, one model with every fact and source, compare 2–4, hardware."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from llmpick.catalog.prices import offering_price
from llmpick.catalog.schema import Openness, Source, Task
from llmpick.engine.policy import load_policy
from llmpick.engine.quality import QualityRating, rate
from llmpick.web.pages.common import render
from llmpick.web.queries import ModelFilters, cheapest_price, compare_rows, filter_models, model_summary
from llmpick.web.state import state

router = APIRouter()

Row = tuple[dict[str, Any], dict[str, Any] | None, QualityRating]
SORT_KEYS: dict[str, Callable[[Row], Any]] = {
    "name": lambda r: r[0]["name"].lower(),
    "vendor": lambda r: str(r[0]["vendor"]).lower(),
    "quality": lambda r: r[2].score,
    "params": lambda r: r[0]["params_b"],
    "context": lambda r: r[0]["context_window"],
    "price": lambda r: r[1]["output_per_mtok"] if r[1] else None,
}
DESCENDING_FIRST = {"quality", "params", "context"}  # a first click shows the best or biggest on top
FACT_GROUPS = ("release", "components", "license", "parameters", "architecture", "capabilities", "fine_tuning")


def _number(text: str | None, kind: type[float] | type[int]) -> float | int | None:
    try:
        return kind(text) if text not in (None, "") else None  # type: ignore[arg-type]
    except ValueError:
        return None


@router.get("/models", response_class=HTMLResponse)
def models(
    request: Request,
    openness: str | None = None,
    task: str | None = None,
    license: Annotated[str | None, Query(max_length=100)] = None,
    commercial: str | None = None,
    provider: str | None = None,
    max_price: str | None = None,
    min_context: str | None = None,
    min_params_b: str | None = None,
    max_params_b: str | None = None,
    active: str | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: str | None = None,
    order: str | None = None,
) -> HTMLResponse:
    """Blank or unreadable filters are ignored (the form sends every field); any column sorts."""
    st = state(request)
    filters = ModelFilters(
        openness=Openness(openness) if openness in {o.value for o in Openness} else None,
        task=Task(task) if task in {t.value for t in Task} else None,
        license=license or None,
        commercial=True if commercial else None,
        provider=provider if provider in st.catalog.providers else None,
        max_price=_number(max_price, float),
        min_context=_number(min_context, int),  # type: ignore[arg-type]
        min_params_b=_number(min_params_b, float),
        max_params_b=_number(max_params_b, float),
        active=bool(active),
        q=q or None,
    )
    found = filter_models(st.catalog, filters)
    policy = load_policy()
    rows = [(model_summary(m, st.catalog), cheapest_price(m, st.catalog), rate(m, policy, st.catalog)) for m in found]
    key = sort if sort in SORT_KEYS else "name"
    descending = order == "desc"
    known = [r for r in rows if SORT_KEYS[key](r) is not None]
    unknown = [r for r in rows if SORT_KEYS[key](r) is None]  # unknowns last, whichever the order
    known.sort(key=SORT_KEYS[key], reverse=descending)  # type: ignore[arg-type]
    params = {k: v for k, v in request.query_params.items() if k not in ("sort", "order") and v}
    links = {
        column: "/models?"
        + urlencode(
            {
                **params,
                "sort": column,
                "order": "asc"
                if key == column and descending
                else ("desc" if key == column or column in DESCENDING_FIRST else "asc"),
            }
        )
        for column in SORT_KEYS
    }
    return render(
        request,
        "models.html",
        rows=known + unknown,
        sort=key,
        descending=descending,
        sort_links=links,
        f=filters,
        openness_values=[o.value for o in Openness],
        task_values=[t.value for t in Task],
        providers=sorted(st.catalog.providers.values(), key=lambda p: p.name),
    )


@router.get("/models/{model_id}", response_class=HTMLResponse)
def model_page(request: Request, model_id: str) -> HTMLResponse:
    st = state(request)
    model = st.catalog.model(model_id)
    groups: list[tuple[str, dict[str, Any] | None, Source | None]] = []
    for name in FACT_GROUPS:
        group = getattr(model, name)
        if group is None:
            groups.append((name, None, None))
            continue
        facts = {k: v for k, v in group.model_dump(mode="json").items() if k != "source" and v not in (None, [], "")}
        groups.append((name, facts, model.sources[group.source]))
    quality = [(q, model.sources[q.source]) for q in model.quality]
    offerings = []
    for o in st.catalog.offerings_of(model.id):
        offerings.append((o, st.catalog.providers.get(o.provider), offering_price(o, st.catalog.as_of)))
    return render(request, "model.html", model=model, groups=groups, quality=quality, offerings=offerings)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, ids: Annotated[list[str], Query(max_length=10)] = []) -> HTMLResponse:  # noqa: B006
    """`?ids=a&ids=b` (the form) or `?ids=a,b` (a link); one id preselects it, waiting for a second."""
    st = state(request)
    chosen = list(dict.fromkeys(part.strip() for i in ids for part in i.split(",") if part.strip()))[:10]
    problem = None
    unknown = [i for i in chosen if i not in st.catalog.models]
    if unknown:
        problem = f"unknown model id(s): {', '.join(unknown)}"
    elif len(chosen) > 4:
        problem = f"choose 2 to 4 models to compare (got {len(chosen)})"
    models = [st.catalog.models[i] for i in chosen if i in st.catalog.models]
    rows = compare_rows(models, st.catalog) if problem is None and len(models) >= 2 else []
    all_models = sorted(st.catalog.models.values(), key=lambda m: m.name.lower())
    return render(
        request,
        "compare.html",
        status_code=422 if problem else 200,
        models=models,
        rows=rows,
        problem=problem,
        chosen=chosen,
        all_models=all_models,
    )


@router.get("/hardware", response_class=HTMLResponse)
def hardware(request: Request) -> HTMLResponse:
    hw = sorted(state(request).catalog.hardware.values(), key=lambda h: (h.kind.value, -h.spec.memory_gb))
    return render(request, "hardware.html", hardware=hw)
