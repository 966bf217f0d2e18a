"""Inference memory: weights at a format, KV cache from the architecture, runtime overhead; what fits.

Memory figures (``*_gb``) are in the unit GPU memory is sold in: a "24 GB" RTX 4090 has 24 GiB
(24,564 MiB in nvidia-smi), an "80 GB" H100 80 GiB, a "64 GB" Mac 64 GiB. So weights and KV cache are
counted in GiB (2^30 bytes) too — the unit llama.cpp prints model sizes in — and compare directly with
the catalog's memory. Bandwidth stays in decimal GB/s, as vendors state it; the speed model converts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmpick.sizing.defaults import memory_defaults
from llmpick.sizing.quantization import QuantFormat, RuntimeInfo, kv_bytes_per_element
from llmpick.sizing.specs import DeviceSpec, ModelSpec

GB = float(2**30)  # bytes per memory "GB" (GiB), as GPU memory is sold
# KV bytes per token at FP16 of Llama-3-8B (32 layers × 8 KV heads × 128 dims × K and V × 2 bytes):
# the reference for models whose architecture the catalog does not record.
_REFERENCE_KV_BYTES = 32 * 8 * 128 * 2 * 2
_REFERENCE_PARAMS_B = 8.0
_KV_EXPONENT = 0.45  # Llama 3 8B → 70B: 128 KiB → 320 KiB per token for 8.8× the parameters


def weights_gb(params_b: float, fmt: QuantFormat) -> float:
    """Weight memory in GiB: all parameters (every expert of an MoE) at the format's bits per weight."""
    return params_b * 1e9 * fmt.bits_per_weight / 8 / GB


