"""Hybrid gateway kit: a Portkey AI Gateway config that implements the hybrid plan.

Requests tagged sensitive (``x-portkey-metadata: {"sensitive": "true"}``) go only to the private route and get an
error when it is down — no fallback exists for them (fail closed). The rest go to the API route(s) by the plan's
shares and fall back to the private route, which may see any data.
"""

from __future__ import annotations

import json
from typing import Any

from llmpick.deploy import llamacpp, serving
from llmpick.deploy.kit import LOCAL, Context, Part, Target, env_name, kit_part

GATEWAY = "@portkey-ai/gateway"
VERSION = "1.15.2"
PORT = 8787
REPO = "https://github.com/Portkey-AI/gateway/tree/669825cb"
# catalog provider id → the gateway's provider id (its src/globals.ts); others go through an OpenAI-compatible URL.
PROVIDERS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google-ai-studio": "google",
    "google-vertex": "vertex-ai",
    "azure-openai": "azure-openai",
    "aws-bedrock": "bedrock",
    "mistral": "mistral-ai",
    "deepseek": "deepseek",
    "cohere": "cohere",
    "xai": "x-ai",
    "groq": "groq",
    "together": "together-ai",
    "fireworks": "fireworks-ai",
    "cerebras": "cerebras",
    "openrouter": "openrouter",
    "aws-sagemaker": "sagemaker",
}


@kit_part("gateway")
def build(ctx: Context) -> Part | None:
    hybrid = ctx.hybrid
    if hybrid is None:
        return None
    private = [t for t in ctx.targets if t.role == "private"]
    public = [t for t in ctx.targets if t.role == "api"]
    if not private or not public:
        return None
    part = Part("gateway", f"Hybrid gateway (Portkey AI Gateway {VERSION})", "gateway")
    part.set(
        "gateway", f"{GATEWAY}@{VERSION}", f"an existing open-source AI gateway, started offline from npm ({REPO})"
    )
    inner = private_target(ctx, private[0], part)
    api_targets = [api_target(t, part) for t in public]
    if len(api_targets) > 1:
        for target, spec in zip(public, api_targets, strict=True):
            spec["weight"] = target.share or 0
        primary: dict[str, Any] = {"strategy": {"mode": "loadbalance"}, "targets": api_targets}
    else:
        primary = api_targets[0]
    fallback = {k: v for k, v in inner.items() if k != "name"}
    config = {
        "strategy": {
            "mode": "conditional",
            "conditions": [{"query": {"metadata.sensitive": {"$eq": "true"}}, "then": "private"}],
            "default": "api",
        },
        "targets": [inner, {"name": "api", "strategy": {"mode": "fallback"}, "targets": [primary, fallback]}],
    }
    part.set(
        "requests tagged sensitive",
        "private route only, no fallback (fail closed)",
        "hybrid plan: routes with `sensitive: true`",
    )
    for target in ctx.targets:
        part.set(
            f"share of {target.label}",
            f"{(target.share or 0):.0%} — {target.when or ''}".strip(" —"),
            "hybrid plan `share` / `when`",
        )
    part.set(
        "other requests",
        "the API route; on error, the private route",
        "hybrid plan: routes with `sensitive: false`; the private route may see any data",
    )
    part.files["portkey-config.json"] = json.dumps(config, indent=2) + "\n"
    part.files["start.sh"] = _start(inner)
    part.executable.add("start.sh")
    part.files["client.py"] = CLIENT
    part.steps = [
        "Start the private route's server first (its folder above).",
        f"`bash {part.folder}/start.sh` — the gateway on http://127.0.0.1:{PORT}/v1 (Node.js 18+; `npx` fetches "
        f"{GATEWAY}@{VERSION} once, or set GATEWAY_JS to an installed build/start-server.js).",
        f"Send requests with `{part.folder}/client.py`: it attaches the routing config and, for sensitive requests, "
        "the metadata tag; keys are filled in from the environment at request time.",
    ]
    part.notes += [
        "Untagged requests count as not sensitive: tag every request that carries the sensitive data.",
        "The open-source gateway takes its routing config per request (header `x-portkey-config`); keep the "
        "gateway on a private network so only your clients (which attach this config) reach it.",
    ]
    return part


