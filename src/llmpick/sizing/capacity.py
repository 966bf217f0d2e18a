"""Capacity: how many GPU sets (each ``est.count`` GPUs) a workload needs."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

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


def replicas_needed(est: Estimate, workload: Workload, utilization: float | None = None) -> tuple[int, list[str]]:
    """GPU sets needed for the peak concurrency and for the daily volume within the hours of operation.

    ``utilization`` (default from :mod:`llmpick.sizing.defaults`) is the share of a set's throughput
    planned for, so that queues stay short. Returns the count and the reasons behind it.
    """
    util = utilization if utilization is not None else float(cost_defaults()["gpu_utilization"].value)
    per_set = max(est.max_concurrency, 0)
    reasons: list[str] = []
    if per_set < 1:
        return 0, [f"one sequence of {est.context} tokens does not fit a set of {est.count}× {est.device_id}"]
    peak_sets = math.ceil(workload.peak_concurrency / per_set)
    reasons.append(
        f"peak: {workload.peak_concurrency} concurrent requests ÷ {per_set} per set (memory for {est.context}-token contexts) "
        f"= {peak_sets} set(s)"
    )
    per_request = seconds_per_request(est, workload)
    rate = workload.requests_per_day / (workload.hours_per_day * 3600)
    busy = rate * per_request if rate > 0 else 0.0
    if not math.isfinite(busy) or busy / util > MAX_SETS:
        return MAX_SETS, [
            *reasons,
            f"volume: {workload.requests_per_day:,.0f} requests/day would need more than "
            f"{MAX_SETS:,} sets of {est.count}× {est.device_id}",
        ]
    volume_sets = math.ceil(busy / util - 1e-9) if busy > 0 else 0
    reasons.append(
        f"volume: {workload.requests_per_day:,.0f} requests/day over {workload.hours_per_day:g} h = {rate:.3f}/s × "
        f"{per_request:.2f} s of a set each ÷ {util:.0%} utilization = {volume_sets} set(s)"
    )
    needed = max(peak_sets, volume_sets, 1)
    reasons.append(f"{needed} set(s) of {est.count}× {est.device_id}")
    return needed, reasons