@dataclass(frozen=True)
class KvLayout:
    """KV bytes one token adds in one layer, and how many layers keep the full context."""

    bytes_per_token_layer: float
    full_layers: int
    window_layers: int
    window: int | None
    description: str

    def bytes_per_sequence(self, context: int) -> float:
        """KV bytes of one sequence of ``context`` tokens."""
        windowed = min(context, self.window) if self.window else context
        return self.bytes_per_token_layer * (self.full_layers * context + self.window_layers * windowed)

    def tokens_for_budget(self, budget_bytes: float) -> int:
        """The longest context whose KV cache fits in ``budget_bytes`` (one sequence)."""
        if budget_bytes <= 0 or self.bytes_per_token_layer <= 0:
            return 0
        per_token_all = self.bytes_per_token_layer * (self.full_layers + self.window_layers)
        if not self.window or self.window_layers == 0:
            return int(budget_bytes // per_token_all)
        # up to the window every layer grows; past it only the full-attention layers do
        at_window = per_token_all * self.window
        if budget_bytes <= at_window:
            return int(budget_bytes // per_token_all)
        if self.full_layers == 0:
            return 10**9  # a pure sliding-window model: memory does not grow past the window
        per_token_full = self.bytes_per_token_layer * self.full_layers
        return self.window + int((budget_bytes - at_window) // per_token_full)


def kv_layout(model: ModelSpec, kv_precision: str = "fp16") -> KvLayout:
    """How the model's KV cache grows with context, from its architecture (MLA, GQA/MQA/MHA, sliding window)."""
    element = kv_bytes_per_element(kv_precision)
    layers = model.layers
    if layers and (model.attention == "mla" or model.kv_lora_rank):
        rank = model.kv_lora_rank or 512
        rope = model.qk_rope_head_dim or 64
        per_layer = (rank + rope) * element
        text = f"MLA: {layers} layers × ({rank} latent + {rope} RoPE) × {element:g} B"
        return _with_window(model, per_layer, layers, text)
    heads = model.attention_heads
    head_dim = model.head_dim or (model.hidden_size // heads if model.hidden_size and heads else None)
    if model.attention == "mqa":
        kv_heads: int | None = 1
    elif model.kv_heads:
        kv_heads = model.kv_heads
    elif model.attention in ("mha", None) and heads and model.attention != "gqa":
        kv_heads = heads
    else:
        kv_heads = None
    if layers and kv_heads and head_dim:
        per_layer = 2 * kv_heads * head_dim * element
        kind = (model.attention or ("gqa" if heads and kv_heads < heads else "mha")).upper()
        text = f"{kind}: {layers} layers × 2 (K,V) × {kv_heads} KV heads × {head_dim} dims × {element:g} B"
        return _with_window(model, per_layer, layers, text)
    # architecture unknown: scale Llama 3 8B's cache by (active parameters / 8B)^0.45
    scale = (model.active_params_b / _REFERENCE_PARAMS_B) ** _KV_EXPONENT
    per_token = _REFERENCE_KV_BYTES / 2 * element * scale
    text = (
        f"architecture not in the catalog: KV assumed like a Llama-3 GQA model, "
        f"{per_token / 1024:.0f} KiB/token ({_REFERENCE_KV_BYTES // 1024} KiB at 8B × (params/8B)^{_KV_EXPONENT})"
    )
    return KvLayout(per_token, 1, 0, None, text)


def _with_window(model: ModelSpec, per_layer: float, layers: int, text: str) -> KvLayout:
    window = model.sliding_window
    swa = model.sliding_window_layers
    if window and swa is None:
        swa = layers  # a window with no layer count recorded: every layer uses it (Mistral 7B v0.1)
    if window and swa:
        swa = min(swa, layers)
        text += f"; {swa} of {layers} layers keep only a {window}-token window"
        return KvLayout(per_layer, layers - swa, swa, window, text)
    return KvLayout(per_layer, layers, 0, None, text)


def kv_cache_gb(model: ModelSpec, context: int, concurrency: int = 1, kv_precision: str = "fp16") -> float:
    """KV cache of ``concurrency`` sequences of ``context`` tokens."""
    return kv_layout(model, kv_precision).bytes_per_sequence(context) * concurrency / GB


def overhead_gb(runtime: RuntimeInfo, device: DeviceSpec, count: int, weights: float) -> float:
    """Runtime overhead: per-device context (CUDA/Metal), compute buffers and activations."""
    d = memory_defaults()
    engine = "server" if runtime.engine == "server" else runtime.engine
    per_device = d["overhead_gb_per_device"][engine].get(
        device.platform, d["overhead_gb_per_device"][engine]["default"]
    )
    share = d["activation_share_of_weights"][engine]
    return per_device * count + share * weights


def available_gb(runtime: RuntimeInfo, device: DeviceSpec, count: int) -> float:
    """Memory the runtime may use: a server engine's memory fraction; macOS's GPU wired limit on Apple silicon."""
    d = memory_defaults()
    total = device.memory_gb * count
    if device.platform == "apple":
        frac = (
            d["apple_gpu_fraction_large"]
            if device.memory_gb > d["apple_large_threshold_gb"]
            else d["apple_gpu_fraction_small"]
        )
        return total * frac
    if device.platform == "cpu":
        return max(total - d["cpu_os_reserve_gb"], total * 0.5)
    if runtime.engine == "server":
        return total * d["server_memory_fraction"]
    return total


@dataclass(frozen=True)
class MemoryFit:
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    available_gb: float
    kv: KvLayout

    @property
    def total_gb(self) -> float:
        return self.weights_gb + self.kv_cache_gb + self.overhead_gb

    @property
    def fits(self) -> bool:
        return self.total_gb <= self.available_gb + 1e-9

    @property
    def kv_budget_gb(self) -> float:
        return self.available_gb - self.weights_gb - self.overhead_gb


def memory_fit(
    model: ModelSpec,
    fmt: QuantFormat,
    device: DeviceSpec,
    runtime: RuntimeInfo,
    *,
    count: int = 1,
    context: int = 4096,
    concurrency: int = 1,
    kv_precision: str = "fp16",
    extra_gb: float = 0.0,
) -> MemoryFit:
    """Weights + KV cache + overhead against the memory the runtime may use (``extra_gb``: CPU offload room)."""
    w = weights_gb(model.params_b, fmt)
    kv = kv_layout(model, kv_precision)
    return MemoryFit(
        weights_gb=w,
        kv_cache_gb=kv.bytes_per_sequence(context) * concurrency / GB,
        overhead_gb=overhead_gb(runtime, device, count, w),
        available_gb=available_gb(runtime, device, count) + extra_gb,
        kv=kv,
    )


def max_context(fit: MemoryFit, model: ModelSpec, concurrency: int = 1) -> int:
    """Largest context (tokens per sequence) that fits at this concurrency, capped by the model's window."""
    budget = fit.kv_budget_gb * GB / max(concurrency, 1)
    tokens = fit.kv.tokens_for_budget(budget)
    if model.context_window:
        tokens = min(tokens, model.context_window)
    return max(tokens, 0)


def max_concurrency(fit: MemoryFit, context: int, cap: int = 4096) -> int:
    """Most sequences of ``context`` tokens whose KV cache fits beside the weights."""
    per_seq = fit.kv.bytes_per_sequence(max(context, 1))
    budget = fit.kv_budget_gb * GB
    if budget <= 0:
        return 0
    if per_seq <= 0:
        return cap
    return min(cap, math.floor(budget / per_seq))
