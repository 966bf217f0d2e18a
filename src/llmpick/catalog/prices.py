"""Prices of offerings: from the genai-prices package where it knows the offering, else the catalog's curated figure.

genai-prices is used offline, from the snapshot bundled with the installed package; its
background updater is never started. Prices resolve at the catalog's as-of date, so the same
catalog always gives the same price.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.metadata import version
from typing import Any

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

    @property
    def has_token_prices(self) -> bool:
        return self.input_per_mtok is not None and self.output_per_mtok is not None


@cache
def genai_prices_version() -> str:
    return version("genai-prices")


@cache
def _snapshot() -> Any:
    from genai_prices import data_snapshot  # bundled data only: no network, no updater

    return data_snapshot.get_snapshot()


def genai_prices_lookup(provider_id: str, model_id: str) -> tuple[Any, Any] | None:
    """(provider, model) records of genai-prices, or None when it does not know them."""
    try:
        return tuple(_snapshot().find_provider_model(model_id, None, provider_id, None))  # type: ignore[return-value]
    except LookupError:
        return None
    except Exception:  # genai-prices raises its own error types for unknown refs
        return None


def _base(value: Any) -> float | None:
    """A flat price, or the first tier's price of a tiered one (our workloads stay under the first tier)."""
    if value is None:
        return None
    if isinstance(value, Decimal | int | float):
        return float(value)
    base = getattr(value, "base", None)
    return float(base) if base is not None else None


def quote_from_genai_prices(provider_id: str, model_id: str, at: dt.date) -> PriceQuote | None:
    found = genai_prices_lookup(provider_id, model_id)
    if found is None:
        return None
    provider, model = found
    moment = dt.datetime.combine(at, dt.time(12))
    standard = model.get_prices(moment)
    batch = model.get_prices(moment, {"processing": "batch"})
    fields: dict[str, float | None] = {ours: _base(getattr(standard, key, None)) for key, ours in _PER_MTOK.items()}
    audio_hours = _base(getattr(standard, "input_audio_hours", None) or getattr(standard, "audio_hours", None))
    mchars = _base(getattr(standard, "input_mchars", None))
    batch_in, batch_out = _base(getattr(batch, "input_mtok", None)), _base(getattr(batch, "output_mtok", None))
    urls = list(getattr(provider, "pricing_urls", None) or [])
    return PriceQuote(
        **fields,
        batch_input_per_mtok=batch_in if batch_in != fields["input_per_mtok"] else None,
        batch_output_per_mtok=batch_out if batch_out != fields["output_per_mtok"] else None,
        per_audio_minute=audio_hours / 60 if audio_hours is not None else None,
        per_million_chars=mchars,
        source=f"genai-prices {genai_prices_version()} ({provider.id}/{model.id})" + (f"; {urls[0]}" if urls else ""),
        as_of=at.isoformat(),
    )


def offering_price(offering: Offering, at: dt.date) -> PriceQuote | None:
    """The offering's price at `at` (the catalog's as-of date): genai-prices first, the curated `price` group
    only where genai-prices has none."""
    if offering.genai_prices:
        quote = quote_from_genai_prices(offering.genai_prices.provider, offering.genai_prices.model, at)
        if quote is not None:
            return quote
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
    )
