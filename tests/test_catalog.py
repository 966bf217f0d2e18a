"""The catalog's integrity: every fact sourced and dated, every seed model present, prices equal genai-prices."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import builtin_data_dir, load_catalog
from llmpick.catalog.prices import genai_prices_lookup, offering_price, quote_from_genai_prices
from llmpick.catalog.schema import Openness, Sourced, Status
from llmpick.errors import CatalogError

# Every model and product the seed documents name (ids in the catalog).
SEED_MODELS = [
    "llama-2-7b-chat",
    "llama-2-70b-chat",
    "llama-3-8b-instruct",
    "llama-3-70b-instruct",
    "mistral-7b-instruct",
    "mixtral-8x7b-instruct",
    "falcon-7b-instruct",
    "falcon-40b-instruct",
    "bloom",
    "gpt-j-6b",
    "stablelm-tuned-alpha-7b",
    "tinyllama-1.1b-chat",
    "phi-3-mini-4k-instruct",
    "gpt-4",
    "gpt-4-turbo",
    "gpt-4o",
    "gpt-3.5-turbo",
    "claude-3-haiku",
    "claude-3-sonnet",
    "claude-3-opus",
    "gemini-1.5-pro",
    "command-r",
    "whisper-large-v3",
    "deepgram-nova-3",
    "melotts",
    "eleven-multilingual-v2",
    "tts-1",
    "dall-e-3",
    "midjourney-v7",
]
HARDWARE = [
    "rtx-3070",
    "rtx-3080",
    "rtx-3090",
    "rtx-3090-ti",
    "rtx-4070-ti",
    "rtx-4080",
    "rtx-4090",
    "rtx-5090",
    "rtx-a6000",
    "l4",
    "l40s",
    "a10g",
    "t4",
    "a100-40gb",
    "a100-80gb",
    "a100-pcie-80gb",
    "h100-pcie",
    "h100-sxm-80gb",
    "h200",
    "b200",
    "apple-m1",
    "apple-m1-max",
    "apple-m2",
    "apple-m2-ultra",
    "apple-m3-max",
    "apple-m4",
    "apple-m4-max",
    "cpu-only",
]
PROVIDERS = [
    "openai",
    "anthropic",
    "google-ai-studio",
    "google-vertex",
    "azure-openai",
    "aws-bedrock",
    "mistral",
    "deepseek",
    "cohere",
    "elevenlabs",
    "deepgram",
    "groq",
    "together",
    "fireworks",
    "cerebras",
    "openrouter",
]
RUNTIMES = ["ollama", "lm-studio", "llama-cpp", "vllm", "tgi", "sglang", "tensorrt-llm"]
# The current generation (late 2026) of every major vendor, one or two ids each.


def all_records(catalog: Catalog) -> list[object]:
    return [
        *catalog.models.values(),
        *catalog.providers.values(),
        *catalog.offerings,
        *catalog.runtimes.values(),
        *catalog.hardware.values(),
    ]


def test_at_least_80_models(catalog: Catalog) -> None:
    assert len(catalog.models) >= 80


@pytest.mark.parametrize("model_id", SEED_MODELS)
def test_every_seed_model_is_present(catalog: Catalog, model_id: str) -> None:
    assert model_id in catalog.models


# Freshness (every current genai-prices offering of the catalog's providers, and the December-2026 generation)
# is tested in test_catalog_refresh.py instead of a pinned list of ids that goes stale.


def test_current_speech_image_and_embedding_models_are_present(catalog: Catalog) -> None:
    for task in ("speech-to-text", "text-to-speech", "image-generation", "embeddings"):
        active = [
            m
            for m in catalog.models.values()
            if task in [t.value for t in m.tasks] and m.release.status is Status.ACTIVE
        ]
        assert len(active) >= 2, task


@pytest.mark.parametrize("ids,table", [(HARDWARE, "hardware"), (PROVIDERS, "providers"), (RUNTIMES, "runtimes")])
def test_required_ids_are_present(catalog: Catalog, ids: list[str], table: str) -> None:
    assert set(ids) <= set(getattr(catalog, table))


def test_every_fact_group_names_a_dated_source(catalog: Catalog) -> None:
    for record in all_records(catalog):
        sources = record.sources  # type: ignore[attr-defined]
        for name in type(record).model_fields:  # type: ignore[attr-defined]
            value = getattr(record, name)
            for group in value if isinstance(value, list) else [value]:
                if isinstance(group, Sourced):
                    source = sources[group.source]
                    assert source.url.strip()
                    assert source.as_of <= catalog.as_of


def test_sources_are_urls_or_named_documents(catalog: Catalog) -> None:
    for record in all_records(catalog):
        for source in record.sources.values():  # type: ignore[attr-defined]
            assert source.url.startswith(("https://", "http://")) or " " in source.url


def test_openness_follows_the_released_components(catalog: Catalog) -> None:
    for model in catalog.models.values():
        c = model.components
        expected = (
            Openness.UNKNOWN
            if c.weights is None
            else Openness.PROPRIETARY
            if not c.weights
            else Openness.OPEN_SOURCE
            if c.training_code and c.training_data
            else Openness.OPEN_WEIGHT
        )
        assert model.openness is expected
    assert catalog.model("gpt-4o").openness is Openness.PROPRIETARY
    assert catalog.model("llama-3.3-70b-instruct").openness is Openness.OPEN_WEIGHT
    assert any(m.openness is Openness.OPEN_SOURCE and m.vendor == "ai2" for m in catalog.models.values())


def test_open_models_have_the_figures_to_size_them(catalog: Catalog) -> None:
    for model in catalog.models.values():
        if (
            model.is_open
            and model.curation == "curated"  # imported records size only where a source gave the figures
            and model.capabilities.tasks[0].value in ("text", "code")
            and model.release.status is Status.ACTIVE
        ):
            assert model.parameters and model.parameters.total_b, model.id


def test_older_seed_models_point_to_their_successor(catalog: Catalog) -> None:
    for model_id in ("gpt-4", "gpt-3.5-turbo", "claude-3-opus", "llama-2-70b-chat"):
        model = catalog.model(model_id)
        assert model.release.status is not Status.ACTIVE, model_id
        assert model.release.successor in catalog.models, model_id


def test_genai_prices_references_resolve(catalog: Catalog) -> None:
    for offering in catalog.offerings:
        if offering.genai_prices:
            assert genai_prices_lookup(offering.genai_prices.provider, offering.genai_prices.model), offering


def test_curated_prices_only_fill_gaps_in_genai_prices(catalog: Catalog) -> None:
    """Where genai-prices knows an offering, the catalog must not carry a different price of its own."""
    for offering in catalog.offerings:
        provider = catalog.provider(offering.provider)
        if offering.price is None or provider.genai_prices_id is None:
            continue
        theirs = quote_from_genai_prices(provider.genai_prices_id, offering.api_model_id, at=catalog.as_of)
        if theirs is None or not theirs.has_token_prices:
            continue
        assert offering.price.input_per_mtok == theirs.input_per_mtok, offering
        assert offering.price.output_per_mtok == theirs.output_per_mtok, offering


def test_catalog_prices_equal_genai_prices(catalog: Catalog) -> None:
    checked = 0
    for offering in catalog.offerings:
        if offering.genai_prices is None:
            continue
        ours = offering_price(offering, catalog.as_of)
        theirs = quote_from_genai_prices(offering.genai_prices.provider, offering.genai_prices.model, at=catalog.as_of)
        assert ours == theirs
        checked += 1
    assert checked >= 30


def test_a_broken_reference_is_a_clear_error(tmp_path: Path) -> None:
    override = tmp_path / "o.yaml"
    override.write_text("offerings:\n  - {model: no-such-model, provider: openai, api_model_id: x}\n")
    with pytest.raises(CatalogError, match="no-such-model"):
        load_catalog(builtin_data_dir(), [override])


def test_an_override_with_unknown_keys_is_rejected(tmp_path: Path) -> None:
    override = tmp_path / "o.yaml"
    override.write_text("gadgets: []\n")
    with pytest.raises(CatalogError, match="gadgets"):
        load_catalog(builtin_data_dir(), [override])
