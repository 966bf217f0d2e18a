"""Benchmark figures: one measured value of one model on one benchmark, with where and when it was published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llmpick.catalog.schema import LeaderboardSnapshot
from llmpick.errors import LlmpickError, first_problem
from llmpick.yamlio import load_yaml


@dataclass(frozen=True)
class Figure:
    model: str  # catalog id (or, straight out of an importer, the source's own name for the model)
    benchmark: str
    value: float
    source: str  # URL of the published snapshot
    as_of: dt.date | None
    entry: str | None = None  # the source's own name for the model, when it differs from `model`
    vendor_reported: bool = False  # a vendor's own claim (model card): kept apart from the index

    @property
    def series(self) -> tuple[str, dt.date | None]:
        """Figures of one benchmark published together: the unit a cross-walk is fitted on."""
        return (self.benchmark, self.as_of)

    def basis(self) -> dict[str, Any]:
        out = {
            "benchmark": self.benchmark,
            "value": self.value,
            "source": self.source,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }
        if self.entry and self.entry != self.model:
            # the board's own entry: it may name a setting (e.g. "-high" reasoning effort) that a route's
            # price, at the profile's output tokens, does not include
            out["entry"] = self.entry
        return out


def data_dir() -> Path:
    return Path(str(resources.files("llmpick.quality") / "data"))


def load_figures(directory: Path | None = None) -> list[Figure]:
    """Every figure in data/figures/*.yaml (one file per imported snapshot)."""
    folder = (directory or data_dir()) / "figures"
    figures: list[Figure] = []
    for path in sorted(folder.glob("*.yaml")):
        figures.extend(read_snapshot_file(path))
    return figures


def read_snapshot_file(path: Path) -> list[Figure]:
    doc = load_yaml(path.read_text(encoding="utf-8"))
    try:
        snapshot = LeaderboardSnapshot.model_validate(doc)
    except ValidationError as exc:
        where, msg = first_problem(exc)
        raise LlmpickError(f"{path.name}: not a figures file: {where}: {msg}") from None
    return figures_of(snapshot)


def figures_of(snapshot: LeaderboardSnapshot) -> list[Figure]:
    """The snapshot's rows as figures, each with the snapshot's address and its date."""
    return [
        Figure(
            model=row.model,
            benchmark=row.benchmark,
            value=row.value,
            source=snapshot.url,
            as_of=row.as_of or snapshot.as_of,
            entry=row.entry,
            vendor_reported=snapshot.vendor_reported,
        )
        for row in snapshot.figures
    ]


def snapshot_of(figures: list[Figure], *, source: str, url: str, note: str) -> dict[str, Any]:
    """The snapshot document of figures already renamed to catalog ids (the inverse of `figures_of`): dated by its
    newest figure, best first within each benchmark; a row names its own date only where it differs."""
    as_of = max(f.as_of for f in figures if f.as_of is not None)
    rows = [
        {"model": f.model, "benchmark": f.benchmark, "value": f.value, "entry": f.entry}
        | ({"as_of": f.as_of} if f.as_of is not None and f.as_of != as_of else {})
        for f in sorted(figures, key=lambda f: (f.benchmark, -f.value))
    ]
    return {"source": source, "url": url, "as_of": as_of, "note": note, "figures": rows}
