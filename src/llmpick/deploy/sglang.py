"""SGLang kit: the `sglang.launch_server` command with the same sizing as the vLLM kit, an alternative engine."""

from __future__ import annotations

from llmpick.deploy.kit import SELF_HOSTED, Context, Part, Target, route_kit
from llmpick.deploy.serving import pinned, plan, sglang_args, shell

PORT = 30000


@route_kit("sglang")
def build(ctx: Context, target: Target) -> Part | None:
    if target.deployment != SELF_HOSTED:
        return None
    p = plan(ctx, target)
    spec = pinned()["sglang"]
    part = Part("sglang", "SGLang (alternative to vLLM)", f"{target.slot}/sglang", settings=list(p.settings))
    args = sglang_args(p, PORT)
    part.files["serve.sh"] = f"""#!/usr/bin/env bash
# SGLang for route {target.label} — the same sizing as ../vllm/serve.sh; flags as documented in {spec["version"]}.
set -euo pipefail
MODEL="${{MODEL:-{p.weights}}}"
args=({shell(args, indent="      ")})
args[1]="$MODEL"
exec python3 -m sglang.launch_server "${{args[@]}}"
"""
    part.executable.add("serve.sh")
    part.steps = [f"Instead of vLLM: `bash {part.folder}/serve.sh`; OpenAI-compatible API on http://HOST:{PORT}/v1."]
    part.notes.append(f"Flags checked against SGLang {spec['version']} ({spec['sources'][0]['url']}).")
    return part
