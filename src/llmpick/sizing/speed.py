"""Speed: decode and prefill tokens/s, time to first token, batched throughput — and :func:`estimate`, :func:`best_fit`.

Decode is memory-bound: every generated token reads the active weights and the KV cache once, so

    seconds per token = bytes read ÷ (bandwidth × η × κ) + layers × τ

with η (share of peak bandwidth the engine's kernels reach on that platform), κ (the format's kernel
family against the legacy Q4_0/Q8_0 kernels) and τ (fixed cost per layer per token) fitted on
published measurements (:mod:`llmpick.sizing.calibrate`). Prefill is compute-bound:
``tokens/s = TFLOPS × μ × ρ ÷ FLOPs per token``. Batched decode reads the weights once per step for
all sequences, so throughput grows with concurrency until compute or memory runs out.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from llmpick.errors import EstimateError
from llmpick.sizing import memory as mem
from llmpick.sizing.calibrate import FLOPS_PER_BYTE, Constants, GroupConstants, constants, stated_ranges
from llmpick.sizing.quantization import (
    QuantFormat,
    RuntimeInfo,
    formats_for,
    get_format,
    native_format,
    runtime_info,
)
from llmpick.sizing.specs import DeviceSpec, ModelSpec

THIN_GROUP_ROWS = 3  # a group fitted on fewer rows states the prior's wide range, not its class's held-out one
TP_EFFICIENCY = 0.85  # tensor parallel: share of the summed bandwidth reached (all-reduce, imbalance)
TP_ALLREDUCE_S = 10e-6  # per all-reduce; two per layer per token
LAYER_SPLIT_HOP_S = 50e-6  # llama.cpp layer split: hand-over between GPUs per token
DEFAULT_RUNTIME = {
    "consumer-gpu": "llama-cpp",
    "workstation-gpu": "llama-cpp",
    "apple": "llama-cpp",
    "cpu": "llama-cpp",
    "datacenter-gpu": "vllm",
}


@dataclass(frozen=True)
class Estimate:
    """Memory and speed of one model on one device set with one runtime and format.

    Memory in GB as GPU memory is sold (GiB, 2^30 bytes; see :mod:`llmpick.sizing.memory`);
    ``memory_gb`` = weights + KV cache + overhead for ``concurrency``
    sequences of ``context`` tokens; ``available_gb`` is what the runtime may use on ``count``
    devices. ``decode_tokens_per_s`` is single-stream; ``throughput_tokens_per_s`` is the aggregate
    at ``concurrency``. ``basis`` explains every figure.
    """

    model_id: str | None
    device_id: str
    count: int
    quantization: str
    runtime: str
    context: int
    concurrency: int
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    memory_gb: float
    available_gb: float
    fits: bool
    decode_tokens_per_s: float
    decode_range: tuple[float, float]
    prefill_tokens_per_s: float
    time_to_first_token_s: float
    throughput_tokens_per_s: float
    max_context: int
    max_concurrency: int
    basis: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    kv_precision: str = "fp16"
    calibrated: bool = False
    offload_gb: float = 0.0
    below_4bit: bool = False
    batch_decode_tokens_per_s: float = 0.0  # each sequence's decode speed with `concurrency` in the batch
    request_overhead_s: float = 0.0

    def to_json_dict(self) -> dict[str, object]:
        """JSON-ready dict; floats rounded for display."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = round(value, 3 if key.endswith("_s") else 2)
        out["decode_range"] = [round(v, 1) for v in self.decode_range]
        return out

    @property
    def decode_seconds_per_token(self) -> float:
        return 1 / self.decode_tokens_per_s if self.decode_tokens_per_s > 0 else math.inf


# ---------------------------------------------------------------- resolution


def default_runtime(device: DeviceSpec) -> str:
    """llama.cpp for consumer, workstation, Apple and CPU machines; vLLM for data-centre GPUs."""
    return DEFAULT_RUNTIME.get(device.kind, "llama-cpp")


def resolve_runtime(device: DeviceSpec, runtime: str | None) -> RuntimeInfo:
    info = runtime_info(runtime or default_runtime(device))
    if device.platform not in info.hardware_kinds:
        raise EstimateError(
            f"--runtime: {info.id} does not run on {device.platform} hardware ({device.name}); "
            f"it runs on: {', '.join(info.hardware_kinds)}"
        )
    return info


def usable_formats(info: RuntimeInfo, device: DeviceSpec) -> list[str]:
    """Formats the runtime runs on this device (MLX formats need Apple silicon)."""
    return [f for f in info.formats if not (f.startswith("mlx-") and device.platform != "apple")]


