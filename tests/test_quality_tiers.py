"""Tier cut-offs in policy.yaml are the index scores of named reference models, re-derived here."""

from __future__ import annotations

import pytest

from llmpick.engine.policy import load_policy
from llmpick.quality import TIERS, tier_gap
from llmpick.quality.rating import task_index
from llmpick.quality.tiers import tier_for

CUTS = [(task, tier, cut) for task, tiers in load_policy().quality.tiers.items() for tier, cut in tiers.items()]


@pytest.mark.parametrize(("task", "tier", "cut"), CUTS, ids=[f"{t}-{n}" for t, n, _ in CUTS])
def test_each_cut_off_is_its_reference_models_current_score(task: str, tier: str, cut) -> None:  # type: ignore[no-untyped-def]
    entry = task_index(task).entries.get(cut.reference)
    assert entry is not None, f"{cut.reference} has no {task} figure any more: pick another reference"
    assert round(entry.score, 3) == pytest.approx(cut.score), f"policy.yaml quality.tiers.{task}.{tier}.score"


@pytest.mark.parametrize("task", sorted(load_policy().quality.tiers))
def test_cut_offs_rise_with_the_tier(task: str) -> None:
    cuts = load_policy().quality.tiers[task]
    scores = [cuts[t].score for t in TIERS if t in cuts]
    assert scores == sorted(scores) and len(set(scores)) == len(scores)


def test_a_reference_model_meets_its_own_tier() -> None:
    for task, tiers in load_policy().quality.tiers.items():
        cuts = {t: c.score for t, c in tiers.items()}
        for tier, cut in tiers.items():
            assert tier_for(task_index(task).entries[cut.reference].score, cuts) == tier


def test_tier_gap_counts_tiers_below_and_none_when_unrated() -> None:
    assert tier_gap("good", "frontier") == 2
    assert tier_gap("frontier", "good") == 0
    assert tier_gap(None, "high") is None
    with pytest.raises(ValueError, match="basic, good, high, frontier"):
        tier_gap("good", "perfect")
