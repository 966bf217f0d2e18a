"""Prices of offerings: from the genai-prices package where it knows the offering, else the catalog's curated figure.

genai-prices is used offline, from the snapshot bundled with the installed package; its
background updater is never started. Prices resolve at the day asked for (the recommendation's
as-of date), at the prompt-length tier the workload selects; dated changes after that day are
listed by `upcoming_price_changes`, and time-of-day pricing is flagged for a caveat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from llmpick import diskcache
from llmpick.catalog.schema import Offering

# genai-prices price keys → our per-unit fields (per million tokens unless named otherwise)
_PER_MTOK = {
    "input_mtok": "input_per_mtok",
    "output_mtok": "output_per_mtok",
    "cache_read_mtok": "cached_input_per_mtok",
}


@dataclass(frozen=True)
class PriceQuote:
    """What one offering costs, with where the figure came from."""

    input_per_mtok: float | None = None
    output_per_mtok: float | None = None
    cached_input_per_mtok: float | None = None
    batch_input_per_mtok: float | None = None
    batch_output_per_mtok: float | None = None
    per_audio_minute: float | None = None
    per_million_chars: float | None = None
    per_image: float | None = None
    source: str = ""
    as_of: str = ""
    tier_start_tokens: int | None = None  # the prompt-length tier applied (None: the base rate)
    tiered: bool = False  # the price changes with the prompt length
    time_of_day: str | None = None  # e.g. "peak UTC 01:00-04:00, 06:00-10:00: $1.32/$3.96 per M" (quoted: off-peak)
    curated: bool = False  # the catalog's own figure, not a price dataset's

    @property
    def has_token_prices(self) -> bool:
        return self.input_per_mtok is not None and self.output_per_mtok is not None


@cache
def genai_prices_version() -> str:
    from importlib.metadata import version  # only where a quote is made, not read back from the disk cache

    return version("genai-prices")


@cache
def _snapshot() -> Any:
    from genai_prices import data_snapshot  # bundled data only: no network, no updater

    return data_snapshot.get_snapshot()


@dataclass(frozen=True)
class PriceSource:
    """What a quote needs of a genai-prices provider record: its id and its pricing pages."""

    id: str
    pricing_urls: tuple[str, ...] = ()


# (provider, model) ref → (provider, genai-prices model record), or None when genai-prices does not know it.
# Matching a ref scans every model pattern of the snapshot (about a millisecond each, a second for the catalog),
# so the catalog's disk cache stores the matches (see `price_matches`); a new process reads them on its first
# lookup (`defer_price_matches`), and most never look up: their quotes are stored (`QUOTES`).
_MATCHES: dict[tuple[str, str], tuple[PriceSource, Any] | None] = {}
_DEFERRED: list[Callable[[], dict[tuple[str, str], tuple[PriceSource, Any] | None] | None]] = []


def genai_prices_lookup(provider_id: str, model_id: str) -> tuple[PriceSource, Any] | None:
    """(provider, model) records of genai-prices, or None when it does not know them."""
    key = (provider_id, model_id)
    while key not in _MATCHES and _DEFERRED:
        _MATCHES.update(_DEFERRED.pop()() or {})
    if key in _MATCHES:
        return _MATCHES[key]
    found: tuple[PriceSource, Any] | None
    try:
        provider, model = _snapshot().find_provider_model(model_id, None, provider_id, None)
    except Exception:  # LookupError, or genai-prices' own error types for unknown refs
        found = None
    else:
        found = (PriceSource(provider.id, tuple(getattr(provider, "pricing_urls", None) or ())), model)
    _MATCHES[key] = found
    return found


def price_matches(offerings: Iterable[Offering]) -> dict[tuple[str, str], tuple[PriceSource, Any] | None]:
    """The genai-prices match of every offering that names one: what the catalog's disk cache keeps."""
    refs = {(o.genai_prices.provider, o.genai_prices.model) for o in offerings if o.genai_prices}
    return {ref: genai_prices_lookup(*ref) for ref in sorted(refs)}


