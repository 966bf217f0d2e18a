"""Ratings come from a model's own figures, name their benchmark and date, and unrated stays unrated."""

from __future__ import annotations

import pytest

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_builtin_catalog
from llmpick.engine.policy import load_policy
from llmpick.engine.quality import rate as engine_rate
from llmpick.errors import LlmpickError
from llmpick.quality import TASKS, rate, tier_gap
from llmpick.quality.rating import task_index


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_builtin_catalog()


def _all_ratings(catalog: Catalog):  # type: ignore[no-untyped-def]
    for model in catalog.models.values():
        for task in [t.value for t in model.tasks if t.value in TASKS]:
            yield model, rate(model, task, catalog)


def test_no_rating_comes_from_another_model(catalog: Catalog) -> None:
    for model, r in _all_ratings(catalog):
        if r.rated:
            entry = task_index(r.task).entries[model.id]
            assert {f.model for f in entry.figures} == {model.id}
        elif r.estimated:
            # the one labelled exception: a larger sibling of the same release, named in the basis
            sibling = catalog.models[r.basis[0]["model"]]
            assert sibling.family == model.family and sibling.release.date == model.release.date
            assert r.confidence == "low"


def test_every_rating_names_its_benchmark_value_source_and_date(catalog: Catalog) -> None:
    for _, r in _all_ratings(catalog):
        if r.score is None:
            continue
        assert r.basis
        for b in r.basis:
            assert b["benchmark"] and b["value"] is not None and b["source"].startswith("https://") and b["as_of"]
            assert f"{b['benchmark']} {b['value']:g} ({b['as_of']}" in r.summary


def test_unrated_is_unrated(catalog: Catalog) -> None:
    r = rate(catalog.models["gpt-6-luna"], "text", catalog)
    assert (r.score, r.tier, r.rated, r.estimated, r.basis) == (None, None, False, False, ())
    assert "unrated" in r.summary and tier_gap(r.tier, "good") is None


def test_successors_and_supersedes_play_no_part(catalog: Catalog) -> None:
    """GPT-5.6 Sol 'supersedes' GPT-4 Turbo in the catalog; its rating is its own LMArena figures."""
    sol = catalog.models["gpt-5.6-sol"]
    assert "gpt-4-turbo" in sol.supersedes
    r = rate(sol, "text", catalog)
    assert r.rated and {b["benchmark"] for b in r.basis} <= {"lmarena-text", "lmarena-text-raw"}
    assert all(b["source"] and b["as_of"] for b in r.basis)
    assert r.score != rate(catalog.models["gpt-4-turbo"], "text", catalog).score


def test_code_does_not_borrow_the_text_score(catalog: Catalog) -> None:
    sol = catalog.models["gpt-5.6-sol"]  # on the text arena, on no code leaderboard
    assert rate(sol, "text", catalog).rated
    code = rate(sol, "code", catalog)
    assert not code.rated and code.score is None


def test_an_estimate_is_labelled_low_and_never_above_the_measured_family(catalog: Catalog) -> None:
    estimates = [(m, r) for m, r in _all_ratings(catalog) if r.estimated]
    assert estimates, "expected at least one same-release estimate (e.g. Qwen3 8B)"
    for model, r in estimates:
        assert not r.rated and r.confidence == "low" and "estimated" in r.summary
        measured = [
            rate(s, r.task, catalog).score
            for s in catalog.models.values()
            if s.family == model.family and s.release.date == model.release.date and rate(s, r.task, catalog).rated
        ]
        assert r.score is not None and r.score <= min(s for s in measured if s is not None)


def test_confidence_is_high_on_the_primary_leaderboard_and_lower_through_a_weak_cross_walk(catalog: Catalog) -> None:
    assert rate(catalog.models["gpt-5"], "text", catalog).confidence == "high"
    # Qwen3.5 397B's only code figure is on the WebDev arena, mapped through a weak line (r² ≈ 0.3)
    assert rate(catalog.models["qwen3.5-397b-a17b"], "code", catalog).confidence == "low"


def test_an_unknown_task_is_refused_naming_the_allowed_ones(catalog: Catalog) -> None:
    with pytest.raises(LlmpickError, match="speech-to-text"):
        rate(catalog.models["gpt-5"], "poetry", catalog)


def test_the_engine_adapter_rates_the_main_task_by_default_and_a_given_task_on_request(catalog: Catalog) -> None:
    policy = load_policy()
    codestral = catalog.models["codestral"]
    assert engine_rate(codestral, policy, catalog).basis.startswith("unrated for code")
    gpt5 = engine_rate(catalog.models["gpt-5"], policy, catalog, task="code")
    assert gpt5.rated and gpt5.known and "lmarena-coding" in gpt5.basis and gpt5.confidence == "high"


def test_a_figure_from_a_boards_own_entry_names_it(catalog: Catalog) -> None:
    """A board may list a model at a setting (LiveBench's "-high" reasoning effort): the basis says which entry,
    so a reader can see that the price at the profile's output tokens does not include that effort."""
    named = [(model, r) for model, r in _all_ratings(catalog) if r.rated and any(b.get("entry") for b in r.basis)]
    assert named
    for model, r in named:
        for b in r.basis:
            if "entry" in b:
                assert b["entry"] != model.id
                assert f"as {b['entry']})" in r.summary
