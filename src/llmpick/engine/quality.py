"""A model's quality score (0..1) and tier, from the benchmark figures the catalog records."""

from __future__ import annotations

from dataclasses import dataclass

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Model
from llmpick.engine.policy import Policy

TIERS = ["basic", "good", "high", "frontier"]


@dataclass(frozen=True)
class QualityRating:
    score: float | None  # None: no usable benchmark figure in the catalog
    tier: str | None
    basis: str

    @property
    def known(self) -> bool:
        return self.score is not None


def rate(model: Model, policy: Policy, catalog: Catalog | None = None, *, task: str | None = None) -> QualityRating:
    """The model's own benchmark figure; failing that, the best figure of a model it replaces.

    A successor is at least as good as what it supersedes (vendors retire models in favour of
    better ones), so a new model with no published figure yet inherits its predecessor's rating,
    and the basis says so.
    """
    own = _own_rating(model, policy)
    if own.known or catalog is None:
        return own
    rated = [(p, _own_rating(p, policy)) for p in catalog.predecessors_of(model.id)]
    rated = [(p, r) for p, r in rated if r.known]
    if not rated:
        return own
    best, rating = max(rated, key=lambda pr: pr[1].score or 0.0)
    return QualityRating(
        rating.score, rating.tier, f"no figure of its own; rated as the model it replaces, {best.name}: {rating.basis}"
    )


def _own_rating(model: Model, policy: Policy) -> QualityRating:
    figures = {q.benchmark.value: q for q in model.quality}
    for name, scale in policy.quality.benchmarks.items():
        figure = figures.get(name)
        if figure is None:
            continue
        span = scale.ceiling - scale.floor
        score = min(1.0, max(0.0, (figure.score - scale.floor) / span))
        tier = "basic"
        for candidate in TIERS[1:]:
            if figure.score >= scale.tiers[candidate]:
                tier = candidate
        url = model.sources[figure.source].url
        return QualityRating(score, tier, f"{name} {figure.score:g} → {tier} ({url})")
    return QualityRating(None, None, "no benchmark figure in the catalog")


def tier_gap(actual: str | None, wanted: str) -> int:
    """How many tiers `actual` sits below `wanted` (0 when it meets it; unknown counts as 0)."""
    if actual is None:
        return 0
    return max(0, TIERS.index(wanted) - TIERS.index(actual))
