"""Capacity: how many GPU sets (each ``est.count`` GPUs) a workload needs."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from llmpick.sizing.defaults import cost_defaults

MAX_SETS = 1_000_000  # beyond this the answer is "not this way", not a number

if TYPE_CHECKING:
    from llmpick.profile import Workload
    from llmpick.sizing.speed import Estimate


def seconds_per_request(est: Estimate, workload: Workload) -> float:
    """Busy time of one GPU set per request, when it serves ``est.concurrency`` sequences at once.

    Prefill uses the whole set for ``input_tokens ÷ prefill``; generation shares the set's batched
    throughput, so each request costs ``output_tokens ÷ throughput`` of it.
    """
    prefill = workload.input_tokens / est.prefill_tokens_per_s if est.prefill_tokens_per_s > 0 else 0.0
    decode = workload.output_tokens / est.throughput_tokens_per_s if est.throughput_tokens_per_s > 0 else math.inf
    return prefill + decode


class SetPlan(NamedTuple):
    """The quantities behind a set count: enumeration and costing read ``sets`` for every route and volume, the
    reasons are written (`reasons`) only for the routes a user is shown."""

    est: Estimate
    workload: Workload
    utilization: float
    per_set: int  # concurrent sequences one set holds
    peak_sets: int
    per_request: float  # seconds of a set each request takes
    rate: float  # requests per second over the hours of operation
    volume_sets: int | None  # None: beyond MAX_SETS
    sets: int  # 0: one sequence does not fit a set

    def reasons(self) -> list[str]:
        est, workload = self.est, self.workload
        if self.per_set < 1:
            return [f"one sequence of {est.context} tokens does not fit a set of {est.count}× {est.device_id}"]
        peak = (
            f"peak: {workload.peak_concurrency} concurrent requests ÷ {self.per_set} per set (memory for "
            f"{est.context}-token contexts) = {self.peak_sets} set(s)"
        )
        if self.volume_sets is None:
            return [
                peak,
                f"volume: {workload.requests_per_day:,.0f} requests/day would need more than "
                f"{MAX_SETS:,} sets of {est.count}× {est.device_id}",
            ]
        return [
            peak,
            f"volume: {workload.requests_per_day:,.0f} requests/day over {workload.hours_per_day:g} h = "
            f"{self.rate:.3f}/s × {self.per_request:.2f} s of a set each ÷ {self.utilization:.0%} utilization = "
            f"{self.volume_sets} set(s)",
            f"{self.sets} set(s) of {est.count}× {est.device_id}",
        ]


def plan_sets(est: Estimate, workload: Workload, utilization: float | None = None) -> SetPlan:
    """GPU sets needed for the peak concurrency and for the daily volume within the hours of operation.

    ``utilization`` (default from :mod:`llmpick.sizing.defaults`) is the share of a set's throughput
    planned for, so that queues stay short.
    """
    util = utilization if utilization is not None else float(cost_defaults()["gpu_utilization"].value)
    per_set = max(est.max_concurrency, 0)
    if per_set < 1:
        return SetPlan(est, workload, util, per_set, 0, 0.0, 0.0, 0, 0)
    peak_sets = math.ceil(workload.peak_concurrency / per_set)
    per_request = seconds_per_request(est, workload)
    rate = workload.requests_per_day / (workload.hours_per_day * 3600)
    busy = rate * per_request if rate > 0 else 0.0
    if not math.isfinite(busy) or busy / util > MAX_SETS:
        return SetPlan(est, workload, util, per_set, peak_sets, per_request, rate, None, MAX_SETS)
    volume_sets = math.ceil(busy / util - 1e-9) if busy > 0 else 0
    return SetPlan(
        est, workload, util, per_set, peak_sets, per_request, rate, volume_sets, max(peak_sets, volume_sets, 1)
    )


def replicas_needed(est: Estimate, workload: Workload, utilization: float | None = None) -> tuple[int, list[str]]:
    """The set count (see `plan_sets`) and the reasons behind it."""
    plan = plan_sets(est, workload, utilization)
    return plan.sets, plan.reasons()
