"""The engine's shortcuts change how much work a recommendation takes, never its answer.

- A rule with a scope is asked once per scope within an evaluation; its answer must equal asking every route.
- A model the model rules exclude is not sized; every route that survives, and every exclusion's rules apart
  from the hardware ones, must be what sizing every route gives.
"""

from __future__ import annotations

import datetime as dt

import pytest

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.engine import constraints as rules
from llmpick.engine.candidates import SELF_RUN, api_routes, enumerate_candidates
from llmpick.engine.evaluation import Run
from llmpick.engine.recommend import start_run
from llmpick.engine.stages import Stage, split_stages
from llmpick.presets import list_presets
from llmpick.profile import Profile

AS_OF = dt.date(2026, 12, 2)
PRESETS = {p.name: p.profile for p in list_presets()}
# Route-level rules: they read the hardware, so a route that was never sized cannot break them.
HARDWARE_RULES = {"hardware-fit", "capacity", "speed", "air-gap", "residency"}


def _context(run: Run, profile: Profile, stage: Stage) -> rules.RuleContext:
    return run.rule_context(profile, stage, shared=False)  # what Run.evaluate judges with, nothing remembered yet


@pytest.mark.parametrize("name", ["startup", "healthcare-legal", "air-gapped", "realtime-agents"])
def test_a_scoped_rule_answers_every_route_as_asking_it_alone_would(name: str) -> None:
    run, profile, _ = start_run(PRESETS[name], load_builtin_catalog(), AS_OF)
    stage = split_stages(profile.tasks)[0]
    candidates = enumerate_candidates(profile, stage, run.setting())
    shared = _context(run, profile, stage)
    assert len(candidates) > 500
    for candidate in candidates:
        alone = _context(run, profile, stage)  # a fresh context: nothing remembered
        assert rules.violations(candidate, shared, rules.STATIC_RULES) == rules.violations(
            candidate, alone, rules.STATIC_RULES
        ), candidate.label
    assert len(shared.answers) < len(candidates) * 3  # far fewer questions than routes × rules


@pytest.mark.parametrize("name", ["startup", "budget", "healthcare-legal", "enterprise-support", "research"])
def test_not_sizing_ruled_out_models_leaves_the_answer_as_it_was(name: str) -> None:
    run, profile, _ = start_run(PRESETS[name], load_builtin_catalog(), AS_OF)
    stage = split_stages(profile.tasks)[0]
    fast = run.evaluate(profile, stage)

    everything = enumerate_candidates(profile, stage, run.setting())  # every model sized
    ctx = _context(run, profile, stage)
    survivors_all = {c.label for c in everything if not rules.violations(c, ctx, rules.STATIC_RULES)}
    survivors_fast = {c.label for c in fast.survivors}
    survivors_fast |= {c.label for c, broken in fast.excluded if set(broken) <= set(rules.COST_RULES)}
    assert survivors_fast == survivors_all

    unsized = [(c, broken) for c, broken in fast.excluded if c.deployment in SELF_RUN and c.hardware is None]
    assert unsized, "the preset should rule out some open models before sizing"
    sized_rules: dict[tuple[str, str], set[str]] = {}
    for candidate in everything:
        if candidate.deployment in SELF_RUN:
            broken = rules.violations(candidate, ctx, rules.STATIC_RULES)
            sized_rules.setdefault((candidate.model.id, candidate.deployment), set()).update(broken)
    for candidate, broken in unsized:
        assert set(broken) <= set(rules.MODEL_RULES)
        full = sized_rules.get((candidate.model.id, candidate.deployment))
        if full is not None:  # the same model rules, plus whatever the hardware adds
            assert set(broken) == full - HARDWARE_RULES, candidate.model.id


def _changed(profile: Profile, section: str, field: str | None, value: object) -> Profile:
    if field is None:
        return profile.model_copy(update={section: value})
    part = getattr(profile, section)
    return profile.model_copy(update={section: part.model_copy(update={field: value})})


# One change to every field the scoped rules' shared memo leaves out of its key (UNREAD_BY_SCOPED_RULES).
UNREAD_CHANGES = [
    ("name", None, "another decision"),
    ("workload", "requests_per_day", 987_654),
    ("workload", "peak_concurrency", 333),
    ("workload", "hours_per_day", 3),
    ("workload", "cacheable_input_fraction", 0.9),
    ("workload", "batch_fraction", 0.7),
    ("budget", "monthly_usd", 1.0),
    ("budget", "upfront_usd", 0.0),
    ("team", "ml_expertise", "none"),
    ("team", "needs_vendor_support", True),
    ("team", "time_to_market", "fast"),
    ("assumptions", "gpu_utilization", 0.1),
    ("assumptions", "redundancy", True),
    ("preferences", "prefer", ["gpt-4o-mini"]),
    ("preferences", "avoid_vendor_lock_in", True),
]


def test_the_memo_key_leaves_out_only_fields_no_scoped_rule_reads() -> None:
    listed = {(s, f) for s, f, _ in UNREAD_CHANGES}
    for section, fields in rules.UNREAD_BY_SCOPED_RULES.items():
        expected = {(section, None)} if fields is True else {(section, f) for f in fields}  # type: ignore[union-attr]
        if fields is True:  # a whole section: at least one of its fields is changed below
            assert any(s == section for s, _ in listed), section
        else:
            assert expected <= listed, section


