"""Cost against volume for the top routes, and where self-hosting starts to pay (chart data)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmpick.catalog.catalog import Catalog
from llmpick.engine.candidates import Candidate
from llmpick.engine.costing import cost_function
from llmpick.engine.policy import Policy
from llmpick.engine.quality import rate, tier_gap
from llmpick.engine.result import BreakEven, CostCurve
from llmpick.profile import Profile
from llmpick.sizing.cost import break_even, cost_curve

if TYPE_CHECKING:
    from llmpick.engine.evaluation import Run

API = ("saas-api", "hosted-open")


def comparable(survivors: list[Candidate], profile: Profile, policy: Policy, catalog: Catalog) -> list[Candidate]:
    """Routes whose model meets the profile's quality tier: cost comparisons only make sense between them.

    Falls back to every survivor when none has a known rating at that tier.
    """
    good = [
        c
        for c in survivors
        if (t := rate(c.model, policy, catalog).tier) is not None and (tier_gap(t, profile.quality.value) or 0) == 0
    ]
    return good or survivors


def curves_for(shortlisted: list[Candidate], survivors: list[Candidate], profile: Profile, run: Run) -> list[CostCurve]:
    """Curves for the top four routes, plus the cheapest comparable API and self-run routes when not among them.
    Self-run curves step with the GPU sets each volume needs and end where the hardware cannot carry it."""
    policy, catalog = run.policy, run.catalog
    chosen: list[tuple[Candidate, int | None]] = [(c, rank) for rank, c in enumerate(shortlisted[:4], start=1)]
    pool = comparable(survivors, profile, policy, catalog)
    for extra in (_cheapest(pool, API), _cheapest(pool, ("self-hosted", "local"))):
        if extra is not None and all(extra is not c for c, _ in chosen):
            chosen.append((extra, None))
    volumes = policy.curves.requests_per_day
    curves = []
    for candidate, rank in chosen:
        points = cost_curve(cost_function(candidate, profile, run.assumptions), volumes)
        if points:
            curves.append(CostCurve(label=candidate.label, rank=rank, deployment=candidate.deployment, points=points))  # type: ignore[arg-type]
    return curves


def break_even_for(survivors: list[Candidate], profile: Profile, run: Run) -> BreakEven | None:
    """Between the cheapest suitable API route and the cheapest suitable self-run route of comparable quality."""
    policy, catalog = run.policy, run.catalog
    pool = comparable(survivors, profile, policy, catalog)
    api = _cheapest(pool, API)
    own = _cheapest(pool, ("self-hosted", "local"))
    if api is None or own is None:
        return None
    volumes = policy.curves.requests_per_day
    crossing = break_even(
        cost_function(api, profile, run.assumptions),
        cost_function(own, profile, run.assumptions),
        volumes[0],
        volumes[-1],
    )
    here = profile.workload.requests_per_day
    if crossing is None:
        reason = f"the curves do not cross between {volumes[0]:,.0f} and {volumes[-1]:,.0f} requests/day"
    elif crossing <= here:
        reason = f"above about {crossing:,.0f} requests/day {own.label} costs less; you plan {here:,.0f}"
    else:
        reason = f"below about {crossing:,.0f} requests/day the API is cheaper; you plan {here:,.0f}"
    return BreakEven(
        api_route=api.label,
        self_hosted_route=own.label,
        requests_per_day=round(crossing, 0) if crossing is not None else None,
        reasons=[
            reason,
            f"both routes are the cheapest of their kind that rate {profile.quality.value} quality or better",
        ]
        if pool is not survivors
        else [reason],
    )


def _cheapest(survivors: list[Candidate], deployments: tuple[str, ...]) -> Candidate | None:
    priced = [
        (c.monthly_usd, c.label, c) for c in survivors if c.deployment in deployments and c.monthly_usd is not None
    ]
    return min(priced, key=lambda t: (t[0], t[1]))[2] if priced else None
