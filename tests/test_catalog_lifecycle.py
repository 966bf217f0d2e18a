"""Lifecycle per offering and prices by date: what a route is on a given day, and what it costs then."""

from __future__ import annotations

import datetime as dt

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.lifecycle import model_status, offering_status
from llmpick.catalog.prices import offering_price, upcoming_price_changes
from llmpick.catalog.schema import Status


def _offer(catalog: Catalog, model: str, provider: str):  # type: ignore[no-untyped-def]
    return next(o for o in catalog.offerings_of(model) if o.provider == provider)


def test_a_vendor_shutdown_retires_its_own_route_only(catalog: Catalog) -> None:
    model = catalog.model("claude-sonnet-4-5")
    day = dt.date(2026, 12, 2)
    assert offering_status(_offer(catalog, "claude-sonnet-4-5", "anthropic"), model, day).status is Status.RETIRED
    bedrock = offering_status(_offer(catalog, "claude-sonnet-4-5", "aws-bedrock"), model, day)
    assert bedrock.status is Status.DEPRECATED and bedrock.shutdown_on is None
    status, shutdown_on, successor = offering_status(_offer(catalog, "claude-sonnet-4-5", "anthropic"), model, day)
    assert (status, shutdown_on, successor) == (Status.RETIRED, dt.date(2026, 11, 30), "claude-sonnet-5-5")


def test_a_date_counts_from_the_day_it_falls_on(catalog: Catalog) -> None:
    model = catalog.model("gpt-5")
    route = _offer(catalog, "gpt-5", "openai")
    assert offering_status(route, model, dt.date(2026, 12, 10)).status is Status.DEPRECATED
    assert offering_status(route, model, dt.date(2026, 12, 10)).shuts_down_within(dt.date(2026, 12, 10), 60)
    assert offering_status(route, model, dt.date(2026, 12, 11)).status is Status.RETIRED
    gemini = catalog.model("gemini-2.5-pro")
    studio = _offer(catalog, "gemini-2.5-pro", "google-ai-studio")
    assert offering_status(studio, gemini, dt.date(2026, 11, 30)).status is Status.DEPRECATED
    assert offering_status(studio, gemini, dt.date(2026, 12, 1)).status is Status.RETIRED


def test_apache_weights_stay_runnable_when_the_vendor_api_retires_them(catalog: Catalog) -> None:
    day = dt.date(2026, 12, 2)
    for model_id in (
        "mistral-7b-instruct",
        "mistral-nemo",
        "mistral-small-3.2",
        "mixtral-8x7b-instruct",
        "mixtral-8x22b-instruct",
    ):
        model = catalog.model(model_id)
        assert model_status(model, day).status is Status.ACTIVE, model_id
        route = _offer(catalog, model_id, "mistral")
        assert offering_status(route, model, day).status is Status.RETIRED, model_id
    assert "mistral-nemo" in {m.id for m in catalog.filter_models(include_retired=False)}


def test_a_proprietary_model_gone_everywhere_retires_every_route(catalog: Catalog) -> None:
    model = catalog.model("o4-mini")
    for route in catalog.offerings_of("o4-mini"):
        assert offering_status(route, model, dt.date(2026, 12, 2)).status is Status.RETIRED


def test_prices_resolve_on_the_day_asked_for(catalog: Catalog) -> None:
    argon = _offer(catalog, "gemini-4-argon", "google-ai-studio")
    before, after = offering_price(argon, dt.date(2026, 11, 30)), offering_price(argon, dt.date(2026, 12, 1))
    assert before and after
    assert (before.input_per_mtok, before.output_per_mtok) == (2.0, 10.0)
    assert (after.input_per_mtok, after.output_per_mtok) == (4.0, 20.0)


def test_upcoming_changes_are_listed_within_the_window(catalog: Catalog) -> None:
    flash = _offer(catalog, "gemini-3.8-flash", "google-ai-studio")
    changes = upcoming_price_changes(flash, dt.date(2026, 12, 2))
    assert [c.on for c in changes] == [dt.date(2027, 1, 1)]
    assert changes[0].after.input_per_mtok == 2 * changes[0].before.input_per_mtok  # type: ignore[operator]
    assert upcoming_price_changes(flash, dt.date(2026, 12, 2), days=10) == []
    assert upcoming_price_changes(flash, dt.date(2027, 1, 1)) == []


def test_the_prompt_length_selects_the_tier(catalog: Catalog) -> None:
    haiku = _offer(catalog, "claude-haiku-5-5", "anthropic")
    short, long = (
        offering_price(haiku, catalog.as_of, prompt_tokens=3_000),
        offering_price(haiku, catalog.as_of, prompt_tokens=150_000),
    )
    assert short and long and short.tiered
    assert (short.input_per_mtok, short.output_per_mtok, short.tier_start_tokens) == (0.1, 0.5, None)
    assert (long.input_per_mtok, long.output_per_mtok, long.tier_start_tokens) == (0.5, 2.5, 100_000)
    assert offering_price(haiku, catalog.as_of) == short  # no prompt size: the base tier, as before


def test_peak_hour_pricing_is_flagged(catalog: Catalog) -> None:
    quote = offering_price(_offer(catalog, "deepseek-v4-pro", "deepseek"), catalog.as_of)
    assert quote and quote.time_of_day and "01:00-04:00" in quote.time_of_day
    gpt = offering_price(_offer(catalog, "gpt-5", "openai"), catalog.as_of)
    assert gpt and gpt.time_of_day is None


def test_speech_prices_come_from_voice_prices_when_installed(catalog: Catalog) -> None:
    import importlib.util

    quote = offering_price(_offer(catalog, "deepgram-nova-3", "deepgram"), catalog.as_of)
    assert quote and quote.per_audio_minute
    if importlib.util.find_spec("voice_prices"):
        assert quote.source.startswith("voice-prices") and quote.per_audio_minute < 0.0077
    else:
        assert quote.curated and quote.per_audio_minute == 0.0077