def resolve_format(
    info: RuntimeInfo, device: DeviceSpec, quantization: str | None, model: ModelSpec | None = None
) -> QuantFormat:
    """The asked format (any common spelling), else the model's native release format where the runtime
    runs it (gpt-oss: MXFP4), else the runtime's default."""
    allowed = usable_formats(info, device)
    if quantization is None:
        native = native_format(model.id if model else None)
        default = native.format if native is not None and native.format in allowed else info.default_format
        if default not in allowed:
            default = next((f.id for f in formats_for(model.id if model else None, allowed)), default)
        return get_format(default)
    fmt = get_format(quantization)
    if fmt.id not in allowed:
        raise EstimateError(
            f"--quantization: {info.id} cannot run {fmt.id} on {device.platform} hardware "
            f"(allowed: {', '.join(allowed)})"
        )
    return fmt


def effective_format(model: ModelSpec, fmt: QuantFormat, engine: str | None = None) -> tuple[QuantFormat, str | None]:
    """The format as this model's files have it: a model released quantized (gpt-oss, MXFP4) is sized
    from its checkpoint (its GGUF file on llama.cpp engines), and its GGUF files keep those tensors, so
    none is larger than the release."""
    native = native_format(model.id)
    if native is None or native.weights_gib is None:
        return fmt, None
    gib, what = native.weights_gib, "checkpoint"
    if engine == "llama.cpp" and native.gguf_gib:
        gib, what = native.gguf_gib, "GGUF file"
    bits = gib * 2**30 * 8 / (model.params_b * 1e9)
    if fmt.id == native.format:
        return replace(fmt, bits_per_weight=bits), f"{gib:g} GiB {what} ({native.source_url})"
    if fmt.family == "gguf" and fmt.bits_per_weight > bits:
        return replace(fmt, bits_per_weight=bits), (
            f"its GGUF files keep the released {native.format.upper()} tensors: no larger than the {gib:g} GiB {what}"
        )
    return fmt, None


def engine_of(info: RuntimeInfo, fmt: QuantFormat) -> str:
    """The kernel engine: MLX formats in LM Studio run on MLX, everything else on the runtime's engine."""
    return "mlx" if fmt.family == "mlx" else info.engine


def layers_of(model: ModelSpec) -> tuple[int, bool]:
    """Layer count, and whether it was estimated (32 at 8B to 80 at 70B: ≈ 32 × (params/8)^0.42)."""
    if model.layers:
        return model.layers, False
    return max(1, round(32 * (model.active_params_b / 8) ** 0.42)), True


