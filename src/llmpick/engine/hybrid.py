"""Hybrid plans: send each share of the traffic to the route that suits it — only when that pays.

Two cases from the seeds: (1) only part of the traffic carries sensitive data — that part stays on an open model
you run, the rest may use the best API; (2) budget and quality pull apart — the hard requests go to a premium
route, the rest to a cheaper one, so the total fits the budget.

Each share is judged by the rules at its own volume (a route must carry its share, a GPU route's cost steps with
its sets), shares are searched against real cost, and a plan is shown only when it beats the best single route:
on the profile's own weights, better quality (traffic-weighted, on the tier scale) must outweigh any extra cost
(on the scoring's log scale) — sensitivity split; within the budget and better answers than the best route the
budget allows alone — budget split. The plan says by how much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmpick.engine.candidates import API, SELF_RUN, Candidate
from llmpick.engine.costing import cost_function, route_cost
from llmpick.engine.evaluation import Run, StageOutcome
from llmpick.engine.quality import rate, tier_gap
from llmpick.engine.result import Hybrid, HybridRoute, Route
from llmpick.engine.scoring import tier_scale, weights_for
from llmpick.profile import Profile, Residency, Sensitivity


@dataclass(frozen=True)
class Share:
    candidate: Candidate
    outcome: StageOutcome
    profile: Profile
    share: float
    cost: float | None


def plan_hybrid(run: Run, profile: Profile, primary: StageOutcome) -> Hybrid | None:
    if profile.has_sensitive_split:
        return _sensitivity_split(run, profile, primary)
    if profile.budget.monthly_usd is not None and profile.quality.value in ("high", "frontier"):
        return _budget_split(run, profile, primary)
    return None


def _quality(run: Run, candidate: Candidate, task: str) -> float | None:
    return rate(candidate.model, run.policy, run.catalog, task=task).score


def _blend(parts: list[tuple[float, float | None]]) -> float | None:
    if any(q is None for _, q in parts):
        return None
    return sum(share * (q or 0.0) for share, q in parts)


def _sensitivity_split(run: Run, profile: Profile, primary: StageOutcome) -> Hybrid | None:
    """The sensitive share keeps every data rule on the best route for it; the rest goes to the API route that
    makes the best plan, judged against the best single route on the profile's own weights."""
    share = profile.data.sensitive_fraction
    level = profile.data.sensitivity.value
    task = primary.stage.tasks[0].value
    single = primary.survivors[0] if primary.survivors else None
    sensitive_profile = _with_volume(profile, share)
    other_profile = _with_volume(_without_data_limits(profile), 1 - share)
    kept = run.evaluate(sensitive_profile, primary.stage)
    safe = kept.survivors[0] if kept.survivors else None
    if safe is None or safe.deployment not in SELF_RUN:
        return None  # nothing to split: the best route for sensitive data is already an API, or none qualifies
    freed = run.evaluate(other_profile, primary.stage)
    apis = [c for c in freed.survivors if c.deployment in API and c.monthly_usd is not None]
    single_cost = single.monthly_usd if single is not None else None
    single_q = _quality(run, single, task) if single is not None else None
    options = []
    for api in apis:
        total = _sum(safe.monthly_usd, api.monthly_usd)
        plan_q = _blend([(share, _quality(run, safe, task)), (1 - share, _quality(run, api, task))])
        gain = _objective_gain(run, profile, task, total, single_cost, plan_q, single_q)
        if gain is not None and gain > 0:
            options.append((gain, -(total or 0.0), api.label, api, total, plan_q))
    if not options:
        return None
    _, _, _, api, total, plan_q = max(options, key=lambda o: (o[0], o[1], o[2]))
    sensitive_route = _share_route(run, safe, kept, sensitive_profile, share, 1)
    other_route = _share_route(run, api, freed, other_profile, 1 - share, 2)
    reasons = [
        f"data.sensitive_fraction is {share:.0%}: only that share carries {level} data, so only it must meet the data rules",
        f"sensitive requests stay on {safe.label} ({safe.deployment}), sized for their share of the traffic",
        f"the other {1 - share:.0%} go to {api.label}: of the API routes, the one that makes the best plan",
        _versus(total, single, single_cost, plan_q, single_q),
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
        monthly_cost_usd=total,
        reasons=reasons,
        single_route_cost_usd=single_cost,
        saving_usd=round(single_cost - total, 2) if single_cost is not None and total is not None else None,
    )


def _objective_gain(
    run: Run,
    profile: Profile,
    task: str,
    total: float | None,
    single_cost: float | None,
    plan_q: float | None,
    single_q: float | None,
) -> float | None:
    """How much better the plan is than the best single route on the profile's objective: the weighted change
    in quality (traffic-weighted, on the tier scale) less the weighted change in cost (on the scoring's log
    scale). None when it cannot be judged (an unknown cost or rating)."""
    if total is None or total <= 0:
        return None
    if single_cost is None:
        return math.inf  # no single route can serve all the traffic: any plan that serves it wins
    if plan_q is None or single_q is None:
        return None
    weights, _ = weights_for(profile, run.policy)
    quality = tier_scale(plan_q, run.policy, task, run.catalog) - tier_scale(single_q, run.policy, task, run.catalog)
    cost = math.log10(max(total, 0.01) / max(single_cost, 0.01)) / run.policy.scoring.cost_decades
    return weights["quality"] * quality - weights["cost"] * cost


