"""The per-task index: every series normalised on its own scale, then mapped onto the task's primary series.

A series is one benchmark published on one date. The primary series of a task is the one with the
most models among those on a 0..1 scale. Each other series is placed by data, never assumed equal: another date of the primary
Elo leaderboard by the median rating gap on the models both hold (at least MIN_SHARED_OFFSET), a
different benchmark by a straight line fitted on the models it shares with what is already mapped
(at least MIN_SHARED). Series are added best-anchored first, so a chain of snapshots links up. A
model's index value is the mean of its mapped figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from llmpick.quality.benchmarks import Benchmark
from llmpick.quality.figures import Figure

Series = tuple[str, "dt.date | None"]
MIN_SHARED = 5  # models a linear cross-walk between two benchmarks is fitted on, at least
MIN_SHARED_OFFSET = 3  # models that pin the shift between two dates of one Elo leaderboard, at least


@dataclass(frozen=True)
class Fit:
    """How one series lands on the index.

    primary: the index is the series itself. offset: the same Elo leaderboard at another date; its
    ratings shift by `intercept` Elo points (the median gap on shared models) before normalising.
    linear: another benchmark; index = intercept + slope × normalised figure (least squares).
    `shared` models anchor the fit; r2 is the squared correlation on them.
    """

    series: Series
    kind: str
    slope: float
    intercept: float
    shared: int
    r2: float

    def apply(self, value: float, bench: Benchmark) -> float:
        if self.kind == "offset":
            return bench.normalise(value + self.intercept)
        return self.intercept + self.slope * bench.normalise(value)

    @property
    def primary(self) -> bool:
        return self.kind == "primary"


@dataclass(frozen=True)
class Entry:
    model: str
    score: float
    figures: tuple[Figure, ...]
    fits: tuple[Fit, ...]


@dataclass
class TaskIndex:
    task: str
    primary: Series | None
    fits: dict[Series, Fit] = field(default_factory=dict)
    unfitted: list[Series] = field(default_factory=list)  # series sharing too few models with the index
    entries: dict[str, Entry] = field(default_factory=dict)


def build_task_index(
    figures: Iterable[Figure], benchmarks: dict[str, Benchmark], task: str, exclude: frozenset[Series] = frozenset()
) -> TaskIndex:
    series: dict[Series, dict[str, Figure]] = {}
    for f in figures:
        bench = benchmarks.get(f.benchmark)
        if f.vendor_reported or bench is None or bench.task != task or f.series in exclude:
            continue
        series.setdefault(f.series, {})[f.model] = f
    if not series:
        return TaskIndex(task, None)
    # the primary scale is 0..1 by construction (a win rate, a share solved); an index on a scale of its own
    # (`index` kind) is always mapped onto it, never the scale itself
    scales = [s for s in series if benchmarks[s[0]].kind != "index"]
    if not scales:
        return TaskIndex(task, None, unfitted=list(series))
    primary = max(scales, key=lambda s: (len(series[s]), s[1] or dt.date.min))
    index = TaskIndex(task, primary)
    lead = benchmarks[primary[0]]
    mapped: dict[str, list[tuple[float, Figure, Fit]]] = {}
    elo_pool: dict[str, list[float]] = {}  # the primary leaderboard's ratings, later dates shifted onto it

    def add(s: Series, fit: Fit) -> None:
        index.fits[s] = fit
        for model, fig in series[s].items():
            mapped.setdefault(model, []).append((fit.apply(fig.value, benchmarks[fig.benchmark]), fig, fit))
            if fit.kind in ("primary", "offset"):
                elo_pool.setdefault(model, []).append(fig.value + fit.intercept)

    add(primary, Fit(primary, "primary", 1.0, 0.0, len(series[primary]), 1.0))
    pending = [s for s in series if s != primary]
    while pending:
        candidates = [_try_fit(s, series[s], benchmarks, lead, mapped, elo_pool) for s in pending]
        fits = [f for f in candidates if f is not None]
        # best anchored first: a date shift of the primary leaderboard, then the most shared models
        fit = max(fits, key=lambda f: (f.kind == "offset", f.shared, f.series[1] or dt.date.min), default=None)
        if fit is None:
            break
        pending.remove(fit.series)
        add(fit.series, fit)
    index.unfitted.extend(pending)
    for model, values in mapped.items():
        score = min(1.0, max(0.0, _mean(v for v, _, _ in values)))
        index.entries[model] = Entry(model, score, tuple(f for _, f, _ in values), tuple(t for _, _, t in values))
    return index


def _try_fit(
    s: Series,
    figs: dict[str, Figure],
    benchmarks: dict[str, Benchmark],
    lead: Benchmark,
    mapped: dict[str, list[tuple[float, Figure, Fit]]],
    elo_pool: dict[str, list[float]],
) -> Fit | None:
    if s[0] == lead.id and lead.kind == "elo":
        shared = _distinct(figs, elo_pool.keys())
        if len(shared) < MIN_SHARED_OFFSET:
            return None
        xs = [figs[m].value for m in shared]
        ys = [_mean(elo_pool[m]) for m in shared]
        gap = statistics.median(y - x for x, y in zip(xs, ys, strict=True))
        return Fit(s, "offset", 1.0, gap, len(shared), _r2(xs, ys))
    shared = _distinct(figs, mapped.keys())
    if len(shared) < MIN_SHARED:
        return None
    bench = benchmarks[s[0]]
    xs = [bench.normalise(figs[m].value) for m in shared]
    ys = [_mean(v for v, _, _ in mapped[m]) for m in shared]
    return _fit(s, xs, ys)


def _distinct(figs: dict[str, Figure], known: Iterable[str]) -> list[str]:
    """Models both hold, one per source entry: a model the catalog lists under two ids is one point, not two."""
    seen: set[str] = set()
    out = []
    for model in sorted(figs.keys() & set(known)):
        entry = figs[model].entry or model
        if entry not in seen:
            seen.add(entry)
            out.append(model)
    return out


def _fit(series: Series, xs: list[float], ys: list[float]) -> Fit | None:
    """Least-squares line; None when the series does not rise with the index (no usable cross-walk)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    if sxx == 0 or sxy <= 0:
        return None
    slope = sxy / sxx
    return Fit(series, "linear", slope, my - slope * mx, n, _r2(xs, ys))


def _r2(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return (sxy * sxy) / (sxx * syy) if sxx and syy else 1.0


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items)


def spearman(a: list[float], b: list[float]) -> float | None:
    """Spearman's rank correlation (average ranks for ties); None below three pairs."""
    if len(a) != len(b) or len(a) < 3:
        return None
    ra, rb = _ranks(a), _ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else None


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks
