"""Step 3: the monthly cost of each route, from the workload — token prices for APIs, GPUs for self-run routes."""

from __future__ import annotations

from collections.abc import Callable

from llmpick.engine.candidates import Candidate
from llmpick.profile import Profile, Workload
from llmpick.sizing.capacity import replicas_needed
from llmpick.sizing.cost import (
    Assumptions,
    CostBreakdown,
    api_monthly_cost,
    local_monthly_cost,
    self_hosted_monthly_cost,
)


def route_cost(candidate: Candidate, workload: Workload, tasks: list[str], assumptions: Assumptions) -> CostBreakdown:
    """What the route costs a month at this workload; total None (with the reason) when a price is unknown."""
    if candidate.deployment in ("saas-api", "hosted-open"):
        if candidate.price is None:
            provider = candidate.provider.name if candidate.provider else "the provider"
            return CostBreakdown(
                None, [], [f"no price for {candidate.model.id} at {provider} in genai-prices or the catalog"]
            )
        return api_monthly_cost(candidate.price, workload, tasks, assumptions)
    assert candidate.hardware is not None
    if candidate.estimate is None:
        return CostBreakdown(None, [], ["the model does not fit this hardware"])
    if candidate.deployment == "local":
        return local_monthly_cost(
            candidate.hardware, workload, assumptions, owned=candidate.owned_hardware, units=1, est=candidate.estimate
        )
    if candidate.owned_hardware:
        return self_hosted_monthly_cost(candidate.estimate, candidate.hardware, workload, assumptions, owned=True)
    return self_hosted_monthly_cost(candidate.estimate, candidate.hardware, workload, assumptions)


def capacity_note(candidate: Candidate, workload: Workload) -> str | None:
    """For self-hosted routes: how many GPU sets the peak and the volume need, and whether owned GPUs suffice."""
    if candidate.deployment != "self-hosted" or candidate.estimate is None:
        return None
    replicas, _ = replicas_needed(candidate.estimate, workload)
    count = candidate.hardware_count or 1
    if candidate.owned_hardware and replicas > 1:
        return f"the workload needs {replicas} sets of {count}× {candidate.hardware.id if candidate.hardware else 'GPU'}; you have one"
    return None


def cost_function(candidate: Candidate, profile: Profile, assumptions: Assumptions) -> Callable[[float], float | None]:
    """The route's monthly cost as a function of requests/day (for cost curves and break-even)."""
    tasks = [t.value for t in profile.tasks]

    def at(requests_per_day: float) -> float | None:
        workload = profile.workload.model_copy(update={"requests_per_day": requests_per_day})
        return route_cost(candidate, workload, tasks, assumptions).total_usd

    return at
