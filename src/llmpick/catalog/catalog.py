"""The loaded catalog: look-ups and filters over models, providers, offerings, runtimes and hardware."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeVar

from llmpick.catalog.prices import offering_price
from llmpick.catalog.schema import (
    Hardware,
    LeaderboardSnapshot,
    Model,
    Offering,
    Openness,
    Provider,
    Runtime,
    Task,
)
from llmpick.errors import UnknownIdError

T = TypeVar("T")


@dataclass(frozen=True)
class Catalog:
    version: str
    as_of: dt.date
    models: dict[str, Model]
    providers: dict[str, Provider]
    offerings: list[Offering]
    runtimes: dict[str, Runtime]
    hardware: dict[str, Hardware]
    layers: tuple[str, ...] = ()  # what was loaded, in order: built-in, then overlays ("path (version, as_of)")
    # leaderboard snapshots the overlays add to the shipped figures of the quality index (llmpick.quality)
    leaderboards: tuple[LeaderboardSnapshot, ...] = ()
    _by_model: dict[str, list[Offering]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _predecessors: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for offering in self.offerings:
            self._by_model.setdefault(offering.model, []).append(offering)
        for model in self.models.values():
            older = set(model.supersedes)
            older |= {m.id for m in self.models.values() if m.release.successor == model.id}
            self._predecessors[model.id] = sorted(o for o in older if o in self.models)

    def model(self, model_id: str) -> Model:
        return _get(self.models, model_id, "model")

    def provider(self, provider_id: str) -> Provider:
        return _get(self.providers, provider_id, "provider")

    def runtime(self, runtime_id: str) -> Runtime:
        return _get(self.runtimes, runtime_id, "runtime")

    def device(self, hardware_id: str) -> Hardware:
        return _get(self.hardware, hardware_id, "hardware")

    def offerings_of(self, model_id: str) -> list[Offering]:
        return list(self._by_model.get(model_id, []))

    def predecessors_of(self, model_id: str) -> list[Model]:
        """Models this one replaces: those it supersedes and those naming it as their successor."""
        return [self.models[m] for m in self._predecessors.get(model_id, [])]

    def filter_models(
        self,
        *,
        openness: Openness | None = None,
        task: Task | None = None,
        commercial_use: bool | None = None,
        provider: str | None = None,
        max_output_price: float | None = None,
        min_context: int | None = None,
        include_retired: bool = True,
        at: dt.date | None = None,
    ) -> list[Model]:
        """Models matching every given filter, in catalog-id order; retirement is judged on day `at`
        (default: the catalog's as-of date)."""
        from llmpick.catalog.lifecycle import model_status

        day = at or self.as_of
        out: list[Model] = []
        for model in sorted(self.models.values(), key=lambda m: m.id):
            if openness and model.openness != openness:
                continue
            if task and task not in model.capabilities.tasks:
                continue
            if commercial_use is not None and model.license.commercial_use != commercial_use:
                continue
            if provider and all(o.provider != provider for o in self.offerings_of(model.id)):
                continue
            if min_context and (model.capabilities.context_window or 0) < min_context:
                continue
            if not include_retired and model_status(model, day).status.value == "retired":
                continue
            if max_output_price is not None:
                prices = [offering_price(o, day) for o in self.offerings_of(model.id)]
                known = [p.output_per_mtok for p in prices if p and p.output_per_mtok is not None]
                if not model.is_open and (not known or min(known) > max_output_price):
                    continue
                if model.is_open and known and min(known) > max_output_price:
                    continue
            out.append(model)
        return out


def _get(table: dict[str, T], key: str, kind: str) -> T:
    try:
        return table[key]
    except KeyError:
        raise UnknownIdError(kind, key, sorted(table)) from None
