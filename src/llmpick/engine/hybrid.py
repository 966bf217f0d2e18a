"""Hybrid plans: send each share of the traffic to the route that suits it.

Two cases from the seeds: (1) only part of the traffic carries sensitive data — that part stays on an
open model you run, the rest may use the best API; (2) budget and quality pull apart — the hard
requests go to a premium route, the rest to a cheaper one, so the total fits the budget.
"""

from __future__ import annotations

from llmpick.engine.candidates import Candidate
from llmpick.engine.costing import route_cost
from llmpick.engine.evaluation import Run, StageOutcome
from llmpick.engine.quality import rate, tier_gap
from llmpick.engine.result import Hybrid, HybridRoute, Route
from llmpick.profile import Profile, Residency, Sensitivity
from llmpick.sizing.cost import Assumptions

API = ("saas-api", "hosted-open")


def plan_hybrid(run: Run, profile: Profile, primary: StageOutcome) -> Hybrid | None:
    if profile.has_sensitive_split:
        return _sensitivity_split(run, profile, primary)
    if profile.budget.monthly_usd is not None and profile.quality.value in ("high", "frontier"):
        return _budget_split(run, profile, primary)
    return None


def _sensitivity_split(run: Run, profile: Profile, primary: StageOutcome) -> Hybrid | None:
    """The sensitive share keeps every data rule; the rest drops them and goes to the best API route."""
    share = profile.data.sensitive_fraction
    level = profile.data.sensitivity.value
    sensitive_profile = _with_volume(profile, share)
    other_profile = _with_volume(_without_data_limits(profile), 1 - share)
    kept = run.evaluate(sensitive_profile, primary.stage)
    freed = run.evaluate(other_profile, primary.stage)
    safe = kept.survivors[0] if kept.survivors else None
    api = next((c for c in freed.survivors if c.deployment in API), None)
    if safe is None or api is None or safe.deployment in API:
        return None  # nothing to split: the best route for sensitive data is already an API, or no API qualifies
    sensitive_route = run.route(safe, 1, kept, sensitive_profile)
    other_route = run.route(api, 2, freed, other_profile)
    for route, part, requests in ((sensitive_route, share, sensitive_profile), (other_route, 1 - share, other_profile)):
        route.reasons.insert(0, f"serves {part:.0%} of requests ({requests.workload.requests_per_day:,.0f} a day)")
    reasons = [
        f"data.sensitive_fraction is {share:.0%}: only that share carries {level} data, so only it must meet the data rules",
        f"sensitive requests stay on {safe.label} ({safe.deployment}), sized for their share of the traffic",
        f"the other {1 - share:.0%} go to the best-scoring API route without those limits: {api.label} — "
        "no hardware to scale for them, and the best models available",
    ]
    return Hybrid(
        routes=[
            HybridRoute(
                when=f"requests with {level} data ({share:.0%})",
                sensitive=True,
                share=round(share, 3),
                use=sensitive_route,
            ),
            HybridRoute(
                when=f"requests without sensitive data ({1 - share:.0%})",
                sensitive=False,
                share=round(1 - share, 3),
                use=other_route,
            ),
        ],
        monthly_cost_usd=_sum_costs(sensitive_route, other_route),
        reasons=reasons,
    )


def _budget_split(run: Run, profile: Profile, primary: StageOutcome) -> Hybrid | None:
    budget = profile.budget.monthly_usd
    assert budget is not None
    unbounded = run.evaluate(profile, primary.stage, skip_rules=frozenset({"budget"}))
    premium = next(
        (
            c
            for c in unbounded.survivors
            if tier_gap(rate(c.model, run.policy, run.catalog).tier, profile.quality.value) == 0
            and c.monthly_usd is not None
        ),
        None,
    )
    cheap = next((c for c in primary.survivors if c.monthly_usd is not None), None)
    if premium is None or cheap is None or premium.key == cheap.key:
        return None
    premium_cost, cheap_cost = premium.monthly_usd, cheap.monthly_usd
    assert premium_cost is not None and cheap_cost is not None
    if premium_cost <= budget or premium_cost <= cheap_cost:
        return None  # the premium route fits the budget on its own: no need to split
    share = (budget - cheap_cost) / (premium_cost - cheap_cost)
    share = min(share, run.policy.hybrid.premium_share_max)
    if share < run.policy.hybrid.premium_share_min:
        return None
    premium_route = _shared(run.route(premium, 1, unbounded, profile), premium, share, profile, run.assumptions)
    cheap_route = _shared(run.route(cheap, 2, primary, profile), cheap, 1 - share, profile, run.assumptions)
    return Hybrid(
        routes=[
            HybridRoute(
                when=f"hard requests that need {profile.quality.value} quality ({share:.0%})",
                sensitive=False,
                share=round(share, 3),
                use=premium_route,
            ),
            HybridRoute(
                when=f"routine requests ({1 - share:.0%})", sensitive=False, share=round(1 - share, 3), use=cheap_route
            ),
        ],
        monthly_cost_usd=_sum_costs(premium_route, cheap_route),
        reasons=[
            f"budget.monthly_usd ${budget:,.0f} cannot carry {premium.label} for all traffic (about ${premium_cost:,.0f} a month)",
            f"sending {share:.0%} of requests there and the rest to {cheap.label} keeps the total near the budget",
        ],
    )


def _with_volume(profile: Profile, share: float) -> Profile:
    workload = profile.workload.model_copy(update={"requests_per_day": profile.workload.requests_per_day * share})
    return profile.model_copy(update={"workload": workload})


def _without_data_limits(profile: Profile) -> Profile:
    """The profile for requests that carry no sensitive data: the `data` section describes the sensitive share."""
    data = profile.data.model_copy(
        update={
            "sensitivity": Sensitivity.INTERNAL,
            "compliance": [],
            "residency": Residency.ANY,
            "air_gapped": False,
            "sensitive_fraction": 1.0,
        }
    )
    return profile.model_copy(update={"data": data})


def _shared(route: Route, candidate: Candidate, share: float, profile: Profile, assumptions: Assumptions) -> Route:
    """The route's cost for its share of the traffic only."""
    workload = profile.workload.model_copy(update={"requests_per_day": profile.workload.requests_per_day * share})
    cost = route_cost(candidate, workload, [t.value for t in profile.tasks], assumptions)
    route.monthly_cost_usd = round(cost.total_usd, 2) if cost.total_usd is not None else None
    route.cost_breakdown = list(cost.lines)
    route.reasons.insert(0, f"serves {share:.0%} of requests ({workload.requests_per_day:,.0f} a day)")
    return route


def _sum_costs(*routes: Route) -> float | None:
    costs = [r.monthly_cost_usd for r in routes]
    return None if any(c is None for c in costs) else round(sum(c for c in costs if c is not None), 2)
