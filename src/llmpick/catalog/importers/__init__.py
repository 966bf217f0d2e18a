"""Importers for `llmpick catalog refresh`: each reads one maintained source offline (a file, or an installed
package) and returns catalog records marked ``curation: imported``, each with its source and as-of date.

An importer is ``run(source_dir, ctx) -> Batch``; ``REGISTRY`` maps its name to it so other sources (the
quality datasets) can register theirs. Records are plain dicts in the catalog's YAML shape; the refresh
validates them with the schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmpick.catalog.catalog import Catalog

Record = dict[str, Any]


@dataclass
class Context:
    """What an importer may read: the catalog so far (curated facts win) and the day of the refresh."""

    catalog: Catalog
    today: dt.date
    providers: dict[str, list[str]] = field(default_factory=dict)  # genai-prices provider id → catalog provider ids
    models: dict[str, Record] = field(default_factory=dict)  # imported model records so far, by id
    offerings: dict[tuple[str, str], Record] = field(default_factory=dict)  # imported offerings by (model, provider)
    quality: list[Record] = field(default_factory=list)
    leaderboards: list[Record] = field(default_factory=list)  # quality figures (llmpick.quality.refresh)
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.providers:
            for provider in self.catalog.providers.values():
                if provider.genai_prices_id:
                    self.providers.setdefault(provider.genai_prices_id, []).append(provider.id)
        self._keys: dict[str, str] = {}
        for model_id in self.catalog.models:
            self._keys.setdefault(key_of(model_id), model_id)

    def known_id(self, name: str) -> str | None:
        """The catalog or imported id that names the same model as `name` (punctuation and case ignored; hosts
        often drop or add "instruct" for the instruction-tuned release they serve)."""
        key = key_of(name)
        for candidate in (key, key + "instruct", key.removesuffix("instruct")):
            if candidate in self._keys:
                return self._keys[candidate]
        return None

    def enrichable(self) -> list[str]:
        """Ids of imported models an enriching importer may update: this run's and the catalog's imported ones."""
        ids = set(self.models) | {m.id for m in self.catalog.models.values() if m.curation == "imported"}
        return sorted(ids)

    def editable(self, model_id: str) -> Record:
        """The imported record to update (a catalog record is copied into this run's output first)."""
        if model_id not in self.models:
            record = self.catalog.models[model_id].model_dump(mode="json")
            # quality.yaml figures are merged at load time; the overlay must not carry them twice
            record["quality"] = []
            record["sources"] = {k: v for k, v in record["sources"].items() if not k.startswith("quality-")}
            self.models[model_id] = record
        return self.models[model_id]

    def add_model(self, record: Record) -> str:
        self.models[record["id"]] = record
        self._keys.setdefault(key_of(record["id"]), record["id"])
        return str(record["id"])


Importer = Callable[[Path | None, Context], None]

_SERVING_SUFFIXES = re.compile(r"(-(turbo|fp8|fp4|bf16|fp16|awq|int4|int8|hf|maas|serverless|latest))+$")


def key_of(name: str) -> str:
    """A matching key: vendor prefix, region prefix, serving suffixes and punctuation dropped."""
    text = strip_bedrock(name.lower().rsplit("/", 1)[-1])
    text = _SERVING_SUFFIXES.sub("", text)
    return re.sub(r"[^a-z0-9]", "", text)


_REGION = re.compile(r"^((us|eu|apac|au|jp|ca|global|regional|us-gov)\.)+")
_VENDOR_DOT = re.compile(r"^[a-z0-9\-]+\.(?=[a-z])")


def strip_bedrock(name: str) -> str:
    """Bedrock ids: "global.anthropic.claude-x-v1:0" → "claude-x" (region, vendor and version dropped)."""
    text = _REGION.sub("", name)
    text = re.sub(r"-v\d+(:\d+)?$", "", text)
    if _VENDOR_DOT.match(text) and not re.match(r"^[a-z]+-?\d+\.\d", text):
        text = _VENDOR_DOT.sub("", text, count=1)
    return text


def slug(name: str) -> str:
    text = strip_bedrock(name.lower().lstrip("~").rsplit("/", 1)[-1])
    text = re.sub(r"[^a-z0-9.\-]+", "-", text).strip("-.")
    return re.sub(r"-{2,}", "-", text)


def source(url: str, today: dt.date, note: str | None = None) -> Record:
    # an imported fact rests on a maintained dataset, not on the vendor's own page: the source says so
    out: Record = {"url": url, "as_of": today.isoformat(), "kind": "dataset"}
    if note:
        out["note"] = note
    return out


def registry() -> dict[str, Importer]:
    from llmpick.catalog.importers import genai_prices, hf_config, models_dev, openrouter

    # order matters: genai-prices creates records, the others enrich them (OpenRouter names the HF repo)
    return {
        "genai-prices": genai_prices.run,
        "models-dev": models_dev.run,
        "openrouter": openrouter.run,
        "hf-config": hf_config.run,
    } | REGISTRY


REGISTRY: dict[str, Importer] = {}  # extra importers registered by other modules (name → importer)