def defer_price_matches(read: Callable[[], dict[tuple[str, str], tuple[PriceSource, Any] | None] | None]) -> None:
    """Matches to read back from the disk cache (made with the same genai-prices version) on the first lookup
    that needs one: reading them imports genai-prices (a tenth of a second), which a process whose quotes are
    all stored never needs."""
    _DEFERRED.append(read)


def _quotes_stamp() -> list[str | bytes]:
    """What a stored quote depends on beyond its arguments: the genai-prices release and the code reading it."""
    return [diskcache.installed_stamp("genai_prices"), *diskcache.source_stamp(__name__)]


# Quotes and dated changes, kept between runs: one shard per day and prompt size asked (one profile's questions).
QUOTES = diskcache.StoredTable("quotes", _quotes_stamp, keep=16)


def _at_tier(value: Any, prompt_tokens: int | None) -> tuple[float | None, int | None]:
    """A flat price, or the tier a prompt of `prompt_tokens` selects (every token of the request pays it)."""
    if value is None:
        return None, None
    if isinstance(value, Decimal | int | float):
        return float(value), None
    base = getattr(value, "base", None)
    price, start = (float(base) if base is not None else None), None
    for tier in getattr(value, "tiers", None) or []:
        if prompt_tokens is not None and prompt_tokens > tier.start:
            price, start = float(tier.price), int(tier.start)
    return price, start


def _base(value: Any) -> float | None:
    return _at_tier(value, None)[0]


def _moment(at: dt.date) -> dt.datetime:
    return dt.datetime.combine(at, dt.time(12), tzinfo=dt.UTC)  # noon UTC: off-peak wherever peaks are priced


def _time_of_day(model: Any) -> str | None:
    if not isinstance(model.prices, list):
        return None  # one flat price: no time windows
    prices = model.prices
    windows = [
        p for p in prices if type(p.constraint).__name__ == "TimeOfDateConstraint"
    ]  # genai-prices' time-window constraint
    if not windows:
        return None
    spans = ", ".join(f"{w.constraint.start_time:%H:%M}-{w.constraint.end_time:%H:%M}" for w in windows)
    peak = windows[0].prices
    return (
        f"peak hours UTC {spans}: ${_base(peak.input_mtok)}/${_base(peak.output_mtok)} per M tokens in/out; "
        "the quote is the off-peak rate"
    )


@lru_cache(maxsize=8192)  # quotes are immutable; the engine asks for the same ones many times per run
@QUOTES.remembers(shape=("at", "prompt_tokens"))
def quote_from_genai_prices(
    provider_id: str, model_id: str, *, at: dt.date, prompt_tokens: int | None = None
) -> PriceQuote | None:
    found = genai_prices_lookup(provider_id, model_id)
    if found is None:
        return None
    provider, model = found
    moment = _moment(at)
    standard = model.get_prices(moment)
    batch = model.get_prices(moment, {"processing": "batch"})
    fields: dict[str, float | None] = {}
    tier_start: int | None = None
    tiered = False
    for key, ours in _PER_MTOK.items():
        raw = getattr(standard, key, None)
        tiered = tiered or bool(getattr(raw, "tiers", None))
        fields[ours], start = _at_tier(raw, prompt_tokens)
        tier_start = tier_start or start
    audio_hours = _base(getattr(standard, "input_audio_hours", None) or getattr(standard, "audio_hours", None))
    mchars = _base(getattr(standard, "input_mchars", None))
    batch_in = _at_tier(getattr(batch, "input_mtok", None), prompt_tokens)[0]
    batch_out = _at_tier(getattr(batch, "output_mtok", None), prompt_tokens)[0]
    urls = list(getattr(provider, "pricing_urls", None) or [])
    return PriceQuote(
        input_per_mtok=fields["input_per_mtok"],
        output_per_mtok=fields["output_per_mtok"],
        cached_input_per_mtok=fields["cached_input_per_mtok"],
        batch_input_per_mtok=batch_in if batch_in != fields["input_per_mtok"] else None,
        batch_output_per_mtok=batch_out if batch_out != fields["output_per_mtok"] else None,
        per_audio_minute=audio_hours / 60 if audio_hours is not None else None,
        per_million_chars=mchars,
        source=f"genai-prices {genai_prices_version()} ({provider.id}/{model.id})" + (f"; {urls[0]}" if urls else ""),
        as_of=at.isoformat(),
        tier_start_tokens=tier_start,
        tiered=tiered,
        time_of_day=_time_of_day(model),
    )


