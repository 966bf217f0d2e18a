"""`llmpick cost` and the web cost calculator: the engine's own routes and costs, laid out by kind.

There is no second costing engine: the routes come from the same enumeration, quantization choice, rules and
costing as `recommend`, so the same route costs the same in both. What differs is the view — the cheapest route of
each kind (API, hosted open model, self-hosted, local) for every model, or every route of one model, with the
engine's break-even between the cheapest comparable API and self-run routes.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from llmpick.catalog.catalog import Catalog
from llmpick.engine.candidates import Candidate
from llmpick.engine.costing import cost_function
from llmpick.engine.curves import break_even_for, comparable
from llmpick.engine.recommend import start_run
from llmpick.engine.stages import split_stages
from llmpick.profile import Profile
from llmpick.sizing.cost import cost_curve


def route_row(candidate: Candidate) -> dict[str, Any]:
    """One route's cost facts (the JSON shape of a `llmpick cost` row: add keys, never rename)."""
    est = candidate.estimate
    cost = candidate.cost
    where = (
        candidate.provider.id
        if candidate.provider
        else (
            f"{candidate.acquisition} {candidate.hardware_count or 1}× {candidate.hardware.id if candidate.hardware else '?'}"
            + (f" ×{candidate.replicas}" if candidate.replicas > 1 else "")
        )
    )
    return {
        "label": candidate.label,
        "model": candidate.model.id,
        "deployment": candidate.deployment,
        "acquisition": candidate.acquisition,
        "where": where,
        "runtime": candidate.runtime,
        "hardware": candidate.hardware.id if candidate.hardware else None,
        "hardware_count": candidate.hardware_count,
        "replicas": candidate.replicas if candidate.hardware else None,
        "capacity_requests_per_day": round(candidate.capacity_requests_per_day)
        if candidate.capacity_requests_per_day is not None and math.isfinite(candidate.capacity_requests_per_day)
        else None,
        "quantization": est.quantization if est else None,
        "decode_tokens_per_s": round(est.decode_tokens_per_s, 1) if est else None,
        "monthly_cost_usd": cost.total_usd if cost else None,
        "lines": [line.model_dump() for line in cost.lines] if cost else [],
        "unknown": list(cost.unknown) if cost else [],
        "notes": list(cost.notes) if cost else [],
    }


def cost_report(
    profile: Profile, catalog: Catalog, model_id: str | None = None, *, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Routes that pass every rule except the budget, with their monthly cost: every route of one model, or the
    cheapest of each deployment kind per model; and where self-running starts to pay."""
    run, profile, notes = start_run(profile, catalog, as_of)
    stage = split_stages(profile.tasks)[0]
    outcome = run.evaluate(profile, stage, skip_rules=frozenset({"budget"}))
    survivors = [c for c in outcome.survivors if model_id is None or c.model.id == model_id]
    chosen = survivors if model_id is not None else _cheapest_per_kind(survivors)
    chosen.sort(key=lambda c: (c.monthly_usd is None, c.monthly_usd or 0.0, c.label))
    be = break_even_for(survivors, profile, run)
    curves: dict[str, list[dict[str, float]]] = {}
    if be is not None:
        volumes = run.policy.curves.requests_per_day
        by_label = {c.label: c for c in survivors}
        for label in (be.api_route, be.self_hosted_route):
            points = cost_curve(cost_function(by_label[label], profile, run.assumptions), volumes)
            curves[label] = [p.model_dump() for p in points]
    return {
        "profile": profile.name,
        "as_of": run.as_of.isoformat(),
        "requests_per_day": profile.workload.requests_per_day,
        "routes": [route_row(c) for c in chosen],
        "comparable_quality": [c.label for c in comparable(chosen, profile, run.policy, catalog)],
        "break_even": (
            {
                "api_route": be.api_route,
                "self_hosted_route": be.self_hosted_route,
                "requests_per_day": be.requests_per_day,
                "reason": be.reasons[0] if be.reasons else "",
                "curves": curves,
            }
            if be is not None
            else None
        ),
        "excluded": len(outcome.excluded),
        "assumptions": [*notes, *run.assumptions.describe()],
    }


def _cheapest_per_kind(survivors: list[Candidate]) -> list[Candidate]:
    """Per model, the cheapest route of each deployment kind (unknown costs last)."""
    best: dict[tuple[str, str], Candidate] = {}
    for c in survivors:
        key = (c.model.id, c.deployment)
        cost = c.monthly_usd if c.monthly_usd is not None else math.inf
        current = best.get(key)
        if current is None or cost < (current.monthly_usd if current.monthly_usd is not None else math.inf):
            best[key] = c
    return list(best.values())
