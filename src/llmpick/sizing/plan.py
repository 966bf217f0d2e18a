"""The reverse question: which hardware runs this model at the speed wanted — and what to add when it doesn't.

For every catalog device at 1, 2, 4 and 8 units (one unit for Macs and CPU machines, which do not
pool), the default runtime for the device and the best format that fits (or the asked one) are sized
with :func:`llmpick.sizing.speed.estimate`. An option *meets the target* when it fits and each of the
``concurrency`` sequences decodes at ``target_tps`` or faster. Options are priced with the catalog's
purchase and rent facts (rough: list prices, on-demand rates). Upgrade steps say what the nearest
misses lack: memory ("+8 GB → fits at Q5_K_M") or speed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llmpick.errors import EstimateError
from llmpick.sizing.quantization import formats_for, get_format
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate, best_fit, estimate, resolve_runtime, usable_formats

if TYPE_CHECKING:
    from llmpick.catalog.schema import Hardware

COUNTS = (1, 2, 4, 8)
SINGLE_UNIT_KINDS = ("apple", "cpu")


@dataclass(frozen=True)
class PlanOption:
    hardware_id: str
    name: str
    count: int
    estimate: Estimate
    per_user_tps: float
    meets_target: bool
    purchase_usd: float | None  # all units, list price
    rent_usd_per_hour: float | None  # all units, on demand

    @property
    def label(self) -> str:
        return f"{self.count}× {self.name}" if self.count > 1 else self.name


@dataclass
class Plan:
    model: str
    target_tps: float
    concurrency: int
    context: int
    local: list[PlanOption] = field(default_factory=list)  # meets the target, cheapest to buy first
    rented: list[PlanOption] = field(default_factory=list)  # meets the target, cheapest per hour first
    upgrades: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)


def plan(
    model: ModelSpec,
    hardware: Iterable[Hardware],
    *,
    context: int = 4096,
    quantization: str | None = None,
    target_tps: float = 10.0,
    concurrency: int = 1,
    counts: tuple[int, ...] = COUNTS,
) -> Plan:
    """Catalog hardware (and counts) that runs ``model`` with ``concurrency`` sequences of ``context``
    tokens, each at ``target_tps`` or faster; the cheapest first, plus upgrade steps for near misses."""
    if target_tps <= 0:
        raise EstimateError(f"--target-tps: must be positive (got {target_tps:g})")
    if concurrency < 1 or context < 1:
        raise EstimateError("--concurrency and --context: must be at least 1")
    if quantization is not None:
        quantization = get_format(quantization).id
    out = Plan(model=model.label, target_tps=target_tps, concurrency=concurrency, context=context)
    options: list[PlanOption] = []
    misses: list[tuple[Hardware, DeviceSpec, int, Estimate | None]] = []
    for hw in hardware:
        device = DeviceSpec.from_hardware(hw)
        for count in counts:
            if count > 1 and hw.kind.value in SINGLE_UNIT_KINDS:
                continue
            est = _size(model, device, count, context, concurrency, quantization)
            if est is None or not est.fits or (quantization is None and est.below_4bit):
                misses.append((hw, device, count, est))
                continue
            per_user = min(est.batch_decode_tokens_per_s, est.decode_tokens_per_s)
            option = PlanOption(
                hardware_id=hw.id,
                name=hw.name,
                count=count,
                estimate=est,
                per_user_tps=per_user,
                meets_target=per_user >= target_tps,
                purchase_usd=hw.purchase.usd * count if hw.purchase else None,
                rent_usd_per_hour=(
                    hw.rent.on_demand_usd_per_hour * count if hw.rent and hw.rent.on_demand_usd_per_hour else None
                ),
            )
            options.append(option)
            if option.meets_target:
                break  # more units of the same device only cost more
    meeting = [o for o in options if o.meets_target]
    out.local = sorted((o for o in meeting if o.purchase_usd is not None), key=lambda o: o.purchase_usd or 0.0)
    out.rented = sorted(
        (o for o in meeting if o.rent_usd_per_hour is not None), key=lambda o: o.rent_usd_per_hour or 0.0
    )
    out.upgrades = _upgrades(model, options, misses, context, concurrency, target_tps)
    out.basis = [
        f"each option: the device's default runtime and the best format that fits {concurrency} sequence(s) of "
        f"{context:,} tokens"
        + (f" at {quantization}" if quantization else " at 4 bits or more (Q3/Q2 lose noticeable quality)"),
        f"meets the target: every sequence decodes at ≥ {target_tps:g} tokens/s (per-sequence speed in the batch)",
        "costs: the catalog's purchase (list price) and on-demand rent facts, times the number of units; "
        "rough — no power, hosting or discounts",
    ]
    return out


def _size(
    model: ModelSpec, device: DeviceSpec, count: int, context: int, concurrency: int, quantization: str | None
) -> Estimate | None:
    with contextlib.suppress(EstimateError):  # a runtime that does not run there, a format it cannot run
        if quantization is None:
            return best_fit(model, device, count=count, context=context, concurrency=concurrency)
        return estimate(model, device, count=count, quantization=quantization, context=context, concurrency=concurrency)
    return None


def _upgrades(
    model: ModelSpec,
    options: list[PlanOption],
    misses: list[tuple[Hardware, DeviceSpec, int, Estimate | None]],
    context: int,
    concurrency: int,
    target_tps: float,
) -> list[str]:
    """Near misses, one line each: single purchasable devices that lack memory (how much more, at which
    format) and fitting options that fall short of the speed."""
    lines: list[str] = []
    for hw, device, count, _ in misses:
        if count != 1 or hw.purchase is None:
            continue
        step = _memory_step(model, device, context, concurrency)
        if step is not None:
            lines.append(f"{hw.name}: {step}")
    slow = sorted(
        (o for o in options if not o.meets_target and o.count == 1 and o.purchase_usd is not None),
        key=lambda o: -o.per_user_tps,
    )
    for o in slow[:3]:
        lines.append(
            f"{o.name}: fits at {o.estimate.quantization}, {o.per_user_tps:.1f} of the {target_tps:g} tokens/s wanted "
            f"— needs ×{target_tps / o.per_user_tps:.1f} the memory bandwidth, or a smaller format"
        )
    return lines[:8]


def _memory_step(model: ModelSpec, device: DeviceSpec, context: int, concurrency: int) -> str | None:
    """'+N GB → fits at FORMAT' for the best format whose shortfall is smallest (≤ the device's memory)."""
    try:
        info = resolve_runtime(device, None)
    except EstimateError:
        return None
    best: tuple[float, str] | None = None
    for fmt in formats_for(model.id, usable_formats(info, device)):
        if fmt.id == "fp32" or fmt.below_4bit:
            continue
        try:
            est = estimate(model, device, quantization=fmt.id, context=context, concurrency=concurrency)
        except EstimateError:
            continue
        gap = est.memory_gb - est.available_gb
        if 0 < gap <= device.memory_gb and (best is None or gap < best[0]):
            best = (gap, fmt.name)
    if best is None:
        return None
    return f"+{best[0]:.0f} GB → fits at {best[1]}"
