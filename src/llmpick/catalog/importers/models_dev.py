"""Enrich imported models from a models.dev ``api.json`` (release date, context, modalities, open-weights flag).

Only imported records are touched: curated facts win. The file is `models.dev.json` or `api.json` in the
refresh folder (download https://models.dev/api.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmpick.catalog.importers import Context, key_of, source

URL = "https://models.dev/api.json"
NAMES = ("models.dev.json", "api.json")
TASKS_BY_INPUT = {"image": ["vision", "multimodal"], "audio": ["multimodal"], "video": ["multimodal"]}


def run(folder: Path | None, ctx: Context) -> None:
    path = next((folder / n for n in NAMES if folder and (folder / n).is_file()), None)
    if path is None:
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    entries: dict[str, list[dict[str, Any]]] = {}
    for provider_id, provider in data.items():
        for model in (provider.get("models") or {}).values():
            entries.setdefault(key_of(model.get("id", "")), []).append(model | {"_provider": provider_id})
    for model_id in ctx.enrichable():
        found = entries.get(key_of(model_id))
        if found:
            _enrich(ctx.editable(model_id), found, ctx)


# catalog vendor → models.dev provider ids of that vendor's own API (their entries are preferred)
VENDOR_PROVIDERS = {
    "openai": {"openai"},
    "anthropic": {"anthropic"},
    "google": {"google"},
    "xai": {"xai"},
    "mistral": {"mistral"},
    "deepseek": {"deepseek"},
    "moonshot": {"moonshotai"},
    "zhipu": {"zai", "zhipuai"},
    "minimax": {"minimax"},
    "qwen": {"alibaba"},
    "nvidia": {"nvidia"},
    "meta": {"llama"},
    "cohere": {"cohere"},
}


def _enrich(record: dict[str, Any], found: list[dict[str, Any]], ctx: Context) -> None:
    record["sources"]["md"] = source(URL, ctx.today, "models.dev api.json")
    own = [m for m in found if m["_provider"] in VENDOR_PROVIDERS.get(record.get("vendor", ""), set())]
    dated = [str(m["release_date"])[:10] for m in (own or found) if _full_date(m.get("release_date"))]
    if dated and not record["release"].get("date"):
        # the vendor's own entry, else the date most hosts give (one host's early or odd date is not taken)
        day = max(sorted(set(dated)), key=dated.count)
        record["release"] = {"date": day, "status": "active", "source": "md"}
    # hosts often leave open_weights false by default; the vendor's entry, else one entry saying true, informs
    said_open = any(m.get("open_weights") for m in own) if own else any(m.get("open_weights") for m in found)
    if record["components"].get("weights") is None and said_open:
        record["components"] = {"weights": True, "source": "md"}
    caps = record["capabilities"]
    first = found[0]
    inputs = [m for m in (first.get("modalities") or {}).get("input", []) if m in ("text", "image", "audio", "video")]
    if inputs and caps["output_modalities"] == ["text"]:
        caps["input_modalities"] = inputs
        extra = [t for m in inputs for t in TASKS_BY_INPUT.get(m, [])]
        caps["tasks"] = list(dict.fromkeys(caps["tasks"] + (["reasoning"] if first.get("reasoning") else []) + extra))
    context = (first.get("limit") or {}).get("context")
    if context and not caps.get("context_window"):
        caps["context_window"] = int(context)
    output = (first.get("limit") or {}).get("output")
    if output:
        caps["max_output_tokens"] = int(output)
    if first.get("tool_call") is not None:
        caps["tool_calling"] = bool(first["tool_call"])
    caps["source"] = "md" if caps["source"] == "gp" else caps["source"]


def _full_date(value: object) -> bool:
    """models.dev sometimes gives only a year or a month; those say too little for a release date."""
    full = isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-"
    return full and str(value) >= "2015"  # some entries carry the Unix epoch as a placeholder
