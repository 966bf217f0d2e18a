"""Catalog look-ups shared by the API and the pages: model filters, summaries, detail, comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.prices import offering_price
from llmpick.catalog.schema import Model, Openness, Task
from llmpick.catalog.views import model_detail, model_summary

__all__ = ["ModelFilters", "cheapest_price", "compare_rows", "filter_models", "model_detail", "model_summary"]


@dataclass(frozen=True)
class ModelFilters:
    openness: Openness | None = None
    task: Task | None = None
    license: str | None = None
    commercial: bool | None = None
    provider: str | None = None
    max_price: float | None = None
    min_context: int | None = None
    min_params_b: float | None = None
    max_params_b: float | None = None
    active: bool = False
    q: str | None = None


def filter_models(catalog: Catalog, f: ModelFilters) -> list[Model]:
    """Models matching every filter, by id. An unknown provider id raises UnknownIdError."""
    if f.provider:
        catalog.provider(f.provider)
    models = catalog.filter_models(
        openness=f.openness,
        task=f.task,
        commercial_use=f.commercial,
        provider=f.provider or None,
        max_output_price=f.max_price,
        min_context=f.min_context,
        include_retired=not f.active,
    )
    out = []
    for m in models:
        total = m.parameters.total_b if m.parameters else None
        if f.min_params_b is not None and (total is None or total < f.min_params_b):
            continue
        if f.max_params_b is not None and (total is None or total > f.max_params_b):
            continue
        if f.license and f.license.lower() not in f"{m.license.spdx or ''} {m.license.name}".lower():
            continue
        if f.q and f.q.lower() not in f"{m.id} {m.name} {m.vendor} {m.family}".lower():
            continue
        out.append(m)
    return out


def cheapest_price(model: Model, catalog: Catalog) -> dict[str, Any] | None:
    """The offering with the lowest output price per million tokens, with its input price and provider."""
    best: dict[str, Any] | None = None
    for offering in catalog.offerings_of(model.id):
        quote = offering_price(offering, catalog.as_of)
        if quote is None or quote.output_per_mtok is None:
            continue
        if best is None or quote.output_per_mtok < best["output_per_mtok"]:
            best = {
                "provider": offering.provider,
                "input_per_mtok": quote.input_per_mtok,
                "output_per_mtok": quote.output_per_mtok,
            }
    return best


COMPARE_FACTS = [
    ("vendor", "Vendor"),
    ("openness", "Openness"),
    ("license_name", "Licence"),
    ("commercial_use", "Commercial use"),
    ("tasks", "Tasks"),
    ("params_b", "Parameters (B)"),
    ("active_params_b", "Active parameters (B)"),
    ("context_window", "Context window"),
    ("release_date", "Released"),
    ("status", "Status"),
    ("successor", "Successor"),
    ("providers", "Providers"),
]


def compare_rows(models: list[Model], catalog: Catalog) -> list[tuple[str, list[str]]]:
    summaries = [model_summary(m, catalog) for m in models]
    rows: list[tuple[str, list[str]]] = []
    for key, label in COMPARE_FACTS:
        rows.append((label, [_fmt(s[key]) for s in summaries]))
    prices = [cheapest_price(m, catalog) for m in models]
    rows.append(
        (
            "Cheapest $ in / out per M tokens",
            [
                "—" if p is None else f"{_fmt(p['input_per_mtok'])} / {_fmt(p['output_per_mtok'])} ({p['provider']})"
                for p in prices
            ],
        )
    )
    for bench in sorted({q.benchmark.value for m in models for q in m.quality}):
        rows.append(
            (
                f"Benchmark: {bench}",
                [next((f"{q.score:g}" for q in m.quality if q.benchmark.value == bench), "—") for m in models],
            )
        )
    return rows


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
