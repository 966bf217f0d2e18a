"""A model's rating for one task: the index value, its tier, how sure it is and the figures behind it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Literal

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import LeaderboardSnapshot, Model
from llmpick.errors import LlmpickError
from llmpick.memo import RecordMemo
from llmpick.quality.benchmarks import TASKS, load_benchmarks
from llmpick.quality.figures import Figure, figures_of, load_figures
from llmpick.quality.index import TaskIndex, build_task_index
from llmpick.quality.tiers import tier_for

Confidence = Literal["high", "medium", "low"]
GOOD_FIT_R2 = 0.6  # a cross-walk this close to a line keeps a figure at medium confidence


@dataclass(frozen=True)
class Rating:
    model: str
    task: str
    score: float | None  # 0..1, comparable within the task; None when unrated and not estimated
    tier: str | None
    rated: bool  # measured: the model's own figures on a benchmark of this task
    confidence: Confidence
    estimated: bool  # a labelled same-release estimate (estimates.py), never a measurement
    basis: tuple[dict[str, Any], ...]  # {benchmark, value, source, as_of} (+ model for an estimate)
    note: str = ""

    @property
    def summary(self) -> str:
        figures = ", ".join(
            f"{b['benchmark']} {b['value']:g} ({b['as_of']}" + (f", as {b['entry']})" if b.get("entry") else ")")
            for b in self.basis
        )
        if self.rated:
            return f"{figures} → {self.tier}"
        if self.estimated:
            return f"estimated {self.tier} ({self.note}: {figures}; low confidence)"
        return f"unrated for {self.task}: {self.note}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "task": self.task,
            "score": None if self.score is None else round(self.score, 4),
            "tier": self.tier,
            "rated": self.rated,
            "estimated": self.estimated,
            "confidence": self.confidence,
            "basis": list(self.basis),
            "summary": self.summary,
        }


def task_name(task: str | Enum) -> str:
    name = task.value if isinstance(task, Enum) else str(task)
    if name not in TASKS:
        raise LlmpickError(f"task {name!r} is not one a quality index exists for; allowed: {', '.join(TASKS)}")
    return name


def main_task(model: Model) -> str:
    """The task a model is mainly for: its first listed task ('multimodal' is a capability, not a task here)."""
    return next((t.value for t in model.tasks if t.value in TASKS), TASKS[0])


@cache
def task_index(task: str) -> TaskIndex:
    """The task's index, built from the shipped figures: fitting the cross-walks takes a good part of a second,
    so the result is kept in the disk cache, keyed by every data file and the code that builds it."""
    return _stored_index(task, ())


def index_for(task: str, catalog: Catalog | None) -> TaskIndex:
    """The index a catalog's models are rated on: the shipped figures plus the leaderboards its overlays add
    (`llmpick catalog refresh`); the shipped index when they add none."""
    if catalog is None or not catalog.leaderboards:
        return task_index(task)
    return _WITH_OVERLAYS.get((catalog,), task, lambda: _stored_index(task, catalog.leaderboards))


_WITH_OVERLAYS: RecordMemo[TaskIndex] = RecordMemo(limit=64)


def _stored_index(task: str, leaderboards: tuple[LeaderboardSnapshot, ...]) -> TaskIndex:
    from llmpick import diskcache

    package = Path(__file__).parent
    stamp: list[str | bytes] = [task, *diskcache.files_stamp(package / "data", "*.yaml")]
    stamp += [f.read_bytes() for f in sorted(package.glob("*.py"))]  # this package's code, not its importers
    stamp += [snapshot.model_dump_json() for snapshot in leaderboards]

    def build() -> TaskIndex:
        figures = load_figures()
        benchmarks = load_benchmarks()
        for snapshot in leaderboards:
            figures += _checked(snapshot, benchmarks)
        return build_task_index(figures, benchmarks, task)

    # one entry per task: the last few versions of the figures
    return diskcache.memo("quality-index", stamp, build, check=TaskIndex, keep=4 * len(TASKS))


def _checked(snapshot: LeaderboardSnapshot, benchmarks: dict[str, Any]) -> list[Figure]:
    """An overlay's figures, refused whole when one names a benchmark the index does not know."""
    unknown = sorted({row.benchmark for row in snapshot.figures} - set(benchmarks))
    if unknown:
        raise LlmpickError(
            f"catalog leaderboards: {snapshot.url}: unknown benchmark(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(benchmarks))}"
        )
    return figures_of(snapshot)


def derive_cuts(index: TaskIndex, references: dict[str, tuple[str, float]]) -> dict[str, float]:
    """Tier cut-offs: each tier starts at its reference model's score on this index (to three decimals, as the
    policy stores them); a reference the index does not hold keeps the stored cut-off."""
    cuts = {}
    for tier, (reference, stored) in references.items():
        entry = index.entries.get(reference)
        cuts[tier] = stored if entry is None else round(entry.score, 3)
    return cuts


def rate(
    model: Model, task: str | Enum, catalog: Catalog | None = None, cuts: dict[str, float] | None = None
) -> Rating:
    """The model's own rating for the task; failing that a labelled same-release estimate; failing that unrated."""
    name = task_name(task)
    cuts = {} if cuts is None else cuts  # tier cut-offs are policy: the engine passes them (engine.quality)
    index = index_for(name, catalog)
    entry = index.entries.get(model.id)
    if entry is not None:
        primary = any(f.primary for f in entry.fits)
        good_fits = all(f.primary or f.r2 >= GOOD_FIT_R2 for f in entry.fits)
        confidence: Confidence = "high" if primary or len(entry.fits) > 1 else ("medium" if good_fits else "low")
        basis = tuple(f.basis() for f in entry.figures)
        return Rating(model.id, name, entry.score, tier_for(entry.score, cuts), True, confidence, False, basis)
    if catalog is not None:
        from llmpick.quality.estimates import same_release_estimate

        estimate = same_release_estimate(model, index, catalog)
        if estimate is not None:
            score, sibling, entry = estimate
            basis = tuple(f.basis() | {"model": sibling.id} for f in entry.figures)
            note = f"a smaller model of the same release as {sibling.name}, capped at its score"
            return Rating(model.id, name, score, tier_for(score, cuts), False, "low", True, basis, note)
    benches = sorted(b.id for b in load_benchmarks().values() if b.task == name)
    note = f"no figure on {', '.join(benches)}" if benches else f"no {name} benchmark is imported yet"
    return Rating(model.id, name, None, None, False, "low", False, (), note)
