"""Fine-tuning memory and rough time: full fine-tuning, LoRA and QLoRA, and which hardware can do it.

Memory per device (bytes per parameter, mixed precision with Adam):

- full: 2 (BF16 weights) + 2 (gradients) + 4 (FP32 master copy) + 8 (Adam moments) = 16 bytes/param,
  sharded over ``count`` devices (ZeRO-3 / FSDP);
- LoRA: frozen BF16 weights (2 bytes/param) + adapters (≈0.5% of the parameters at rank 16 on every
  linear layer) at 16 bytes/param;
- QLoRA: frozen NF4 weights (4 bits + double-quantised scales ≈ 4.13 bits/param) + adapters as LoRA;

plus activations with gradient checkpointing — one hidden-state tensor per layer plus one layer's
working set (Korthikanti et al., 2022: ≈34 bytes × sequence × hidden for a layer in 16-bit) — and the
CUDA context. Time: training FLOPs ≈ 8 × params × tokens for full fine-tuning with recomputation
(6 forward/backward + 2 recomputed forward), 6 × params × tokens for LoRA (no weight gradients), at
an assumed model-FLOPs utilisation; QLoRA pays ≈1.4× for dequantisation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from llmpick.errors import EstimateError
from llmpick.sizing.specs import DeviceSpec, ModelSpec

METHODS = ("full", "lora", "qlora")
BYTES_PER_PARAM = {"full": 16.0, "lora": 2.0, "qlora": 4.127 / 8}
ADAPTER_SHARE = 0.005  # LoRA r=16 on q,k,v,o,gate,up,down of Llama-3-8B: 42M of 8.03B
ADAPTER_BYTES = 16.0  # FP32 adapter weights + gradients + Adam moments
CONTEXT_GB = 1.0  # CUDA context, allocator slack per device
MFU = {"full": 0.35, "lora": 0.30, "qlora": 0.30}
FLOPS_PER_TOKEN_FACTOR = {"full": 8.0, "lora": 6.0, "qlora": 6.0}
QLORA_SLOWDOWN = 1.4
MAX_DEVICES = 64
GIB = float(2**30)  # memory figures in GiB, the unit GPU memory is sold in
SOURCES = {
    "mixed precision + Adam (16 bytes/param)": "https://arxiv.org/abs/1910.02054",
    "LoRA": "https://arxiv.org/abs/2106.09685",
    "QLoRA (NF4, double quantisation)": "https://arxiv.org/abs/2305.14314",
    "activation memory": "https://arxiv.org/abs/2205.05198",
}


@dataclass(frozen=True)
class FinetuneEstimate:
    """Memory per device, whether it fits, rough hours, and the devices needed for one fine-tuning run."""

    method: str
    memory_gb: float  # per device at ``count`` devices
    fits: bool
    hours: float | None
    basis: list[str]
    devices_needed: int  # smallest count of this device that fits (0: not even MAX_DEVICES)
    device_id: str | None = None
    count: int = 1
    breakdown: dict[str, float] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "device": self.device_id,
            "count": self.count,
            "memory_gb": round(self.memory_gb, 1),
            "fits": self.fits,
            "hours": round(self.hours, 2) if self.hours is not None else None,
            "devices_needed": self.devices_needed,
            "breakdown_gb": {k: round(v, 2) for k, v in self.breakdown.items()},
            "basis": self.basis,
        }


def _layers_hidden(model: ModelSpec) -> tuple[int, int, bool]:
    if model.layers and model.hidden_size:
        return model.layers, model.hidden_size, False
    layers = model.layers or max(1, round(32 * (model.active_params_b / 8) ** 0.42))
    # hidden ≈ sqrt(params / (12 × layers)) for a dense transformer block
    hidden = model.hidden_size or int(math.sqrt(model.active_params_b * 1e9 / (12 * layers)))
    return layers, hidden, True


def memory_per_device(
    model: ModelSpec, method: str, count: int, tokens_per_example: int, micro_batch: int = 1
) -> dict[str, float]:
    """GB per device for each part of a fine-tuning run on ``count`` devices."""
    params = model.params_b * 1e9
    layers, hidden, _ = _layers_hidden(model)
    if method == "full":
        states = params * BYTES_PER_PARAM["full"] / count  # ZeRO-3 / FSDP shards everything
        weights, adapters = 0.0, 0.0
    else:
        weights = params * BYTES_PER_PARAM[method] / count  # frozen base split across devices
        adapters = params * ADAPTER_SHARE * ADAPTER_BYTES
        states = 0.0
    tokens = tokens_per_example * micro_batch
    activations = tokens * hidden * (2 * layers + 34)  # checkpoints (2 B per layer) + one layer's working set
    return {
        "weights and optimizer states" if method == "full" else "frozen weights": (states or weights) / GIB,
        "adapters (weights, gradients, Adam)": adapters / GIB,
        "activations (checkpointed)": activations / GIB,
        "CUDA context": CONTEXT_GB,
    }


def finetune_estimate(
    model: ModelSpec,
    device: DeviceSpec,
    *,
    method: str,
    count: int = 1,
    examples: int = 1000,
    tokens_per_example: int = 512,
    epochs: int = 3,
) -> FinetuneEstimate:
    """Memory per device and rough wall-clock hours of fine-tuning ``model`` on ``count`` × ``device``."""
    method = method.strip().lower()
    if method not in METHODS:
        raise EstimateError(f"--method: unknown fine-tuning method {method!r} (allowed: {', '.join(METHODS)})")
    for name, value in (
        ("count", count),
        ("examples", examples),
        ("tokens-per-example", tokens_per_example),
        ("epochs", epochs),
    ):
        if value < 1:
            raise EstimateError(f"--{name}: must be at least 1 (got {value})")
    parts = memory_per_device(model, method, count, tokens_per_example)
    total = sum(parts.values())
    usable = device.memory_gb * (0.75 if device.platform == "apple" else 1.0)
    fits = total <= usable
    needed = 0
    for n in range(1, MAX_DEVICES + 1):
        if sum(memory_per_device(model, method, n, tokens_per_example).values()) <= usable:
            needed = n
            break
    _, _, guessed = _layers_hidden(model)
    basis = [
        f"{method}: "
        + {
            "full": f"{model.params_b:g}B params × 16 bytes (BF16 weights 2 + gradients 2 + FP32 master 4 + Adam 8)"
            + (f" sharded over {count} devices" if count > 1 else ""),
            "lora": f"{model.params_b:g}B frozen params × 2 bytes (BF16) + adapters ({ADAPTER_SHARE:.1%} of params, r≈16) × 16 bytes",
            "qlora": f"{model.params_b:g}B frozen params × 4.13 bits (NF4 + double-quantised scales) + adapters ({ADAPTER_SHARE:.1%}) × 16 bytes",
        }[method],
        "activations with gradient checkpointing: tokens × hidden × (2 × layers + 34) bytes"
        + (" (layers/hidden estimated from size)" if guessed else ""),
        f"= {total:.1f} GB per device of {usable:.0f} GB usable" + ("" if fits else " — does not fit"),
    ]
    if needed:
        basis.append(f"smallest count of {device.name} that fits: {needed}")
    else:
        basis.append(f"does not fit on {MAX_DEVICES} × {device.name}")
    hours: float | None = None
    tokens = examples * tokens_per_example * epochs
    if device.fp16_tflops:
        flops = FLOPS_PER_TOKEN_FACTOR[method] * model.active_params_b * 1e9 * tokens
        rate = device.fp16_tflops * 1e12 * count * MFU[method]
        hours = flops / rate / 3600 * (QLORA_SLOWDOWN if method == "qlora" else 1.0)
        basis.append(
            f"time ≈ {FLOPS_PER_TOKEN_FACTOR[method]:g} × {model.active_params_b:g}B × {tokens:,} tokens "
            f"÷ ({count} × {device.fp16_tflops:g} TFLOPS × {MFU[method]:.0%} utilisation)"
            + (f" × {QLORA_SLOWDOWN} (dequantisation)" if method == "qlora" else "")
            + f" ≈ {hours:.2f} h"
        )
    else:
        basis.append("time unknown: no TFLOPS figure for this device")
    basis.append("sources: " + ", ".join(SOURCES.values()))
    return FinetuneEstimate(method, total, fits, hours, basis, needed, device.id, count, parts)


def hardware_that_can_finetune(
    model: ModelSpec,
    method: str,
    hardware: list[DeviceSpec],
    *,
    max_devices: int = 8,
    examples: int = 1000,
    tokens_per_example: int = 512,
    epochs: int = 3,
) -> list[FinetuneEstimate]:
    """For each device, the estimate at the smallest count that fits (up to ``max_devices``, one node),
    fastest first; devices that cannot do it within that count are left out."""
    out = []
    for device in hardware:
        probe = finetune_estimate(
            model, device, method=method, examples=examples, tokens_per_example=tokens_per_example, epochs=epochs
        )
        if not probe.devices_needed or probe.devices_needed > max_devices:
            continue
        out.append(
            finetune_estimate(
                model,
                device,
                method=method,
                count=probe.devices_needed,
                examples=examples,
                tokens_per_example=tokens_per_example,
                epochs=epochs,
            )
        )
    return sorted(out, key=lambda e: (e.hours is None, e.hours or 0.0, e.devices_needed))