@dataclass(frozen=True)
class PriceChange:
    """A dated price change that genai-prices already knows."""

    on: dt.date
    before: PriceQuote
    after: PriceQuote

    def describe(self) -> str:
        def fmt(q: PriceQuote) -> str:
            return f"${q.input_per_mtok:g}/${q.output_per_mtok:g}" if q.has_token_prices else "?"

        return f"from {self.on}: {fmt(self.before)} → {fmt(self.after)} per M tokens in/out"


def _change_dates(model: Any) -> list[dt.date]:
    days: set[dt.date] = set()
    for item in (model.prices if isinstance(model.prices, list) else []) + list(model.price_variants or []):
        start = getattr(item.constraint, "start_date", None)
        if isinstance(start, dt.date):
            days.add(start)
    return sorted(days)


@QUOTES.remembers(shape=())
def price_change_dates(provider_id: str, model_id: str) -> tuple[dt.date, ...]:
    """The days genai-prices has a price of this offering start on (none when it does not know the offering)."""
    found = genai_prices_lookup(provider_id, model_id)
    return tuple(_change_dates(found[1])) if found is not None else ()


def upcoming_price_changes(
    offering: Offering, at: dt.date, days: int = 90, *, prompt_tokens: int | None = None
) -> list[PriceChange]:
    """Dated changes to this offering's price after `at` and within `days` days (genai-prices offerings only)."""
    ref = offering.genai_prices
    if ref is None:
        return []
    changes: list[PriceChange] = []
    horizon = at + dt.timedelta(days=days)
    for day in price_change_dates(ref.provider, ref.model):
        if not at < day <= horizon:
            continue
        before = quote_from_genai_prices(
            ref.provider, ref.model, at=day - dt.timedelta(days=1), prompt_tokens=prompt_tokens
        )
        after = quote_from_genai_prices(ref.provider, ref.model, at=day, prompt_tokens=prompt_tokens)
        if before and after and _figures(before) != _figures(after):
            changes.append(PriceChange(day, before, after))
    return changes


def _figures(q: PriceQuote) -> tuple[float | None, ...]:
    return (
        q.input_per_mtok,
        q.output_per_mtok,
        q.cached_input_per_mtok,
        q.batch_input_per_mtok,
        q.batch_output_per_mtok,
    )


def offering_price(offering: Offering, at: dt.date, *, prompt_tokens: int | None = None) -> PriceQuote | None:
    """The offering's price on day `at` for a prompt of `prompt_tokens` tokens (None: the base tier):
    genai-prices first, then voice-prices for speech, then the curated `price` group."""
    if offering.genai_prices:
        quote = quote_from_genai_prices(
            offering.genai_prices.provider, offering.genai_prices.model, at=at, prompt_tokens=prompt_tokens
        )
        if quote is not None:
            return quote
    if offering.voice_prices:
        from llmpick.catalog.voice import quote_from_voice_prices

        voice = quote_from_voice_prices(offering.voice_prices.provider, offering.voice_prices.model, at)
        if voice is not None:
            return voice
    if offering.price is None:
        return None
    price = offering.price
    source = offering.sources[price.source]
    return PriceQuote(
        input_per_mtok=price.input_per_mtok,
        output_per_mtok=price.output_per_mtok,
        cached_input_per_mtok=price.cached_input_per_mtok,
        per_audio_minute=price.per_audio_minute,
        per_million_chars=price.per_million_chars,
        per_image=price.per_image,
        source=source.url,
        as_of=source.as_of.isoformat(),
        curated=True,
    )
