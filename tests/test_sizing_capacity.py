"""Replicas for the peak and for the volume, hand-checked."""

from __future__ import annotations

import dataclasses

from llmpick.profile import Workload
from llmpick.sizing.capacity import replicas_needed, seconds_per_request
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate, estimate


def base(**changes: object) -> Estimate:
    est = estimate(
        ModelSpec.custom(8, layers=32, attention_heads=32, kv_heads=8, head_dim=128),
        DeviceSpec.custom(80, 3350, kind="datacenter-gpu", fp16_tflops=989),
        runtime="vllm",
        count=2,
    )
    return dataclasses.replace(est, **changes)  # type: ignore[arg-type]


def test_volume_drives_the_count_when_the_peak_is_small() -> None:
    est = base(max_concurrency=8, prefill_tokens_per_s=5000.0, throughput_tokens_per_s=400.0)
    w = Workload(requests_per_day=100_000, input_tokens=1000, output_tokens=300, peak_concurrency=20, hours_per_day=10)
    # each request: 1000/5000 + 300/400 = 0.95 s of a set; 100,000 / 36,000 s = 2.78 req/s → 2.64 busy sets
    assert seconds_per_request(est, w) == 0.95
    count, reasons = replicas_needed(est, w, utilization=0.6)
    assert count == 5  # ceil(2.639 / 0.6); the peak alone needs ceil(20 / 8) = 3
    assert "= 3 set(s)" in reasons[0] and "= 5 set(s)" in reasons[1]


def test_peak_drives_the_count_when_volume_is_low() -> None:
    est = base(max_concurrency=4, prefill_tokens_per_s=5000.0, throughput_tokens_per_s=400.0)
    w = Workload(requests_per_day=100, input_tokens=1000, output_tokens=300, peak_concurrency=10)
    assert replicas_needed(est, w, utilization=0.6)[0] == 3


def test_at_least_one_set_and_none_when_nothing_fits() -> None:
    w = Workload(requests_per_day=0, peak_concurrency=1)
    assert replicas_needed(base(max_concurrency=64), w)[0] == 1
    count, reasons = replicas_needed(base(max_concurrency=0), w)
    assert count == 0 and "does not fit" in reasons[0]


def test_utilization_default_comes_from_the_defaults_file() -> None:
    est = base(max_concurrency=100, prefill_tokens_per_s=1e9, throughput_tokens_per_s=100.0)
    w = Workload(requests_per_day=86_400, input_tokens=0, output_tokens=100, peak_concurrency=1)  # 1 req/s × 1 s
    assert replicas_needed(est, w)[0] == 2  # 1.0 busy ÷ 0.6


def test_absurd_volume_is_capped_not_a_crash() -> None:
    est = base(max_concurrency=8, prefill_tokens_per_s=5000.0, throughput_tokens_per_s=400.0)
    count, reasons = replicas_needed(
        est,
        Workload.model_construct(
            requests_per_day=1e300, peak_concurrency=1, input_tokens=1000, output_tokens=300, hours_per_day=24
        ),
    )
    assert count == 1_000_000 and "more than" in reasons[-1]
