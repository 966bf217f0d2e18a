"""The sizing a self-hosted server needs (vLLM, SGLang), worked out once per route and explained setting by setting.

The pinned flag lists (``data/serving-flags.yaml``) name the server version the generated commands were checked
against; :func:`check_args` refuses any flag or value that version does not document.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from llmpick.deploy.kit import Context, DeployError, Setting, Target
from llmpick.yamlio import load_yaml

# vLLM's documented default share of GPU memory it may take (engine args: --gpu-memory-utilization 0.9).
DEFAULT_GPU_UTIL = 0.90
HIGH_GPU_UTIL = 0.95
# Route quantization id (llmpick's sizing table) → each server's --quantization value; None: no flag.
VLLM_QUANT = {"awq-4bit": "awq", "gptq-4bit": "gptq", "fp8": "fp8", "int8": None}
SGLANG_QUANT = {"awq-4bit": "awq", "gptq-4bit": "gptq", "fp8": "fp8", "int8": "w8a8_int8"}
DTYPES = {"fp16": "float16", "bf16": "bfloat16", "fp32": "float32"}


@cache
def pinned() -> dict[str, Any]:
    return load_yaml((resources.files("llmpick.deploy") / "data" / "serving-flags.yaml").read_text(encoding="utf-8"))


@dataclass
class ServePlan:
    """The values both servers need, each with its source."""

    weights: str
    served_name: str
    tensor_parallel: int
    context: int
    gpu_util: float
    quantization: str | None  # the route's quantization id
    kv_cache_dtype: str
    max_seqs: int
    lora_rank: int | None
    port: int = 8000
    settings: list[Setting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def plan(ctx: Context, target: Target) -> ServePlan:
    route = target.route
    settings: list[Setting] = []
    notes: list[str] = []
    repo = target.model.hf_repo if target.model else None
    weights = repo or target.model_id
    settings.append(Setting("model weights", weights, "catalog `hf_repo`" if repo else target.field("model")))
    settings.append(Setting("served model name", target.model_id, target.field("model")))
    count = route.get("hardware_count")
    tp = count if isinstance(count, int) and count > 0 else 1
    settings.append(
        Setting(
            "tensor parallel size",
            str(tp),
            target.field("hardware_count") + f" ({tp} × {route.get('hardware') or 'GPU'})" if count else "default 1",
        )
    )
    context, context_source = ctx.context_tokens(target)
    settings.append(Setting("max model length / context length", str(context), context_source))
    util, util_source = _gpu_util(ctx, target, tp)
    settings.append(
        Setting("GPU memory utilisation (vLLM) / static memory fraction (SGLang)", f"{util:g}", util_source)
    )
    quant = route.get("quantization")
    settings.append(Setting("quantization", str(quant or "model dtype"), target.field("quantization")))
    if quant in ("awq-4bit", "gptq-4bit", "int8", "fp8") and repo:
        notes.append(
            f"The route runs {quant}: serve a {quant} checkpoint of `{repo}` (set MODEL to it); "
            + (
                "FP8 can also quantize the BF16 weights at load time."
                if quant == "fp8"
                else "the servers read its config."
            )
        )
    kv = str(route.get("kv_cache_dtype") or "auto")
    settings.append(
        Setting(
            "KV-cache dtype",
            kv,
            target.field("kv_cache_dtype")
            if route.get("kv_cache_dtype")
            else "default auto: the model's dtype (the route sizes a 16-bit KV cache)",
        )
    )
    seqs, seqs_source = ctx.concurrency(target)
    settings.append(Setting("max concurrent sequences", str(seqs), seqs_source))
    lora_rank = _lora_rank(ctx) if ctx.precision in ("lora", "qlora") else None
    if lora_rank:
        settings.append(
            Setting(
                "LoRA adapters (max rank)",
                str(lora_rank),
                "framework precision `lora`/`qlora`: serve the trained adapter",
            )
        )
    return ServePlan(
        weights, target.model_id, tp, context, util, quant, kv, seqs, lora_rank, settings=settings, notes=notes
    )


def _gpu_util(ctx: Context, target: Target, tp: int) -> tuple[float, str]:
    hardware = ctx.catalog.hardware.get(str(target.route.get("hardware") or ""))
    need = target.route.get("memory_gb")
    if hardware is None or not isinstance(need, (int, float)):
        return DEFAULT_GPU_UTIL, "vLLM's documented default 0.9 (no hardware memory to compare the route's need with)"
    total = hardware.spec.memory_gb * tp
    share = need / total
    basis = f"route `memory_gb` {need:g} of {tp} × {hardware.spec.memory_gb:g} GB ({hardware.id}, catalog `spec.memory_gb`) = {share:.0%}"
    if share <= DEFAULT_GPU_UTIL:
        return DEFAULT_GPU_UTIL, basis + "; within vLLM's default 0.9"
    return HIGH_GPU_UTIL, basis + "; above the 0.9 default, so 0.95"


def _lora_rank(ctx: Context) -> int:
    plan_ = ctx.rec.get("training_plan") or ctx.rec.get("fine_tuning") or {}
    rank = plan_.get("lora_rank") or plan_.get("rank") if isinstance(plan_, dict) else None
    return int(rank) if isinstance(rank, int) and rank > 0 else 16


def vllm_args(p: ServePlan) -> list[str]:
    args = [
        "--served-model-name",
        p.served_name,
        "--host",
        "0.0.0.0",
        "--port",
        str(p.port),
        "--tensor-parallel-size",
        str(p.tensor_parallel),
        "--max-model-len",
        str(p.context),
        "--gpu-memory-utilization",
        f"{p.gpu_util:g}",
        "--max-num-seqs",
        str(p.max_seqs),
        "--kv-cache-dtype",
        p.kv_cache_dtype,
    ]
    if p.quantization in DTYPES:
        args += ["--dtype", DTYPES[p.quantization]]
    elif str(p.quantization or "").startswith("gguf-"):
        args += ["--quantization", "gguf"]
    elif VLLM_QUANT.get(str(p.quantization)):
        args += ["--quantization", str(VLLM_QUANT[str(p.quantization)])]
    if p.lora_rank:
        args += ["--enable-lora", "--max-lora-rank", str(p.lora_rank)]
    check_args("vllm", args)
    return args


def sglang_args(p: ServePlan, port: int = 30000) -> list[str]:
    kv = {"fp8": "fp8_e4m3"}.get(p.kv_cache_dtype, p.kv_cache_dtype)
    args = [
        "--model-path",
        p.weights,
        "--served-model-name",
        p.served_name,
        "--host",
        "0.0.0.0",
        "--port",
        str(port),
        "--tp-size",
        str(p.tensor_parallel),
        "--context-length",
        str(p.context),
        "--mem-fraction-static",
        f"{p.gpu_util:g}",
        "--max-running-requests",
        str(p.max_seqs),
        "--kv-cache-dtype",
        kv,
    ]
    if p.quantization in DTYPES:
        args += ["--dtype", DTYPES[p.quantization]]
    elif str(p.quantization or "").startswith("gguf-"):
        args += ["--quantization", "gguf"]
    elif SGLANG_QUANT.get(str(p.quantization)):
        args += ["--quantization", str(SGLANG_QUANT[str(p.quantization)])]
    if p.lora_rank:
        args += ["--enable-lora", "--max-lora-rank", str(p.lora_rank)]
    check_args("sglang", args)
    return args


def check_args(server: str, args: list[str]) -> None:
    """Refuse a flag, or a flag value, that the pinned server version does not document."""
    spec = pinned()[server]
    flags, choices = set(spec["flags"]), spec["choices"]
    for i, arg in enumerate(args):
        if not arg.startswith("--"):
            continue
        if arg not in flags:
            raise DeployError(f"{server} {spec['version']} documents no flag {arg}")
        if arg in choices and i + 1 < len(args) and args[i + 1] not in choices[arg]:
            raise DeployError(f"{server} {spec['version']}: {arg} {args[i + 1]!r} is not one of {choices[arg]}")


def shell(words: list[str], indent: str = "  ") -> str:
    """A command, one flag (with its value) per line."""
    lines: list[str] = []
    for word in words:
        if word.startswith("--") or not lines:
            lines.append(shlex.quote(word))
        else:
            lines[-1] += " " + shlex.quote(word)
    return (" \\\n" + indent).join(lines)