def private_target(ctx: Context, target: Target, part: Part) -> dict[str, Any]:
    if target.deployment == LOCAL:
        url, source = f"http://localhost:{llamacpp.PORT}/v1", "the private route's llama.cpp kit (port 8080)"
    else:
        url, source = f"http://localhost:{serving.ServePlan.port}/v1", "the private route's vLLM kit (port 8000)"
    part.set(
        "private custom_host",
        url,
        source + "; edit when the server runs elsewhere (add its host to TRUSTED_CUSTOM_HOSTS)",
    )
    return {
        "name": "private",
        "provider": "openai",
        "custom_host": url,
        "api_key": "not-needed",
        "override_params": {"model": target.model_id},
    }


def api_target(target: Target, part: Part) -> dict[str, Any]:
    provider_id = str(target.route.get("provider") or "")
    model = target.offering.api_model_id if target.offering else target.model_id
    spec: dict[str, Any] = {"api_key": "${" + env_name(provider_id) + "}", "override_params": {"model": model}}
    if provider_id in PROVIDERS:
        spec["provider"] = PROVIDERS[provider_id]
        part.set(f"{target.label} provider", spec["provider"], f"the gateway's provider id for catalog `{provider_id}`")
    else:
        base = target.provider.api_base_url if target.provider else None
        spec["provider"], spec["custom_host"] = "openai", base or ""
        part.set(f"{target.label} custom_host", base or "(unknown)", f"catalog provider `{provider_id}` `api_base_url`")
    part.set(f"{target.label} model", model, "catalog offering `api_model_id`")
    return spec


def _start(private: dict[str, Any]) -> str:
    host = str(private["custom_host"]).split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"""#!/usr/bin/env bash
# Portkey AI Gateway {VERSION} for the hybrid plan — generated by `llmpick deploy`; see README.md.
set -euo pipefail
PORT="${{PORT:-{PORT}}}"
# The gateway refuses private hosts unless trusted: the private route's host is trusted here.
export TRUSTED_CUSTOM_HOSTS="${{TRUSTED_CUSTOM_HOSTS:-localhost,127.0.0.1,{host}}}"
if [ -n "${{GATEWAY_JS:-}}" ]; then
  exec node "$GATEWAY_JS" --port="$PORT" --headless
fi
exec npx --yes {GATEWAY}@{VERSION} --port="$PORT" --headless
"""


CLIENT = '''"""Send a request through the hybrid gateway. `python client.py [--sensitive] PROMPT`

Sensitive requests carry the metadata tag the routing config matches; they reach only the private route.
API keys are read from the environment variables the config names (${NAME}); nothing is written anywhere.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).with_name("portkey-config.json")


def routing_config(path: Path = CONFIG) -> dict[str, Any]:
    """The routing config with ${VAR} placeholders filled from the environment."""

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str):
            return re.sub(r"\\$\\{([A-Z0-9_]+)\\}", lambda m: os.environ.get(m.group(1), ""), value)
        return value

    return fill(json.loads(path.read_text(encoding="utf-8")))


def headers(sensitive: bool, config: dict[str, Any] | None = None) -> dict[str, str]:
    out = {"x-portkey-config": json.dumps(config or routing_config())}
    if sensitive:
        out["x-portkey-metadata"] = json.dumps({"sensitive": "true"})
    return out


def ask(prompt: str, sensitive: bool, gateway: str | None = None, config: dict[str, Any] | None = None) -> str:
    from openai import OpenAI

    base = gateway or os.environ.get("GATEWAY_URL", "http://127.0.0.1:8787/v1")
    client = OpenAI(base_url=base, api_key="set-per-target", default_headers=headers(sensitive, config), max_retries=0)
    reply = client.chat.completions.create(
        model="routed-by-gateway", messages=[{"role": "user", "content": prompt}], max_tokens=64
    )
    return reply.choices[0].message.content or ""


if __name__ == "__main__":
    args = sys.argv[1:]
    sensitive = "--sensitive" in args
    print(ask(" ".join(a for a in args if a != "--sensitive") or "Hello", sensitive))
'''
