"""Step 3: the monthly cost of each route, from the workload — token prices for APIs, GPUs for self-run routes.

One function costs a route at any volume, so the recommendation, the cost curves, break-even, hybrid shares and
`llmpick cost` all agree: a self-run route's cost steps with the GPU sets the volume needs, and ends (None) where
hardware you have or a single machine cannot carry it.
"""

from __future__ import annotations

from collections.abc import Callable

from llmpick.engine.candidates import Candidate
from llmpick.profile import Profile, Workload
from llmpick.sizing.cost import (
    Assumptions,
    CostBreakdown,
    api_monthly_cost,
    local_monthly_cost,
    self_hosted_monthly_cost,
    single_gpu_monthly_cost,
)


def route_cost(
    candidate: Candidate,
    workload: Workload,
    tasks: list[str],
    assumptions: Assumptions,
    *,
    cloud: str = "any",
) -> CostBreakdown:
    """What the route costs a month at this workload; total None (with the reason) when a price is unknown
    or the route's hardware cannot carry the volume."""
    if candidate.deployment in ("saas-api", "hosted-open"):
        if candidate.price is None:
            provider = candidate.provider.name if candidate.provider else "the provider"
            return CostBreakdown(
                None, [], [f"no price for {candidate.model.id} at {provider} in genai-prices or the catalog"]
            )
        return api_monthly_cost(candidate.price, workload, tasks, assumptions)
    assert candidate.hardware is not None
    if candidate.estimate is None and candidate.fit_problem is None:
        # a speech or image model: one machine or one GPU kept up, its throughput not sized
        if candidate.deployment == "local":
            return local_monthly_cost(candidate.hardware, workload, assumptions, owned=candidate.owned_hardware)
        return single_gpu_monthly_cost(
            candidate.hardware,
            workload,
            assumptions,
            acquisition=candidate.acquisition,
            cloud=cloud,
            operated=candidate.operated,
        )
    if candidate.estimate is None:
        return CostBreakdown(None, [], ["the model does not fit this hardware"])
    if candidate.deployment == "local":
        return local_monthly_cost(
            candidate.hardware,
            workload,
            assumptions,
            owned=candidate.owned_hardware,
            units=1,
            est=candidate.estimate,
            capacity_requests_per_day=candidate.capacity_requests_per_day,
        )
    return self_hosted_monthly_cost(
        candidate.estimate,
        candidate.hardware,
        workload,
        assumptions,
        acquisition=candidate.acquisition,
        cloud=cloud,
        max_sets=candidate.max_replicas,
        operated=candidate.operated,
    )


def cost_function(candidate: Candidate, profile: Profile, assumptions: Assumptions) -> Callable[[float], float | None]:
    """The route's monthly cost as a function of requests/day (for cost curves, break-even and hybrid shares)."""
    tasks = [t.value for t in profile.tasks]
    cloud = profile.infrastructure.cloud

    def at(requests_per_day: float) -> float | None:
        workload = profile.workload.model_copy(update={"requests_per_day": requests_per_day})
        return route_cost(candidate, workload, tasks, assumptions, cloud=cloud).total_usd

    return at