@pytest.mark.parametrize("name", ["startup", "healthcare-legal", "enterprise-support", "research"])
def test_profiles_that_differ_only_in_unread_fields_share_answers_equal_to_fresh_ones(name: str) -> None:
    catalog = load_builtin_catalog()
    base = PRESETS[name]
    run, profile, _ = start_run(base, catalog, AS_OF)
    run.evaluate(profile, split_stages(profile.tasks)[0])  # fills the shared memo
    for section, field_name, value in UNREAD_CHANGES:
        variant = _changed(base, section, field_name, value)
        run, profile, _ = start_run(variant, catalog, AS_OF)
        stage = split_stages(profile.tasks)[0]
        shared = run.rule_context(profile, stage)
        assert shared.answers, "the variant should reuse the base profile's answers"
        for candidate in enumerate_candidates(profile, stage, run.setting()):
            fresh = run.rule_context(profile, stage, shared=False)
            assert rules.violations(candidate, shared, rules.STATIC_RULES) == rules.violations(
                candidate, fresh, rules.STATIC_RULES
            ), (section, field_name, candidate.label)
        # the API routes' verdicts, kept whole from the base profile's evaluation, are the fresh ones too
        names = tuple(rules.STATIC_RULES)
        assert names in shared.verdicts, "the variant should reuse the base profile's verdicts"
        fresh = run.rule_context(profile, stage, shared=False)
        verdicts = rules.judge_api_routes(api_routes(catalog, stage), shared, names)
        assert len(verdicts.passed) + len(verdicts.excluded) == len(api_routes(catalog, stage))
        for candidate in verdicts.passed:
            assert not rules.violations(candidate, fresh, names), (section, field_name, candidate.label)
        for candidate, broken in verdicts.excluded:
            assert broken == rules.violations(candidate, fresh, names), (section, field_name, candidate.label)


def test_exclusion_entries_kept_between_runs_are_shared_frozen_and_equal_to_fresh_ones() -> None:
    """Profiles that differ in volume exclude mostly the same routes for the same reasons: the entries are kept
    and shared, never changed, and the list is what building every entry afresh gives."""
    from pydantic import ValidationError

    from llmpick.engine import recommend as engine
    from llmpick.engine.recommend import _ENTRIES, _SHARED_ENTRIES

    catalog, base = load_builtin_catalog(), PRESETS["startup"]
    first = engine(base, catalog, as_of=AS_OF)
    busier = base.model_copy(update={"workload": base.workload.model_copy(update={"requests_per_day": 123_457})})
    second = engine(busier, catalog, as_of=AS_OF)
    kept = {id(entry) for entry in first.excluded}
    shared = sum(id(entry) in kept for entry in second.excluded)
    assert shared > len(second.excluded) // 2  # most entries are the very same objects
    with pytest.raises(ValidationError, match="frozen"):
        second.excluded[0].reasons = []
    _ENTRIES.clear()
    _SHARED_ENTRIES.clear()
    fresh = engine(busier, catalog, as_of=AS_OF)
    assert fresh.excluded == second.excluded and fresh.to_json() == second.to_json()
    assert not {id(entry) for entry in fresh.excluded} & {id(entry) for entry in second.excluded}


def test_api_routes_shared_by_every_run_are_never_written_to() -> None:
    """API routes are made once per catalog and stage; a run prices and costs a copy, never the shared route."""
    from llmpick.engine import recommend as engine
    from llmpick.engine.candidates import _stage_models

    catalog = load_builtin_catalog()
    for name in ("startup", "budget", "healthcare-legal", "enterprise-support"):
        engine(PRESETS[name], catalog, as_of=AS_OF)  # budget and healthcare-legal plan hybrids (more evaluations)
        stage = split_stages(PRESETS[name].tasks)[0]
        shared = [c for _, routes in _stage_models(catalog, stage) for c in routes]
        assert len(shared) > 300
        assert all(c.price is None and c.cost is None and not c.notes for c in shared)
        assert _stage_models(catalog, stage)[0][1] is _stage_models(catalog, stage)[0][1]  # the same objects


def test_a_route_excluded_both_by_the_shared_verdicts_and_later_is_one_merged_entry() -> None:
    """The shared API exclusions are made once per scoped view; should a route key also be excluded later in the
    same evaluation, the list still holds one entry for it with both rules."""
    import copy

    from llmpick.engine.evaluation import StageOutcome
    from llmpick.engine.recommend import _exclusions

    catalog = load_builtin_catalog()
    stage = split_stages(PRESETS["startup"].tasks)[0]
    route, other = api_routes(catalog, stage)[:2]
    shared = [(route, {"quality": ["rated basic"]}), (other, {"status": ["retired"]})]
    outcome = StageOutcome(stage, [], {}, [*shared, (copy.copy(route), {"budget": ["over budget"]})], shared)
    entries = _exclusions(outcome)
    assert [
        (e.model, e.rules, e.reasons) for e in entries if e.model == route.model.id and e.provider == route.provider.id
    ] == [(route.model.id, ["budget", "quality"], ["over budget", "rated basic"])]
    assert len(entries) == 2