def _versus(
    total: float | None,
    single: Candidate | None,
    single_cost: float | None,
    plan_q: float | None,
    single_q: float | None,
) -> str:
    """What the plan gains over the best single route, in money and in answer quality."""
    if single is None or single_cost is None or total is None:
        return "no single route can serve all the traffic under the rules: the plan is the way to serve it"
    money = (
        f"${single_cost - total:,.0f} a month less"
        if total < single_cost
        else f"${total - single_cost:,.0f} a month more"
    )
    quality = (
        f"; traffic-weighted quality {single_q:.3f} → {plan_q:.3f}"
        if plan_q is not None and single_q is not None
        else ""
    )
    return f"against the best single route ({single.label}, ${single_cost:,.0f} a month): {money}{quality}"


def _budget_split(run: Run, profile: Profile, primary: StageOutcome) -> Hybrid | None:
    """Hard requests to a route of the asked tier, the rest to the best route within budget, at the largest share
    of premium traffic whose real total cost stays within the budget."""
    budget = profile.budget.monthly_usd
    assert budget is not None
    task = primary.stage.tasks[0].value
    unbounded = run.evaluate(profile, primary.stage, skip_rules=frozenset({"budget"}))
    premium = next(
        (
            c
            for c in unbounded.survivors
            if (tier_gap(rate(c.model, run.policy, run.catalog, task=task).tier, profile.quality.value) or 0) == 0
            and rate(c.model, run.policy, run.catalog, task=task).known
            and c.monthly_usd is not None
        ),
        None,
    )
    cheap = next((c for c in primary.survivors if c.monthly_usd is not None), None)
    if premium is None or cheap is None or premium.key == cheap.key:
        return None
    premium_cost, cheap_cost = premium.monthly_usd, cheap.monthly_usd
    assert premium_cost is not None and cheap_cost is not None
    if premium_cost <= budget:
        return None  # the premium route fits the budget on its own: no need to split
    share, total = _largest_share(run, profile, premium, cheap, budget)
    if share is None or total is None:
        return None
    premium_q, cheap_q = _quality(run, premium, task), _quality(run, cheap, task)
    plan_q = _blend([(share, premium_q), (1 - share, cheap_q)])
    if plan_q is None or cheap_q is None or plan_q <= cheap_q:
        return None  # no better answers than the best route within budget: nothing gained
    premium_profile, cheap_profile = _with_volume(profile, share), _with_volume(profile, 1 - share)
    premium_route = _share_route(run, premium, unbounded, premium_profile, share, 1)
    cheap_route = _share_route(run, cheap, primary, cheap_profile, 1 - share, 2)
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
        monthly_cost_usd=total,
        single_route_cost_usd=cheap_cost,
        saving_usd=round(cheap_cost - total, 2),
        reasons=[
            f"budget.monthly_usd ${budget:,.0f} cannot carry {premium.label} for all traffic (about ${premium_cost:,.0f} a month)",
            f"sending {share:.0%} of requests there and the rest to {cheap.label} costs about ${total:,.0f} a month, "
            f"within the budget (searched against each route's real cost at its share)",
            f"answers improve from quality {cheap_q:.2f} to {plan_q:.2f} (traffic-weighted) over the best route the "
            f"budget allows alone (${cheap_cost:,.0f})",
        ],
    )


def _largest_share(
    run: Run, profile: Profile, premium: Candidate, cheap: Candidate, budget: float
) -> tuple[float | None, float | None]:
    """The largest premium share (policy bounds, 1% steps) whose total cost — each route costed at its own
    volume — stays within the budget."""
    volume = profile.workload.requests_per_day
    premium_at = cost_function(premium, profile, run.assumptions)
    cheap_at = cost_function(cheap, profile, run.assumptions)
    low, high = run.policy.hybrid.premium_share_min, run.policy.hybrid.premium_share_max
    best: tuple[float | None, float | None] = (None, None)
    steps = round((high - low) * 100)
    for i in range(steps + 1):
        share = round(low + i / 100, 2)
        total = _sum(premium_at(volume * share), cheap_at(volume * (1 - share)))
        if total is not None and total <= budget:
            best = (share, total)
    return best


def _share_route(
    run: Run, candidate: Candidate, outcome: StageOutcome, profile: Profile, share: float, rank: int
) -> Route:
    """The route as costed for its share of the traffic (the profile passed in carries that volume)."""
    route = run.route(candidate, rank, outcome, profile)
    cost = route_cost(
        candidate,
        profile.workload,
        [t.value for t in profile.tasks],
        run.assumptions,
        cloud=profile.infrastructure.cloud,
    )
    route.monthly_cost_usd = round(cost.total_usd, 2) if cost.total_usd is not None else None
    route.cost_breakdown = list(cost.lines)
    route.reasons.insert(0, f"serves {share:.0%} of requests ({profile.workload.requests_per_day:,.0f} a day)")
    return route


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


def _sum(*costs: float | None) -> float | None:
    return None if any(c is None for c in costs) else round(sum(c for c in costs if c is not None), 2)
