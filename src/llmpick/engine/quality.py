"""The engine's view of quality: a thin adapter over llmpick.quality (the per-task index).

A model is rated for one task (by default its main one) from its own benchmark figures only;
without them it is unrated (score None), unless a labelled same-release estimate applies.
`supersedes` and successors play no part: they are lifecycle, not quality.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from llmpick import quality
from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Model
from llmpick.engine.policy import Policy
from llmpick.memo import RecordMemo

TIERS = list(quality.TIERS)


@dataclass(frozen=True)
class QualityRating:
    score: float | None  # None: unrated for the task (no figure of its own, no estimate)
    tier: str | None
    basis: str  # one line: the figures and dates behind the score, or why there is none
    rated: bool = False  # measured on a benchmark of the task (an estimate is not)
    confidence: str = "low"  # high, medium or low

    @property
    def known(self) -> bool:
        return self.score is not None


_RATED: RecordMemo[QualityRating] = RecordMemo()


def rate(model: Model, policy: Policy, catalog: Catalog | None = None, task: str | Enum | None = None) -> QualityRating:
    """The model's quality for `task` (default: its main task), with the policy's tier cut-offs.

    Cached per (model record, policy, catalog, task): every rule, score and reason of a run asks again."""
    name = quality.rating.task_name(task) if task is not None else quality.main_task(model)
    return _RATED.get((model, policy, catalog), name, lambda: _rate(model, policy, catalog, name))


def _rate(model: Model, policy: Policy, catalog: Catalog | None, name: str) -> QualityRating:
    r = quality.rate(model, name, catalog, tier_cuts(policy, name, catalog))
    return QualityRating(r.score, r.tier, r.summary, r.rated, r.confidence)


_CUTS: RecordMemo[dict[str, float]] = RecordMemo(limit=64)


def tier_cuts(policy: Policy, task: str, catalog: Catalog | None = None) -> dict[str, float]:
    """The task's tier cut-offs. The policy stores them as its reference models' scores on the shipped index;
    when a catalog overlay adds leaderboards, the index is refitted and each cut moves with its reference."""
    stored = policy.quality.tiers.get(task, {})
    if catalog is None or not catalog.leaderboards:
        return {tier: cut.score for tier, cut in stored.items()}
    references = {tier: (cut.reference, cut.score) for tier, cut in stored.items()}
    return _CUTS.get(
        (policy, catalog),
        task,
        lambda: quality.rating.derive_cuts(quality.rating.index_for(task, catalog), references),
    )


def tier_gap(actual: str | None, wanted: str) -> int:
    """How many tiers `actual` sits below `wanted` (0 when it meets it; unrated counts as 0 here)."""
    return quality.tier_gap(actual, wanted) or 0
