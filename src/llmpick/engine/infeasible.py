"""When no route survives: say which constraints removed them, and what to relax and by how much."""

from __future__ import annotations

import math
from collections import Counter

from llmpick.engine.evaluation import Run, StageOutcome
from llmpick.engine.result import Infeasible, Relaxation
from llmpick.profile import Profile

# Rules a user can relax, with the profile field to change.
RELAXABLE = {
    "budget": "budget",
    "context": "workload.context_tokens",
    "quality": "quality",
    "compliance": "data.compliance",
    "residency": "data.residency",
    "air-gap": "data.air_gapped",
    "data-sensitivity": "data.sensitivity",
    "license": "license",
    "openness": "customization",
    "fine-tuning": "domain (precision strategy)",
    "hardware-fit": "infrastructure",
    "capacity": "workload / infrastructure",
    "speed": "speed",
    "excluded-by-profile": "preferences.exclude",
}


def explain_infeasible(run: Run, profile: Profile, primary: StageOutcome) -> Infeasible:
    counts: Counter[str] = Counter()
    for _, broken in primary.excluded:
        counts.update(broken.keys())
    reasons = [f"{name}: removed {n} route(s)" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    relax: list[Relaxation | str] = []
    for name in sorted(counts, key=lambda n: (-counts[n], n)):
        if name not in RELAXABLE:  # the task and a retired model are not the user's to relax
            continue
        outcome = run.evaluate(profile, primary.stage, skip_rules=frozenset({name}))
        if outcome.survivors:
            relax.append(
                Relaxation(
                    constraint=RELAXABLE[name], change=_change(name, outcome, profile), unlocks=len(outcome.survivors)
                )
            )
    if not relax:
        relax.append("no single change is enough: relax two constraints together (see reasons), or widen the catalog")
    relax.sort(key=lambda r: -r.unlocks if isinstance(r, Relaxation) else 0)
    return Infeasible(reasons=["no route meets every hard constraint", *reasons], relax=relax)


def _change(name: str, outcome: StageOutcome, profile: Profile) -> str:
    best = outcome.survivors[0]
    if name == "budget":
        costs = [c.cost.total_usd for c in outcome.survivors if c.cost and c.cost.total_usd is not None]
        now = profile.budget.monthly_usd or 0
        if costs and math.ceil(min(costs)) > now:
            return f"raise budget.monthly_usd from ${now:,.0f} to at least ${math.ceil(min(costs)):,.0f} (best then: {best.label})"
        return f"allow buying hardware: budget.upfront_usd above ${profile.budget.upfront_usd or 0:,.0f} (best then: {best.label})"
    if name == "capacity":
        return (
            f"more hardware, or less traffic than {profile.workload.requests_per_day:,.0f} requests/day at a peak of "
            f"{profile.workload.peak_concurrency} (best then: {best.label})"
        )
    if name == "context":
        windows = [c.model.capabilities.context_window or 0 for c in outcome.survivors]
        return f"cut the context to {max(windows):,} tokens or fewer (now {profile.workload.needed_context:,})"
    if name == "quality":
        return f"accept a lower quality tier than {profile.quality.value} (best remaining: {best.label})"
    if name == "hardware-fit":
        return f"add GPU memory or use a smaller model; without this rule the best route would be {best.label}"
    if name == "residency":
        return f"allow data.residency other than {profile.data.residency.value} (best then: {best.label})"
    if name == "air-gap":
        return f"allow a network route: data.air_gapped false (best then: {best.label})"
    if name == "compliance":
        return f"narrow data.compliance {[c.value for c in profile.data.compliance]} (best then: {best.label})"
    return f"relax {RELAXABLE[name]} (best then: {best.label})"
