"""Pick the quantization for a self-run route: the best quality that fits and is fast enough for the speed tier.

Memory alone would pick the largest format that fits; a route that fits at 16-bit but answers at
5 tokens/s is worse than the same model at Q4 at 20 tokens/s for a reading-paced app. So: among
the formats that fit (4-bit or more, unless nothing else fits), the highest-quality one that meets
the speed tier, else the fastest.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache, partial

from llmpick.diskcache import StoredTable
from llmpick.sizing.quantization import formats_for, get_format
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate, estimate


def _sizing_stamp() -> list[str | bytes]:
    """Everything an estimate depends on beyond its arguments: the sizing data and the code that sizes."""
    from importlib import resources
    from pathlib import Path

    from llmpick import diskcache

    data = Path(str(resources.files("llmpick.sizing") / "data"))
    modules = ("calibrate", "defaults", "ids", "memory", "quantization", "specs", "speed")
    return [
        *diskcache.files_stamp(data, "*.yaml"),
        *diskcache.source_stamp(__name__, *(f"llmpick.sizing.{m}" for m in modules)),
    ]


# Sizing every route of a profile takes longer than starting Python: answers are kept between runs.
STORED = StoredTable("sizing", _sizing_stamp)


@lru_cache(maxsize=65536)  # pure function of hashable specs: hybrid plans and relax checks re-ask the same questions
@STORED.remembers(shape=("context", "concurrency", "prompt_tokens", "speed_need"))  # one profile's questions
def choose_estimate(
    spec: ModelSpec,
    device: DeviceSpec,
    *,
    runtime: str,
    formats: tuple[str, ...],
    count: int,
    context: int,
    concurrency: int,
    prompt_tokens: int,
    speed_need: float,
) -> Estimate | None:
    """The route's estimate at the best format that fits and is fast enough (see the module's docstring); None
    when no format fits."""
    context = min(context, spec.context_window or context)
    ordered = formats_for(spec.id, list(formats))  # a model's native release format (MXFP4) first
    fitting: list[Estimate] = []
    for fmt in ordered:
        if fmt.id == "fp32" or (fmt.id.startswith("mlx-") and device.platform != "apple"):
            continue
        if _weights_gib(spec, fmt.bits_per_weight) > device.memory_gb * count:
            continue  # the weights alone outgrow the memory: no need to size the rest
        at = partial(
            estimate,
            spec,
            device,
            count=count,
            quantization=fmt.id,
            runtime=runtime,
            context=context,
            prompt_tokens=prompt_tokens,
        )
        est = at(concurrency=concurrency)
        if not est.fits and concurrency > 1 and est.max_concurrency >= 1:
            # Fewer sequences per set fit: more replicas carry the rest (capacity counts them).
            est = at(concurrency=est.max_concurrency)
        if est.fits:
            if not fmt.below_4bit and est.decode_tokens_per_s >= speed_need:
                return est  # formats come best-quality first: the first solid one that is fast enough wins
            fitting.append(est)
    if not fitting:
        return None
    solid = [e for e in fitting if not get_format(e.quantization).below_4bit]
    if not solid:  # only below-4-bit formats fit: say so in the basis
        solid = [replace(e, basis=[*e.basis, _low_note(context)]) for e in fitting]
    fast_enough = [e for e in solid if e.decode_tokens_per_s >= speed_need]
    if fast_enough:
        return fast_enough[0]
    fastest = max(solid, key=lambda e: e.decode_tokens_per_s)
    return replace(
        fastest,
        basis=[
            *fastest.basis,
            f"no format reaches {speed_need:g} tokens/s here; {fastest.quantization} is the fastest that fits",
        ],
    )


@lru_cache(maxsize=65536)
def smallest_fitting(
    spec: ModelSpec,
    device: DeviceSpec,
    engines: tuple[tuple[str, tuple[str, ...]], ...],
    counts: tuple[int, ...],
    *,
    context: int,
    concurrency: int,
    prompt_tokens: int,
    speed_need: float,
) -> tuple[int, tuple[Estimate, ...]] | None:
    """The smallest GPU count of `counts` at which a serving engine fits, and each fitting engine's estimate (policy
    order). It depends on the workload's shape, not its volume: profiles that try volumes ask it again."""
    for count in counts:
        found = tuple(
            fit
            for runtime, formats in engines
            if (
                fit := choose_estimate(
                    spec,
                    device,
                    runtime=runtime,
                    formats=formats,
                    count=count,
                    context=context,
                    concurrency=concurrency,
                    prompt_tokens=prompt_tokens,
                    speed_need=speed_need,
                )
            )
            is not None
        )
        if found:
            return count, found
    return None


def _weights_gib(spec: ModelSpec, bits_per_weight: float) -> float:
    return spec.params_b * 1e9 * bits_per_weight / 8 / 2**30


def _low_note(context: int) -> str:
    return f"below 4-bit: nothing at 4 bits or more fits with {context} tokens of context — expect a noticeable quality loss"


def forget_estimates() -> None:
    """Size from scratch, as a new process with no stored answers would (benchmarks)."""
    choose_estimate.cache_clear()
    smallest_fitting.cache_clear()
    STORED.forget()
