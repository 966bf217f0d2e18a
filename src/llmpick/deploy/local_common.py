"""What the local kits (llama.cpp, Ollama, LM Studio) share: the GGUF file, GPU layers, the served name."""

from __future__ import annotations

from llmpick.deploy.kit import Context, Target

# A route's hardware id that has no GPU: everything runs on the CPU (-ngl 0).
CPU_HARDWARE = ("cpu-only",)


def gguf_quant(target: Target) -> tuple[str | None, str]:
    """The GGUF quantization name (e.g. ``Q4_K_M``) of the route, or None when the route is not a GGUF format."""
    quant = str(target.route.get("quantization") or "")
    if quant.startswith("gguf-"):
        return quant.removeprefix("gguf-").upper(), target.field("quantization")
    if quant in ("fp16", "bf16", "fp32"):
        return quant.upper().replace("BF16", "BF16"), target.field("quantization")
    return None, target.field("quantization") + f" ({quant or 'none'}: not a GGUF format)"


def gguf_file(target: Target) -> str:
    quant, _ = gguf_quant(target)
    return f"{target.model_id}-{quant or 'Q4_K_M'}.gguf"


MODELS_DIR = "models"  # at the kit's root, shared by the local kits


def model_path(target: Target) -> str:
    """The GGUF file's default path as seen from a local kit's folder (``<slot>/<kind>/``)."""
    return f"../../{MODELS_DIR}/{gguf_file(target)}"


def weights_hint(target: Target) -> str:
    repo = target.model.hf_repo if target.model else None
    quant, _ = gguf_quant(target)
    where = f"`{repo}` (catalog `hf_repo`)" if repo else "the model's published weights"
    return (
        f"Put a GGUF file of {where} at {quant or 'the quantization you choose'} in `{MODELS_DIR}/{gguf_file(target)}` "
        "(a published GGUF conversion, or llama.cpp's convert_hf_to_gguf.py and llama-quantize); "
        "or set MODEL_PATH to one. The local kits below all read it."
    )


def is_route_runtime(target: Target, runtime: str) -> str:
    """A title suffix marking the runtime the recommendation chose."""
    return " — the route's runtime" if target.route.get("runtime") == runtime else ""


def gpu_layers(target: Target) -> tuple[int, str]:
    """Offload every layer when the route runs on a GPU or Apple silicon (the engine sized it to fit)."""
    hardware = str(target.route.get("hardware") or "")
    if not hardware or hardware in CPU_HARDWARE or hardware.startswith("cpu"):
        return 0, target.field("hardware") + f" ({hardware or 'none'}: CPU only)"
    layers = target.model.architecture.layers if target.model and target.model.architecture else None
    if layers:
        return layers + 1, (
            f"catalog `architecture.layers` ({layers}) + the output layer: all on {hardware} "
            f"(route `memory_gb` {target.route.get('memory_gb')} fits)"
        )
    return 999, f"all layers on {hardware} (the catalog has no layer count; llama.cpp caps at the model's)"


def served_name(target: Target) -> str:
    return target.model_id


def context_and_slots(ctx: Context, target: Target) -> tuple[int, str, int, str]:
    tokens, tokens_source = ctx.context_tokens(target)
    slots, slots_source = ctx.concurrency(target)
    return tokens, tokens_source, slots, slots_source
