"""Speech prices (per audio minute, per million characters) from the optional voice-prices package.

voice-prices is a fork of genai-prices that adds speech units; it is read offline from its bundled
snapshot. Without the package installed the catalog's curated figure is used.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from llmpick.catalog.prices import PriceQuote


@cache
def _snapshot() -> Any | None:
    try:
        from voice_prices import data_snapshot
    except ImportError:
        return None
    return data_snapshot.get_snapshot()


def voice_prices_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("voice-prices")
    except PackageNotFoundError:
        return None


def quote_from_voice_prices(provider_id: str, model_id: str, at: dt.date) -> PriceQuote | None:
    snapshot = _snapshot()
    if snapshot is None:
        return None
    try:
        provider, model = snapshot.find_provider_model(model_id, None, provider_id, None)
    except Exception:  # voice-prices raises its own error types for unknown refs
        return None
    prices = model.get_prices(dt.datetime.combine(at, dt.time(12), tzinfo=dt.UTC))
    kseconds = getattr(prices, "input_audio_kseconds", None) or getattr(prices, "output_audio_kseconds", None)
    kchars = getattr(prices, "input_kchars", None)
    if kseconds is None and kchars is None:
        return None
    urls = list(getattr(provider, "pricing_urls", None) or [])
    return PriceQuote(
        per_audio_minute=round(float(kseconds) * 60 / 1000, 6) if kseconds is not None else None,
        per_million_chars=float(kchars) * 1000 if kchars is not None else None,
        source=f"voice-prices {voice_prices_version()} ({provider.id}/{model.id})" + (f"; {urls[0]}" if urls else ""),
        as_of=at.isoformat(),
    )