def _kv_read_context(context: int, prompt_tokens: int | None) -> int:
    """Tokens in the KV cache, on average, while a reply is generated."""
    if prompt_tokens is not None:
        return max(1, min(context, prompt_tokens + max(context - prompt_tokens, 0) // 2))
    return max(1, context // 2)


# gpt-oss is released with its expert weights in MXFP4 (4.25 bits, OCP MX spec) and everything else in
# BF16 (gpt-oss model card, quantization.yaml: gpt-oss-card); its GGUF keeps the MXFP4 experts.
EXPERT_BITS = 4.25
CHECKPOINT_DENSE_BITS = 16.0


def native_split(model: ModelSpec, fmt: QuantFormat, engine: str | None) -> tuple[float, float, float] | None:
    """(dense weights read per token in B, their bits, expert weights read per token in B) of a model
    whose released tensors keep MXFP4 experts beside 8/16-bit attention and output layers — None for
    any other model or format. The expert parameter count follows from the checkpoint size
    (experts × 4.25 + rest × 16 bits = checkpoint bits); the GGUF's dense bits from its file size."""
    native = native_format(model.id)
    if native is None or not native.weights_gib or not model.experts or not model.experts_per_token:
        return None
    native_fmt, _ = effective_format(model, get_format(native.format), engine)
    if abs(native_fmt.bits_per_weight - fmt.bits_per_weight) > 1e-9:
        return None  # not the released tensors (another format)
    total = model.params_b
    checkpoint_bits = native.weights_gib * 2**30 * 8 / 1e9  # in billions of bits
    experts_b = (total * CHECKPOINT_DENSE_BITS - checkpoint_bits) / (CHECKPOINT_DENSE_BITS - EXPERT_BITS)
    if not 0 < experts_b < total:
        return None
    dense_bits = CHECKPOINT_DENSE_BITS
    if engine == "llama.cpp" and native.gguf_gib:
        dense_bits = (native.gguf_gib * 2**30 * 8 / 1e9 - experts_b * EXPERT_BITS) / (total - experts_b)
    active_experts = experts_b * model.experts_per_token / model.experts
    return max(model.active_params_b - active_experts, 0.0), dense_bits, active_experts


def weights_read_gb(model: ModelSpec, fmt: QuantFormat, engine: str | None) -> float:
    """GB of weights read per generated token: active parameters × the format's bits, except where the
    released tensors mix precisions (gpt-oss: its always-used attention and output weights are read at
    8–16 bits, the routed experts at 4.25) — there the file-average bits would undercount by ~20%."""
    split = native_split(model, fmt, engine)
    if split is None:
        return model.active_params_b * fmt.bytes_per_param
    dense_b, dense_bits, experts_b = split
    return (dense_b * dense_bits + experts_b * EXPERT_BITS) / 8


def decode_inputs(
    model: ModelSpec,
    device: DeviceSpec,
    quantization: str,
    runtime: str,
    *,
    context: int,
    kv_precision: str = "fp16",
    count: int = 1,
) -> tuple[str, str, float, float, float]:
    """What the decode fit needs of one configuration:
    (group, kernel, bytes ÷ bandwidth in s, layers, billions of weights each device processes per token).
    Tensor parallel splits both over the devices (at TP_EFFICIENCY of the summed bandwidth)."""
    info = runtime_info(runtime)
    engine = engine_of(info, get_format(quantization))
    fmt, _ = effective_format(model, get_format(quantization), engine)
    active_bytes = weights_read_gb(model, fmt, engine) * 1e9
    kv_bytes = mem.kv_layout(model, kv_precision).bytes_per_sequence(context)
    layers, _ = layers_of(model)
    total = active_bytes + kv_bytes
    tp = count if info.multi_gpu == "tensor-parallel" and count > 1 else 1
    bandwidth = device.bandwidth_gb_s * 1e9 * (tp * TP_EFFICIENCY if tp > 1 else 1)
    return f"{engine}/{device.speed_class}", fmt.kernel, total / bandwidth, float(layers), model.active_params_b / tp


def allreduce_s(count: int, growth: float = 0.0) -> float:
    """Seconds of one all-reduce over ``count`` tensor-parallel GPUs: TP_ALLREDUCE_S between two, growing with
    log2 of the GPUs it spans (the steps of a tree / recursive-doubling all-reduce) at the rate ``growth`` fitted
    on published multi-GPU serving sweeps (calibrate: ``Constants.allreduce_growth``)."""
    if count <= 1:
        return 0.0
    return TP_ALLREDUCE_S * (1 + growth * math.log2(count / 2))


def multi_gpu_fixed_s(runtime: str, count: int, layers: float, growth: float = 0.0) -> float:
    """Per-token cost of spreading a model over ``count`` devices: all-reduces (tensor parallel) or hand-overs (layer split)."""
    if count <= 1:
        return 0.0
    if runtime_info(runtime).multi_gpu == "tensor-parallel":
        return 2 * layers * allreduce_s(count, growth)
    return (count - 1) * LAYER_SPLIT_HOP_S


def _tflops(device: DeviceSpec, fmt: QuantFormat | None = None) -> tuple[float, str]:
    """Dense tensor TFLOPS prefill runs at: FP8 rates for W8A8 FP8 on GPUs with FP8 tensor cores."""
    if fmt is not None and fmt.id == "fp8" and device.fp8_capable:
        if device.fp8_tflops:
            return device.fp8_tflops, f"{device.fp8_tflops:g} FP8 TFLOPS"
        if device.fp16_tflops:
            return 2 * device.fp16_tflops, (
                f"{2 * device.fp16_tflops:g} FP8 TFLOPS (2 × FP16: FP8 tensor cores on {device.name}; no FP8 figure in the catalog)"
            )
    if device.fp16_tflops:
        return device.fp16_tflops, f"{device.fp16_tflops:g} FP16 TFLOPS"
    guess = device.bandwidth_gb_s * FLOPS_PER_BYTE.get(device.kind, 100.0) / 1000
    return (
        guess,
        f"~{guess:.0f} FP16 TFLOPS (no figure in the catalog: {FLOPS_PER_BYTE.get(device.kind, 100.0):g} FLOP per byte of bandwidth, typical of {device.kind})",
    )


def _flops_per_token(model: ModelSpec, context: int) -> float:
    """2 × active parameters, plus attention over the (causal, half on average) context."""
    layers, _ = layers_of(model)
    width = (
        (model.attention_heads * (model.head_dim or 0))
        if model.attention_heads and model.head_dim
        else (model.hidden_size or 0)
    )
    attention = 4 * layers * width * (context / 2)
    return 2 * model.active_params_b * 1e9 + attention


def prefill_inputs(
    model: ModelSpec, device: DeviceSpec, quantization: str, runtime: str, prompt_tokens: int, count: int = 1
) -> tuple[str, str, float | None]:
    """(group, kernel, tokens/s at 100% of peak TFLOPS) for the prefill fit."""
    info = runtime_info(runtime)
    fmt = get_format(quantization)
    engine = engine_of(info, fmt)
    tflops, _ = _tflops(device, fmt)
    tp = count if info.multi_gpu == "tensor-parallel" and count > 1 else 1
    peak = tflops * 1e12 * (tp * TP_EFFICIENCY if tp > 1 else 1) / _flops_per_token(model, prompt_tokens)
    return f"{engine}/{device.speed_class}", fmt.kernel, peak


# ---------------------------------------------------------------- estimate


def estimate(
    model: ModelSpec,
    device: DeviceSpec,
    *,
    count: int = 1,
    quantization: str | None = None,
    runtime: str | None = None,
    context: int = 4096,
    concurrency: int = 1,
    prompt_tokens: int | None = None,
    kv_precision: str = "fp16",
    offload_gb: float = 0.0,
    host_bandwidth_gb_s: float = 89.6,
    fitted: Constants | None = None,
    gpu_layers: int | None = None,
) -> Estimate:
    """Memory and speed of ``model`` on ``count`` × ``device``.

    quantization (any common spelling) None → the model's release format where the runtime runs it
    (gpt-oss: MXFP4), else the runtime's default (GGUF Q4_K_M for llama.cpp/Ollama/LM Studio, BF16 for
    vLLM/SGLang/TGI/TensorRT-LLM, MLX 4-bit for mlx-lm); runtime None → llama.cpp on consumer,
    workstation, Apple and CPU machines, vLLM on data-centre GPUs. ``prompt_tokens`` (default: half
    the context) sets the time to first token. ``offload_gb``: system RAM llama.cpp may hold weights
    in when they do not fit on the GPU (read at ``host_bandwidth_gb_s``); the split is by whole layers,
    as many on the GPU as fit, or ``gpu_layers`` of them (llama.cpp ``-ngl``).
    """
    _check_sizes(
        count=count, context=context, concurrency=concurrency, prompt_tokens=prompt_tokens, offload_gb=offload_gb
    )
    info = resolve_runtime(device, runtime)
    asked = resolve_format(info, device, quantization, model)
    engine = engine_of(info, asked)
    fmt, native_note = effective_format(model, asked, engine)
    if (offload_gb or gpu_layers is not None) and engine != "llama.cpp":
        option = "--offload-gb" if offload_gb else "--gpu-layers"
        raise EstimateError(f"{option}: only llama.cpp-based runtimes offload layers to system RAM, not {info.id}")
    if gpu_layers is not None and gpu_layers < 0:
        raise EstimateError(f"--gpu-layers: must be zero or more (got {gpu_layers})")
    if context > (model.context_window or context):
        raise EstimateError(f"--context: {model.label} handles at most {model.context_window} tokens (asked {context})")
    prompt = prompt_tokens if prompt_tokens is not None else max(1, context // 2)
    prompt = min(prompt, context)
    consts = fitted or constants()
    group = consts.group(engine, device.speed_class)
    basis: list[str] = []

    # ---- memory
    fit = mem.memory_fit(
        model,
        fmt,
        device,
        info,
        count=count,
        context=context,
        concurrency=concurrency,
        kv_precision=kv_precision,
        extra_gb=offload_gb,
    )
    basis.append(
        f"weights = {model.params_b:g}B params × {fmt.bits_per_weight:.3g} bits ({fmt.name}) = {fit.weights_gb:.1f} GB"
        + (" (all experts stay in memory)" if model.is_moe else "")
        + (f"; {native_note}" if native_note else "")
    )
    basis.append(
        f"KV cache = {fit.kv.description} per token × {context} tokens × {concurrency} sequence(s) = {fit.kv_cache_gb:.2f} GB"
    )
    basis.append(f"overhead = {fit.overhead_gb:.1f} GB ({info.id}: runtime context, buffers, activations)")
    basis.append(
        _available_text(info, device, count, fit.available_gb - offload_gb)
        + (f" + {offload_gb:g} GB system RAM for offloaded layers" if offload_gb else "")
    )
    max_ctx = mem.max_context(fit, model, concurrency)
    max_conc = mem.max_concurrency(fit, context)

    setup = _Setup(
        model,
        device,
        count,
        info,
        fmt,
        consts,
        group,
        fit,
        context,
        concurrency,
        prompt,
        _kv_read_context(context, prompt_tokens),
        offload_gb,
        gpu_layers,
        host_bandwidth_gb_s,
    )
    split = _layer_split(setup, basis)
    dec = _decode(setup, split, basis)
    spread, spread_text = _spread(group, device, model)
    basis.append(spread_text)
    prefill, compute_per_s, flops = _prefill(setup, split, basis)
    overhead_s = group.request_overhead_s
    ttft = overhead_s + prompt / prefill + dec.seconds
    basis.append(
        f"time to first token = {overhead_s * 1e3:.0f} ms per request ({info.id}: scheduling, tokenizing, first "
        f"launch{'; fitted' if group.ttft_points else '; prior'}) + {prompt} prompt tokens ÷ prefill + one decode step = {ttft:.2f} s"
    )

    # ---- batched throughput
    step = _step_seconds(
        model,
        fmt,
        fit,
        setup.kv_ctx,
        concurrency,
        dec.eff_bw,
        dec.fixed_s + dec.moe_s + split.host_s,
        compute_per_s,
        flops,
        dec.weight_s,
        engine,
    )
    output = max(context - prompt, 1)
    # a batch of `concurrency` requests: each prefills its prompt (the GPU does nothing else meanwhile),
    # then all decode `output` tokens together
    throughput = concurrency * output / (output * step + concurrency * (prompt / prefill + overhead_s))
    basis.append(
        f"throughput at {concurrency} concurrent sequence(s) = {concurrency} × {output} output tokens ÷ "
        f"({output} steps × {step * 1e3:.1f} ms + {concurrency} prefills of {prompt} tokens) = {throughput:.0f} tokens/s "
        "(weights read once per step for all sequences; prefill of new requests takes its share)"
    )
    if not fit.fits:
        basis.append(f"does not fit: needs {fit.total_gb:.1f} GB, {fit.available_gb:.1f} GB usable")
    return Estimate(
        model_id=model.id,
        device_id=device.id,
        count=count,
        quantization=fmt.id,
        runtime=info.id,
        context=context,
        concurrency=concurrency,
        weights_gb=fit.weights_gb,
        kv_cache_gb=fit.kv_cache_gb,
        overhead_gb=fit.overhead_gb,
        memory_gb=fit.total_gb,
        available_gb=fit.available_gb,
        fits=fit.fits and split.layers_fit,
        decode_tokens_per_s=dec.tokens_per_s,
        decode_range=(dec.tokens_per_s * (1 - spread), dec.tokens_per_s * (1 + spread)),
        prefill_tokens_per_s=prefill,
        time_to_first_token_s=ttft,
        throughput_tokens_per_s=throughput,
        max_context=max_ctx,
        max_concurrency=max_conc,
        basis=basis,
        prompt_tokens=prompt,
        kv_precision=kv_precision,
        calibrated=group.calibrated,
        offload_gb=offload_gb,
        below_4bit=fmt.below_4bit,
        batch_decode_tokens_per_s=1 / step,
        request_overhead_s=overhead_s,
    )


@dataclass(frozen=True)
class _Setup:
    """What one estimate has resolved before it prices decode, prefill and throughput."""

    model: ModelSpec
    device: DeviceSpec
    count: int
    info: RuntimeInfo
    fmt: QuantFormat
    consts: Constants
    group: GroupConstants
    fit: mem.MemoryFit
    context: int
    concurrency: int
    prompt: int
    kv_ctx: int  # tokens in the KV cache, on average, while a reply is generated
    offload_gb: float
    gpu_layers: int | None
    host_bandwidth_gb_s: float

    @property
    def layers(self) -> int:
        return layers_of(self.model)[0]


@dataclass(frozen=True)
class _Split:
    gpu_share: float  # share of the layers on the GPU(s)
    host_s: float  # seconds per token the CPU's layers take
    layers_fit: bool  # the GPU's layers (and their KV cache) fit beside the runtime


@dataclass(frozen=True)
class _Decode:
    seconds: float
    eff_bw: float
    fixed_s: float
    weight_s: float
    moe_s: float

    @property
    def tokens_per_s(self) -> float:
        return 1 / self.seconds


def _layer_split(s: _Setup, basis: list[str]) -> _Split:
    """llama.cpp / Ollama offload: whole layers, each with its KV cache, run where their weights are."""
    fit, layers = s.fit, s.layers
    on_gpu = (
        _gpu_layers(fit, layers, s.offload_gb, s.gpu_layers) if (s.offload_gb or s.gpu_layers is not None) else layers
    )
    share = on_gpu / layers
    room = fit.available_gb - s.offload_gb - fit.overhead_gb
    layers_fit = share * (fit.weights_gb + fit.kv_cache_gb) <= room + 1e-9
    if s.gpu_layers is not None and not layers_fit:
        basis.append(
            f"-ngl {s.gpu_layers}: those layers need {share * (fit.weights_gb + fit.kv_cache_gb):.1f} GB "
            f"of GPU memory, {max(room, 0):.1f} GB is free beside the runtime"
        )
    if share >= 1:
        return _Split(1.0, 0.0, layers_fit)
    cpu = s.consts.group("llama.cpp", "cpu")
    off = 1 - share
    active_gb = weights_read_gb(s.model, s.fmt, engine_of(s.info, s.fmt))
    kv_read_gb = fit.kv.bytes_per_sequence(s.kv_ctx) / 1e9
    host_s = (
        off * (active_gb + kv_read_gb) / (s.host_bandwidth_gb_s * cpu.eta)
        + (layers - on_gpu) * cpu.tau_s
        + off * s.model.active_params_b * cpu.per_weight_s
        + LAYER_SPLIT_HOP_S
    )
    basis.append(
        f"layer split: {on_gpu} of {layers} layers on the GPU ("
        + (
            f"-ngl {s.gpu_layers}"
            if s.gpu_layers is not None
            else "as many as fit, as Ollama and llama.cpp --fit place them"
        )
        + f"), {layers - on_gpu} on the CPU reading system RAM at {s.host_bandwidth_gb_s:g} GB/s × η "
        f"{cpu.eta:.2f} + {cpu.tau_s * 1e6:.0f} µs per layer ({'fitted on CPU-only measurements' if cpu.calibrated else 'prior'})"
        f" = {host_s * 1e3:.1f} ms per token"
    )
    return _Split(share, host_s, layers_fit)


def _decode(s: _Setup, split: _Split, basis: list[str]) -> _Decode:
    """Single-stream decode: bytes ÷ effective bandwidth + per-weight + fixed per-layer + MoE routing (+ the CPU's layers)."""
    model, group, consts, fmt = s.model, s.group, s.consts, s.fmt
    layers, layers_guessed = layers_of(model)
    kappa = consts.kernel_factor(group.group, fmt.kernel)
    eff_bw, fixed_s, layout = _bandwidth(s.info, s.device, s.count, group, kappa, layers, consts.allreduce_growth)
    fixed_s *= split.gpu_share
    bytes_gb = (
        weights_read_gb(model, fmt, engine_of(s.info, fmt)) + s.fit.kv.bytes_per_sequence(s.kv_ctx) / 1e9
    ) * split.gpu_share
    tp = s.count if s.info.multi_gpu == "tensor-parallel" else 1
    weight_s = model.active_params_b * group.per_weight_s / tp * split.gpu_share
    routing_s, _, routing_points = consts.moe_layer(group.group)
    moe_s = layers * routing_s if model.is_moe else 0.0
    out = _Decode(bytes_gb / eff_bw + weight_s + fixed_s + split.host_s + moe_s, eff_bw, fixed_s, weight_s, moe_s)
    weight_text = (
        f" + {weight_s * 1e3:.2f} ms per-weight cost ({model.active_params_b:g}B × ω {group.per_weight_s * 1e3:.2f} ms/B)"
        if group.per_weight_s
        else ""
    )
    basis.append(
        f"decode = 1 ÷ ({bytes_gb:.2f} GB read per token ÷ {eff_bw:.0f} GB/s effective{weight_text} + {fixed_s * 1e3:.2f} ms fixed) "
        f"= {out.tokens_per_s:.1f} tokens/s; effective = {layout} × η {group.eta:.2f} × κ {kappa:.2f} ({fmt.kernel} kernels); "
        f"fixed = {layers} layers{' (estimated from size)' if layers_guessed else ''} × τ {group.tau_s * 1e6:.0f} µs"
    )
    split_read = native_split(model, fmt, engine_of(s.info, fmt))
    if split_read is not None:
        dense_b, dense_bits, experts_b = split_read
        basis.append(
            f"weights read per token: {dense_b:.2f}B attention/output weights at {dense_bits:.1f} bits + "
            f"{experts_b:.2f}B routed-expert weights at {EXPERT_BITS:g} bits (the released tensors' own precisions)"
        )
    if model.is_moe:
        basis.append(
            f"MoE: {model.active_params_b:g}B active of {model.params_b:g}B are read per token, plus "
            f"{moe_s * 1e3:.2f} ms expert routing ({layers} layers × {routing_s * 1e6:.0f} µs, "
            f"fitted on {routing_points} published MoE measurements)"
        )
    if group.calibrated:
        err = f", in-sample error {group.decode_error:.0%}" if group.decode_error is not None else ""
        basis.append(
            f"η, τ fitted on {group.decode_points} published {group.group} measurements{err} (calibration.yaml)"
        )
    else:
        basis.append(f"η, τ: prior values — no published {group.group} measurements in calibration.yaml; range widened")
    return out


def _prefill(s: _Setup, split: _Split, basis: list[str]) -> tuple[float, float, float]:
    """(prefill tokens/s, FLOP/s the prefill reaches, FLOPs per prompt token): TFLOPS × μ × ρ ÷ FLOPs per token,
    the CPU's layers (when offloaded) at CPU compute, times adding up."""
    group, consts, fmt, engine = s.group, s.consts, s.fmt, engine_of(s.info, s.fmt)
    tflops, tflops_text = _tflops(s.device, fmt)
    parallel = s.count if s.info.multi_gpu == "tensor-parallel" else 1
    mu = group.mu if group.mu is not None else Constants({}, {}, {}).group(engine, s.device.speed_class).mu or 0.5
    rho = consts.rho.get(fmt.kernel, 1.0)
    flops = _flops_per_token(s.model, s.prompt)
    prefill = tflops * 1e12 * parallel * (TP_EFFICIENCY if parallel > 1 else 1.0) * mu * rho / flops
    if split.gpu_share < 1:
        cpu_rate = (
            s.host_bandwidth_gb_s * FLOPS_PER_BYTE["cpu"] * 1e9 * (consts.group("llama.cpp", "cpu").mu or 0.5) / flops
        )
        prefill = 1 / (split.gpu_share / prefill + (1 - split.gpu_share) / cpu_rate)
    basis.append(
        f"prefill = {tflops_text}{f' × {parallel} GPUs' if parallel > 1 else ''} × μ {mu:.2f} × ρ {rho:.2f} "
        f"÷ {flops / 1e9:.1f} GFLOP per token = {prefill:.0f} tokens/s"
        + (f" (μ fitted on {group.prefill_points} measurements)" if group.prefill_points else " (μ: prior)")
    )
    return prefill, tflops * 1e12 * parallel * mu * rho, flops


def _gpu_layers(fit: mem.MemoryFit, layers: int, offload_gb: float, asked: int | None) -> int:
    """Layers on the GPU: the asked count (capped), else as many whole layers (weights + their KV cache)
    as fit in GPU memory beside the runtime overhead."""
    if asked is not None:
        return min(asked, layers)
    gpu_gb = fit.available_gb - offload_gb - fit.overhead_gb
    per_layer = (fit.weights_gb + fit.kv_cache_gb) / layers
    return max(0, min(layers, math.floor(gpu_gb / per_layer))) if per_layer > 0 else layers


def _spread(group: GroupConstants, device: DeviceSpec, model: ModelSpec) -> tuple[float, str]:
    """Relative half-width of the decode range: the held-out error of the device class where measured
    (of MoE models, if wider)."""
    ranges = stated_ranges()
    held_out = ranges.get(device.speed_class)
    what = device.speed_class
    if held_out and model.is_moe and ranges.get("moe", 0.0) > held_out:
        held_out, what = ranges["moe"], "MoE"
    if group.calibrated and held_out and group.decode_points >= THIN_GROUP_ROWS:
        return held_out, (
            f"range ±{held_out:.0%}: 80% of published {what} measurements fell within it when their "
            "source was left out of the fit (BENCHMARKS.md, sizing accuracy)"
        )
    if group.calibrated:  # one or two rows: too few to show how wrong the constants can be
        return (
            max(group.decode_spread, held_out or 0.0),
            f"range ±{max(group.decode_spread, held_out or 0.0):.0%}: {group.group} is fitted on only "
            f"{group.decode_points} published measurement(s); a wide range",
        )
    return (
        group.decode_spread,
        f"range ±{group.decode_spread:.0%}: no held-out measurements for {device.speed_class}; a wide prior range",
    )


def _check_sizes(**values: float | int | None) -> None:
    for name, value in values.items():
        if value is None:
            continue
        if name in ("prompt_tokens", "offload_gb"):
            if value < 0:
                raise EstimateError(f"--{name.replace('_', '-')}: must be zero or more (got {value})")
        elif value < 1:
            raise EstimateError(f"--{name.replace('_', '-')}: must be at least 1 (got {value})")


def _available_text(info: RuntimeInfo, device: DeviceSpec, count: int, available: float) -> str:
    total = device.memory_gb * count
    where = f"{count} × {device.memory_gb:g} GB" if count > 1 else f"{device.memory_gb:g} GB"
    if device.platform == "apple":
        return f"usable = {available:.1f} of {where} unified memory (macOS GPU wired-memory limit)"
    if info.engine == "server" and device.platform != "cpu":
        return f"usable = {available:.1f} of {where} ({info.id} reserves {available / total:.0%} of GPU memory)"
    return f"usable = {available:.1f} GB of {where}"


def _bandwidth(
    info: RuntimeInfo,
    device: DeviceSpec,
    count: int,
    group: GroupConstants,
    kappa: float,
    layers: int,
    growth: float = 0.0,
) -> tuple[float, float, str]:
    """(effective GB/s, fixed seconds per token, description) for single-stream decode."""
    fixed = group.tau_s * layers
    if count <= 1:
        return device.bandwidth_gb_s * group.eta * kappa, fixed, f"{device.bandwidth_gb_s:g} GB/s"
    if info.multi_gpu == "tensor-parallel":
        bw = device.bandwidth_gb_s * count * TP_EFFICIENCY
        return (
            bw * group.eta * kappa,
            fixed + 2 * layers * allreduce_s(count, growth),
            (
                f"{count} × {device.bandwidth_gb_s:g} GB/s tensor-parallel × {TP_EFFICIENCY}; "
                f"2 all-reduces per layer of {allreduce_s(count, growth) * 1e6:.0f} µs"
            ),
        )
    # layer split: each token passes the GPUs in turn, so one GPU's bandwidth at a time
    return (
        device.bandwidth_gb_s * group.eta * kappa,
        fixed + (count - 1) * LAYER_SPLIT_HOP_S,
        (f"{device.bandwidth_gb_s:g} GB/s (layers split over {count} GPUs run one after another)"),
    )


def _step_seconds(
    model: ModelSpec,
    fmt: QuantFormat,
    fit: mem.MemoryFit,
    kv_ctx: int,
    concurrency: int,
    eff_bw: float,
    fixed_s: float,
    flops_per_s: float,
    flops_per_token: float,
    weight_s: float = 0.0,
    engine: str | None = None,
) -> float:
    """Seconds of one decode step for ``concurrency`` sequences in one batch."""
    share = model.active_params_b / model.params_b
    touched = 1 - (1 - share) ** concurrency  # MoE: experts hit by at least one sequence of the batch
    weights_gb = model.params_b * fmt.bytes_per_param * touched
    split = native_split(model, fmt, engine)
    if split is not None and model.experts and model.experts_per_token:
        # released tensors of mixed precision (gpt-oss): the dense weights are read every step, each expert
        # when at least one sequence of the batch routes to it — so at concurrency 1 this is the decode's read
        dense_b, dense_bits, active_experts_b = split
        per_token = model.experts_per_token / model.experts
        experts_touched_b = active_experts_b / per_token * (1 - (1 - per_token) ** concurrency)
        weights_gb = (dense_b * dense_bits + experts_touched_b * EXPERT_BITS) / 8
    kv_gb = fit.kv.bytes_per_sequence(kv_ctx) / 1e9 * concurrency
    memory_s = (weights_gb + kv_gb) / eff_bw + weight_s * touched
    compute_s = concurrency * flops_per_token / flops_per_s
    return max(memory_s, compute_s) + fixed_s


# ---------------------------------------------------------------- best fit


def best_fit(
    model: ModelSpec,
    device: DeviceSpec,
    *,
    count: int = 1,
    runtime: str | None = None,
    context: int = 4096,
    concurrency: int = 1,
    prompt_tokens: int | None = None,
    kv_precision: str = "fp16",
) -> Estimate | None:
    """The highest-quality format the runtime runs that fits; None when nothing fits.

    Order: FP16/BF16 > FP8/INT8/Q8_0 > Q6_K > Q5_K_M > Q4_K_M > AWQ/GPTQ/MLX-4bit > Q4_0, and only then
    Q3_K_M and Q2_K (the basis says so). A format where every requested concurrent sequence fits wins;
    failing that, the best format where at least one sequence of ``context`` fits is returned at the
    concurrency that fits (replicas cover the rest, see :func:`llmpick.sizing.capacity.replicas_needed`).
    """
    info = resolve_runtime(device, runtime)
    if context > (model.context_window or context):
        context = model.context_window or context
    native = native_format(model.id)
    ordered = sorted(
        formats_for(model.id, usable_formats(info, device)),
        key=lambda f: (
            native is None or f.id != native.format,
            f.id == "fp32",
            -f.quality,
            f.id != info.default_format,
            -f.bits_per_weight,
        ),
    )
    ordered = [f for f in ordered if f.id != "fp32"]
    upper = [f for f in ordered if not f.below_4bit]
    lower = [f for f in ordered if f.below_4bit]
    for tier, low in ((upper, False), (lower, True)):
        reduced: Estimate | None = None
        for fmt in tier:
            est = estimate(
                model,
                device,
                count=count,
                quantization=fmt.id,
                runtime=info.id,
                context=context,
                concurrency=concurrency,
                prompt_tokens=prompt_tokens,
                kv_precision=kv_precision,
            )
            if est.fits:
                return _note_low(est, low, context)
            if reduced is None and concurrency > 1 and est.max_concurrency >= 1:
                reduced = estimate(
                    model,
                    device,
                    count=count,
                    quantization=fmt.id,
                    runtime=info.id,
                    context=context,
                    concurrency=est.max_concurrency,
                    prompt_tokens=prompt_tokens,
                    kv_precision=kv_precision,
                )
        if reduced is not None and reduced.fits:
            reduced = replace(
                reduced,
                basis=[
                    *reduced.basis,
                    f"{concurrency} concurrent sequences of {context} tokens do not fit one set; "
                    f"{reduced.concurrency} do at {reduced.quantization} (more replicas carry the rest)",
                ],
            )
            return _note_low(reduced, low, context)
    return None


def _note_low(est: Estimate, low: bool, context: int) -> Estimate:
    if not low:
        return est
    return replace(
        est,
        basis=[
            *est.basis,
            f"below 4-bit: nothing at 4 bits or more fits with {context} tokens of context, "
            f"so {est.quantization} is used — expect a noticeable quality loss",
        ],
    )
