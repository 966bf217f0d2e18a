"""A model's quality score (0..1) and tier, from the benchmark figures the catalog records."""

from __future__ import annotations

from dataclasses import dataclass

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


def rate(model: Model, policy: Policy) -> QualityRating:
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
