"""LM Studio kit: the settings to load the route's model (context, GPU offload, identifier) and the `lms` commands."""

from __future__ import annotations

from llmpick.deploy.kit import LOCAL, Context, Part, Target, route_kit
from llmpick.deploy.local_common import (
    context_and_slots,
    gguf_file,
    gguf_quant,
    gpu_layers,
    is_route_runtime,
    model_path,
    served_name,
)

PORT = 1234
LOAD_DOCS = "https://lmstudio.ai/docs/cli/load"
SERVER_DOCS = "https://lmstudio.ai/docs/cli/server-start"


@route_kit("lmstudio")
def build(ctx: Context, target: Target) -> Part | None:
    if target.deployment != LOCAL:
        return None
    part = Part("lmstudio", "LM Studio" + is_route_runtime(target, "lm-studio"), f"{target.slot}/lmstudio")
    tokens, tokens_source, _, _ = context_and_slots(ctx, target)
    quant, quant_source = gguf_quant(target)
    ngl, ngl_source = gpu_layers(target)
    name = part.set("--identifier", served_name(target), target.field("model"))
    part.set("model file", gguf_file(target), quant_source + f" → {quant or 'not GGUF'}")
    context = part.set("--context-length", tokens, tokens_source)
    gpu = part.set("--gpu", "max" if ngl else "off", ngl_source)
    port = part.set("server --port", PORT, f"LM Studio's usual server port ({SERVER_DOCS})")
    part.files["start.sh"] = f"""#!/usr/bin/env bash
# LM Studio for route {target.label} — `lms` ships with LM Studio ({LOAD_DOCS}).
set -euo pipefail
cd "$(dirname "$0")"
MODEL_PATH="${{MODEL_PATH:-{model_path(target)}}}"
lms import "$MODEL_PATH" --yes || true   # once: copies the GGUF into LM Studio's models folder
lms load "$(basename "$MODEL_PATH" .gguf)" --identifier {name} --context-length {context} --gpu {gpu} --yes
lms server start --port {port}
echo "ready: http://127.0.0.1:{port}/v1 (model {name})"
"""
    part.executable.add("start.sh")
    part.steps = [
        f"`bash {part.folder}/start.sh` (or in the app: load the model with the settings below, then start the "
        f"server on port {port}).",
    ]
    return part
