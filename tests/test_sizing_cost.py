"""Cost arithmetic (API, self-hosted, local), curves and break-even, hand-checked."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from llmpick.catalog.prices import PriceQuote
from llmpick.catalog.schema import Hardware, HardwareKind, HardwarePurchase, HardwareRent, HardwareSpec, Source
from llmpick.profile import CostAssumptions, Workload
from llmpick.sizing.cost import (
    Assumptions,
    CostBreakdown,
    api_monthly_cost,
    break_even,
    cost_curve,
    local_monthly_cost,
    resolve_assumptions,
    self_hosted_monthly_cost,
)
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import estimate

A = resolve_assumptions(None)
QUOTE = PriceQuote(
    input_per_mtok=3,
    output_per_mtok=15,
    cached_input_per_mtok=0.3,
    batch_input_per_mtok=1.5,
    batch_output_per_mtok=7.5,
    source="test",
)


def gpu(rent: bool = True, purchase: bool = True, kind: HardwareKind = HardwareKind.DATACENTER_GPU) -> Hardware:
    return Hardware(
        id="test-h100",
        name="Test H100",
        vendor="nvidia",
        kind=kind,
        sources={"s": Source(url="https://example.com", as_of=dt.date(2026, 1, 1))},
        spec=HardwareSpec(memory_gb=80, bandwidth_gb_s=3350, fp16_tflops=989, tdp_w=700, source="s"),
        rent=HardwareRent(on_demand_usd_per_hour=2.0, reserved_usd_per_hour=1.5, provider="p", source="s")
        if rent
        else None,
        purchase=HardwarePurchase(usd=30000, source="s") if purchase else None,
    )


def test_token_cost_with_cache_and_batch_shares() -> None:
    w = Workload(
        requests_per_day=1000, input_tokens=1000, output_tokens=300, cacheable_input_fraction=0.5, batch_fraction=0.2
    )
    cost = api_monthly_cost(QUOTE, w, ["text"], A)
    # 30,000 requests: 30M in, 9M out. Live 80%: 12M fresh × $3 + 12M cached × $0.3 + 7.2M out × $15;
    # batch 20%: 6M in × $1.5 + 1.8M out × $7.5
    assert [line.usd for line in cost.lines] == [36.0, 3.6, 108.0, 9.0, 13.5]
    assert cost.total_usd == 170.1


def test_token_cost_without_discount_prices_counts_full_price_and_says_so() -> None:
    quote = PriceQuote(input_per_mtok=1, output_per_mtok=2)
    w = Workload(
        requests_per_day=100, input_tokens=1000, output_tokens=1000, cacheable_input_fraction=0.5, batch_fraction=0.5
    )
    cost = api_monthly_cost(quote, w, ["text"], A)
    assert cost.total_usd == pytest.approx(3 * 1 + 3 * 2)  # 3M in, 3M out at full price
    assert any("cached" in n for n in cost.notes) and any("batch" in n for n in cost.notes)


@pytest.mark.parametrize(
    ("task", "quote", "workload", "total"),
    [
        (
            "speech-to-text",
            PriceQuote(per_audio_minute=0.006),
            Workload(requests_per_day=100, audio_minutes_per_request=2),
            36.0,
        ),
        (
            "text-to-speech",
            PriceQuote(per_million_chars=30),
            Workload(requests_per_day=100, characters_per_request=1000),
            90.0,
        ),
        ("text-to-speech", PriceQuote(per_million_chars=30), Workload(requests_per_day=100, output_tokens=250), 90.0),
        ("image-generation", PriceQuote(per_image=0.04), Workload(requests_per_day=10, images_per_request=2), 24.0),
        (
            "embeddings",
            PriceQuote(input_per_mtok=0.02, output_per_mtok=0),
            Workload(requests_per_day=1000, input_tokens=500),
            0.3,
        ),
    ],
)
def test_other_units(task: str, quote: PriceQuote, workload: Workload, total: float) -> None:
    assert api_monthly_cost(quote, workload, [task], A).total_usd == pytest.approx(total)


def test_unknown_price_gives_no_total_and_says_what_is_missing() -> None:
    cost = api_monthly_cost(PriceQuote(per_image=0.04), Workload(), ["text"], A)
    assert cost.total_usd is None and "tokens" in cost.unknown[0]


def serving_estimate():  # type: ignore[no-untyped-def]
    est = estimate(
        ModelSpec.custom(70, layers=80, attention_heads=64, kv_heads=8, head_dim=128),
        DeviceSpec.custom(80, 3350, kind="datacenter-gpu", fp16_tflops=989),
        runtime="vllm",
        count=2,
    )
    return dataclasses.replace(
        est, max_concurrency=8, prefill_tokens_per_s=5000.0, throughput_tokens_per_s=400.0, weights_gb=140.0
    )


def test_self_hosted_rent_storage_egress_and_staff() -> None:
    w = Workload(requests_per_day=100_000, input_tokens=1000, output_tokens=300, peak_concurrency=20, hours_per_day=10)
    cost = self_hosted_monthly_cost(serving_estimate(), gpu(), w, A)
    lines = {line.item: line.usd for line in cost.lines}
    # 5 sets × 2 GPUs × (730 × 10/24 h) × $2.00
    assert lines["GPU rental"] == pytest.approx(10 * 730 * 10 / 24 * 2.0, abs=0.01)
    assert lines["storage"] == pytest.approx(5 * (140 + 50) * 0.08)
    assert lines["egress"] == pytest.approx(round(100_000 * 30 * 300 * 64 / 1e9 * 0.09, 2))
    # 10 GPUs make two servers of up to 8: the first server's share plus one further server's
    assert lines["operations staff"] == A.ops_staff_usd_per_month + A.ops_staff_usd_per_extra_node
    assert cost.units == 10
    assert cost.total_usd == pytest.approx(sum(lines.values()), abs=0.01)
    # written when read: the same text every time, the set count explained first (peak, volume, the count)
    basis = next(line.basis for line in cost.lines if line.item == "GPU rental")
    assert basis.startswith("5 set(s) × 2 × ") and "$2/GPU-h on-demand" in basis
    assert cost.lines is cost.lines and [n.split(":")[0] for n in cost.notes[:2]] == ["peak", "volume"]
    assert cost.notes[2] == f"5 set(s) of 2× {serving_estimate().device_id}"


def test_reserved_rates_redundancy_and_owned_gpus() -> None:
    w = Workload(requests_per_day=100, peak_concurrency=1)
    reserved = self_hosted_monthly_cost(
        serving_estimate(), gpu(), w, resolve_assumptions(CostAssumptions(reserved_pricing=True))
    )
    assert {x.item: x.usd for x in reserved.lines}["GPU rental"] == pytest.approx(2 * 730 * 1.5)
    spare = self_hosted_monthly_cost(
        serving_estimate(), gpu(), w, resolve_assumptions(CostAssumptions(redundancy=True))
    )
    assert spare.units == 4 and any("N+1" in n for n in spare.notes)
    owned = self_hosted_monthly_cost(serving_estimate(), gpu(), w, A, acquisition="owned")
    assert "GPU rental" not in {x.item for x in owned.lines}
    power = next(x for x in owned.lines if x.item == "power")
    # busy hours at full power; no idle figure for this GPU, so idle draw is left out (and the basis says so)
    assert 0 < power.usd < 2 * 0.7 * 730 * A.power_usd_per_kwh
    assert "busy h" in power.basis and "idle draw not counted" in power.basis


def test_self_hosted_without_a_rental_price_is_unknown() -> None:
    cost = self_hosted_monthly_cost(serving_estimate(), gpu(rent=False), Workload(), A)
    assert cost.total_usd is None and cost.unknown == ["no rental price for test-h100 in the catalog"]


def test_local_owned_pays_power_only_and_bought_pays_amortisation() -> None:
    w = Workload(requests_per_day=10, hours_per_day=8)
    hw = gpu(kind=HardwareKind.CONSUMER_GPU)
    owned = local_monthly_cost(hw, w, A, owned=True)
    busy_h = 8 * 30 * 0.25
    assert owned.total_usd == pytest.approx(round((700 + 100) / 1000 * busy_h * A.power_usd_per_kwh, 2))
    bought = local_monthly_cost(hw, w, A, owned=False)
    assert {x.item: x.usd for x in bought.lines}["hardware (amortised)"] == pytest.approx(30000 / 36, abs=0.01)
    assert local_monthly_cost(gpu(purchase=False), w, A, owned=False).total_usd is None


def test_cost_curve_and_break_even() -> None:
    api = lambda v: 0.01 * v * 30  # noqa: E731 — $0.01 a request
    own = lambda v: 3000.0  # noqa: E731 — flat
    points = cost_curve(api, [10, 100, 1000])
    assert [p.monthly_cost_usd for p in points] == [3.0, 30.0, 300.0]
    assert break_even(api, own, 10, 1_000_000) == pytest.approx(10_000, rel=1e-4)
    assert break_even(api, lambda v: 1e9, 10, 1_000_000) is None  # never cheaper
    assert break_even(api, lambda v: 0.0, 10, 1_000_000) is None  # always cheaper: no crossing in range
    assert cost_curve(lambda v: None if v > 50 else v, [10, 100]) == cost_curve(lambda v: v, [10])


def test_break_even_on_a_step_function() -> None:
    api = lambda v: 0.02 * v  # noqa: E731
    steps = lambda v: 500.0 * (1 + int(v // 40_000))  # noqa: E731 — one more GPU set every 40k requests/day
    crossing = break_even(api, steps, 100, 1_000_000)
    assert crossing == pytest.approx(25_000, rel=1e-3)


def _spelled_out(cost: CostBreakdown) -> tuple[object, ...]:
    return (cost.total_usd, [(x.item, x.usd, x.basis) for x in cost.lines], cost.unknown, cost.units, cost.notes)


def test_lines_remembered_per_set_count_equal_fresh_ones_for_any_volume_and_assumptions() -> None:
    """Rental or purchase, storage and staff depend on the set count alone and are made once per set count
    (`_SET_COSTS`): whatever was asked before, an answer equals computing it afresh."""
    from llmpick.sizing import cost as cost_module

    variants = [
        A,
        resolve_assumptions(CostAssumptions(redundancy=True)),
        resolve_assumptions(CostAssumptions(reserved_pricing=True)),
        resolve_assumptions(CostAssumptions(ops_staff_usd_per_month=1234, amortisation_months=24)),
    ]
    devices = (gpu(), gpu(rent=False, purchase=False))  # records are remembered by identity: the same objects
    asked = [
        (
            assumptions,
            acquisition,
            operated,
            hardware,
            Workload(requests_per_day=rpd, peak_concurrency=4, hours_per_day=hours),
        )
        for assumptions in variants
        for acquisition in ("rented", "owned", "bought")
        for operated in (True, False)
        for hardware in devices
        for rpd in (100, 100_000, 100_001, 2_000_000)
        for hours in (10, 24)
    ]

    def ask(
        assumptions: Assumptions, acquisition: str, operated: bool, hardware: Hardware, workload: Workload
    ) -> tuple[object, ...]:
        return _spelled_out(
            self_hosted_monthly_cost(
                serving_estimate(), hardware, workload, assumptions, acquisition=acquisition, operated=operated
            )
        )

    cost_module._SET_COSTS.clear()  # only this test's entries
    remembered = [ask(*question) for question in asked]
    assert len(cost_module._SET_COSTS._entries) < len(asked)  # set counts repeat: fewer entries than questions
    fresh = []
    for question in asked:
        cost_module._SET_COSTS.clear()
        fresh.append(ask(*question))
    assert remembered == fresh
    assert len({answer[0] for answer in fresh}) > 20  # the variants do change the answer
