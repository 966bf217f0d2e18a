"""Import from the installed genai-prices package: every current offering of the catalog's providers (price by
reference, so dated changes and tiers stay live), and a model record for each model not yet in the catalog."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmpick.catalog.importers import _REGION, Context, Record, slug, source, strip_bedrock
from llmpick.catalog.prices import _snapshot, genai_prices_lookup, genai_prices_version

URL = "https://github.com/pydantic/genai-prices"
# prefixes hosts put before a vendor's own model id → (vendor slug, genai-prices provider that lists the vendor)
VENDOR_PREFIX: dict[str, tuple[str, str | None]] = {
    "anthropic": ("anthropic", "anthropic"),
    "openai": ("openai", "openai"),
    "google": ("google", "google"),
    "x-ai": ("xai", "x-ai"),
    "xai": ("xai", "x-ai"),
    "mistralai": ("mistral", "mistral"),
    "mistral": ("mistral", "mistral"),
    "deepseek": ("deepseek", "deepseek"),
    "deepseek-ai": ("deepseek", "deepseek"),
    "cohere": ("cohere", "cohere"),
    "meta-llama": ("meta", None),
    "meta": ("meta", None),
    "qwen": ("qwen", None),
    "moonshotai": ("moonshot", None),
    "z-ai": ("zhipu", None),
    "zai-org": ("zhipu", None),
    "thudm": ("zhipu", None),
    "minimax": ("minimax", None),
    "minimaxai": ("minimax", None),
    "nvidia": ("nvidia", None),
    "microsoft": ("microsoft", None),
    "amazon": ("amazon", None),
    "ai21": ("ai21", None),
    "allenai": ("ai2", None),
    "ibm-granite": ("ibm", None),
}
FIRST_PARTY = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "x-ai": "xai",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "cohere": "cohere",
    "elevenlabs": "elevenlabs",
}
# a model's vendor from the start of its name, where the id carries no "org/" prefix
NAME_VENDOR = [
    (r"claude", "anthropic"),
    (r"gpt|o\d|chatgpt|dall-e|whisper|tts-|text-embedding|codex|sora", "openai"),
    (r"gemini|gemma|imagen|veo|nano-banana|learnlm", "google"),
    (r"grok", "xai"),
    (r"mistral|mixtral|ministral|codestral|devstral|magistral|pixtral|voxtral|open-mistral", "mistral"),
    (r"deepseek", "deepseek"),
    (r"command|c4ai|aya|embed-(english|multilingual)|rerank", "cohere"),
    (r"llama|meta-llama|muse", "meta"),
    (r"qwen|qwq", "qwen"),
    (r"kimi", "moonshot"),
    (r"glm|zai-glm|chatglm", "zhipu"),
    (r"minimax", "minimax"),
    (r"nemotron", "nvidia"),
    (r"phi-", "microsoft"),
    (r"nova|titan", "amazon"),
    (r"jamba", "ai21"),
    (r"olmo|molmo|tulu", "ai2"),
    (r"granite", "ibm"),
    (r"eleven", "elevenlabs"),
]


def vendor_from_name(model_id: str) -> str | None:
    low = model_id.lower()
    return next((v for pattern, v in NAME_VENDOR if re.match(pattern, low)), None)


# vendors whose models are API-only (checked on the vendor's own models pages), except these open releases
CLOSED = {"openai": r"gpt-oss|whisper", "anthropic": None, "xai": r"grok-1|grok-2\.5", "amazon": None}
CLOSED_GOOGLE = re.compile(r"^(gemini|imagen|veo|nano-banana)")


def run(_: Path | None, ctx: Context) -> None:
    snapshot = _snapshot()
    by_id = {p.id: p for p in snapshot.providers}
    note = f"genai-prices {genai_prices_version()} data snapshot (installed package)"
    for gp_id, targets in ctx.providers.items():
        provider = by_id.get(gp_id)
        if provider is None:
            continue
        for info in provider.models:
            target = _target(gp_id, info.id, targets)
            if info.deprecated or re.search(r":[a-z]+$|^ft:", info.id):
                continue  # retired, a variant (":free", ":batch") or a fine-tune price
            if genai_prices_lookup(gp_id, info.id) is None:
                continue  # genai-prices' own matcher does not resolve this id: a price reference would break
            model_id = _model_for(info, provider, by_id, ctx, note)
            key = (model_id, target)
            if key in ctx.offerings or any(o.provider == target for o in ctx.catalog.offerings_of(model_id)):
                continue
            ctx.offerings[key] = {
                "model": model_id,
                "provider": target,
                "api_model_id": info.id,
                "genai_prices": {"provider": gp_id, "model": info.id},
                "sources": {"gp": source(URL, ctx.today, note)},
                "curation": "imported",
            }


def _target(gp_id: str, model_id: str, targets: list[str]) -> str:
    """The catalog provider of a genai-prices offering: Google's list holds both the Gemini API (Google's own
    models) and Vertex (partner models such as Claude)."""
    if gp_id == "google" and "google-vertex" in targets and vendor_from_name(model_id) not in ("google", None):
        return "google-vertex"
    return targets[0]


def _model_for(info: Any, provider: Any, by_id: dict[str, Any], ctx: Context, note: str) -> str:
    prefix, _, rest = info.id.lstrip("~").rpartition("/")
    prefix = prefix.lower().rsplit("/", 1)[-1]
    if not prefix and provider.id == "aws":  # Bedrock: "global.anthropic.claude-…-v1:0"
        bare = _REGION.sub("", info.id.lower())
        head = bare.split(".", 1)[0]
        if head in VENDOR_PREFIX or head in ("amazon", "mistral", "meta", "cohere", "qwen", "moonshot", "minimax"):
            prefix, rest = head, strip_bedrock(bare)
    named = vendor_from_name(rest or info.id)
    vendor, home = VENDOR_PREFIX.get(prefix, (prefix or named or FIRST_PARTY.get(provider.id, "unknown"), None))
    canonical = info
    if home and home in by_id and home != provider.id:
        try:
            canonical = by_id[home].find_model(rest or info.id) or info
        except Exception:  # genai-prices' matcher rejects some names; keep the host's record
            canonical = info
    found = [k for k in (ctx.known_id(n) for n in (canonical.id, rest or info.id, info.id)) if k]
    curated = [k for k in found if k in ctx.catalog.models and ctx.catalog.models[k].curation == "curated"]
    if found:
        return (curated or found)[0]  # a curated record is the one to attach offerings to
    model_id = slug(canonical.id)
    if not model_id or not model_id[0].isalnum():
        model_id = slug(info.id)
    return ctx.add_model(_model_record(model_id, canonical, vendor, ctx, note))


def _tasks(model_id: str) -> tuple[list[str], list[str], list[str]]:
    """Tasks and modalities from the id only where it says so plainly; models.dev refines them."""
    low = model_id.lower()
    if "embed" in low:
        return ["embeddings"], ["text"], ["embedding"]
    if "tts" in low:
        return ["text-to-speech"], ["text"], ["audio"]
    if "transcribe" in low or "whisper" in low:
        return ["speech-to-text"], ["audio"], ["text"]
    if re.search(r"image|dall-e|imagen", low):
        return ["image-generation"], ["text"], ["image"]
    # vision-language models (Qwen-VL and ERNIE-VL, "vision-language" on their model cards; Llama 3.2
    # Vision, Grok Vision) take images first
    if re.search(r"-vl\b|vision", low):
        return ["vision", "text"], ["text", "image"], ["text"]
    # families whose vendor names their task though the id does not: Canopy Labs' Orpheus is a TTS model
    # (github.com/canopyai/Orpheus-TTS); Mistral's Voxtral models are for speech transcription and audio
    # understanding (mistral.ai/news/voxtral, huggingface.co/mistralai/Voxtral-Small-24B-2507)
    if "orpheus" in low:
        return ["text-to-speech"], ["text"], ["audio"]
    if "voxtral" in low:
        return ["speech-to-text", "text"], ["audio", "text"], ["text"]
    # a coding model's first task (the one it is rated and ranked for) is code
    tasks = ["code", "text"] if re.search(r"cod(e|er|estral)|devstral", low) else ["text"]
    return tasks, ["text"], ["text"]


def _closed(vendor: str, model_id: str) -> bool:
    if vendor == "google":
        return bool(CLOSED_GOOGLE.match(model_id))
    if vendor not in CLOSED:
        return False
    exception = CLOSED[vendor]
    return not (exception and re.search(exception, model_id))


def _model_record(model_id: str, info: Any, vendor: str, ctx: Context, note: str) -> Record:
    tasks, inputs, outputs = _tasks(model_id)
    sources: Record = {"gp": source(URL, ctx.today, note)}
    components: Record = {"weights": None, "source": "gp"}
    license_: Record = {"name": "not checked (imported record)", "commercial_use": None, "source": "gp"}
    template = _proprietary_template(ctx, vendor) if _closed(vendor, model_id) else None
    if template is not None:
        # the vendor's API-only terms, from a curated model of the same vendor (same source)
        sources["vendor"] = template.sources[template.license.source].model_dump(mode="json")
        components = {"weights": False, "source": "vendor"}
        license_ = template.license.model_dump(mode="json", exclude_none=True) | {"source": "vendor"}
    return {
        "id": model_id,
        "name": info.name or info.id,
        "vendor": vendor,
        "family": re.sub(r"-\d[\w.\-]*$", "", model_id) or model_id,
        "description": info.description,
        "curation": "imported",
        "sources": sources,
        "release": {"status": "active", "source": "gp"},
        "components": components,
        "license": license_,
        "capabilities": {
            "context_window": info.context_window,
            "input_modalities": inputs,
            "output_modalities": outputs,
            "tasks": tasks,
            "source": "gp",
        },
    }


def _proprietary_template(ctx: Context, vendor: str) -> Any | None:
    for model in ctx.catalog.models.values():
        if model.vendor == vendor and model.components.weights is False and model.curation == "curated":
            return model
    return None
