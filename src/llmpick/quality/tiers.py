"""Quality tiers: basic < good < high < frontier, cut per task at the scores of named reference models."""

from __future__ import annotations

TIERS = ("basic", "good", "high", "frontier")
ROUNDING = 5e-4  # cut-offs are stored to three decimals: a reference model always meets its own tier


def tier_for(score: float, cuts: dict[str, float]) -> str:
    """The highest tier whose cut-off the score reaches (basic when it reaches none)."""
    tier = "basic"
    for name in TIERS[1:]:
        if name in cuts and score >= cuts[name] - ROUNDING:
            tier = name
    return tier


def tier_gap(actual: str | None, wanted: str) -> int | None:
    """How many tiers `actual` sits below `wanted` (0 when it meets it); None when unrated."""
    if wanted not in TIERS:
        raise ValueError(f"quality tier {wanted!r} is not one of {', '.join(TIERS)}")
    if actual is None:
        return None
    return max(0, TIERS.index(wanted) - TIERS.index(actual))
