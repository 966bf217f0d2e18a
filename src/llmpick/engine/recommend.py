"""The decision pipeline: profile → candidates → constraints → costs → scores → verdicts → recommendation.

Each step is a plain function over typed data; this module only wires them together.
The same profile, catalog and as-of date always give the same recommendation (no randomness; the clock is read
only when no as-of date is given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from pydantic import TypeAdapter

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_builtin_catalog
from llmpick.engine.candidates import Candidate
from llmpick.engine.context import apply_industry, today
from llmpick.engine.curves import break_even_for, curves_for
from llmpick.engine.evaluation import Run, StageOutcome, shortlist
from llmpick.engine.finetuning import add_fine_tuning_fit
from llmpick.engine.hybrid import plan_hybrid
from llmpick.engine.infeasible import explain_infeasible
from llmpick.engine.policy import load_policy
from llmpick.engine.result import Exclusion, Framework, PrecisionVerdict, Recommendation, Route, StagePlan
from llmpick.engine.scoring import weights_for
from llmpick.engine.stages import split_stages
from llmpick.engine.verdicts import (
    deployment_verdict,
    openness_verdict,
    precision_verdict,
    speed_verdict,
    task_verdict,
)
from llmpick.memo import RecordMemo
from llmpick.profile import Profile, check_against_catalog
from llmpick.sizing.cost import resolve_assumptions

FINE_TUNING_CHOICES = ("lora", "qlora", "full-fine-tune", "pretrain")


def start_run(profile: Profile, catalog: Catalog, as_of: dt.date | None = None) -> tuple[Run, Profile, list[str]]:
    """The run context every command shares (recommend, cost, benchmarks): see `_start`."""
    run, profile, notes, _ = _start(profile, catalog, as_of)
    return run, profile, notes


def _start(
    profile: Profile, catalog: Catalog, as_of: dt.date | None
) -> tuple[Run, Profile, list[str], PrecisionVerdict]:
    """The profile as its industry tightens it, the precision verdict (decided once: it tells the run whether the
    strategy fine-tunes), the speed target and the service kind, at the as-of date."""
    check_against_catalog(profile, catalog.hardware, profile.name)
    policy = load_policy()
    profile, notes = apply_industry(profile, policy)
    precision = precision_verdict(profile, policy, catalog)
    run = Run.start(
        profile,
        catalog,
        policy,
        resolve_assumptions(profile.assumptions),
        needs_fine_tuning=precision.choice in FINE_TUNING_CHOICES,
        as_of=as_of or today(),
    )
    return run, profile, notes, precision


def recommend(
    profile: Profile, catalog: Catalog | None = None, *, top: int = 5, as_of: dt.date | None = None
) -> Recommendation:
    """Turn a requirements profile into a ranked, explained, costed recommendation at `as_of` (default: today)."""
    catalog = catalog or load_builtin_catalog()
    run, profile, notes, precision = _start(profile, catalog, as_of)
    policy = run.policy
    stages = split_stages(profile.tasks)

    outcomes = [run.evaluate(profile, stage) for stage in stages]
    primary = outcomes[0]
    best = shortlist(primary, top)
    if run.needs_fine_tuning and primary.stage.is_language:
        best = _trainable_first(best, precision.choice, profile, run)
    routes = [run.route(c, rank, primary, profile) for rank, c in enumerate(best, start=1)]
    if run.needs_fine_tuning:
        for route, candidate in zip(routes, best, strict=True):
            add_fine_tuning_fit(route, candidate, precision.choice, profile, run)

    stage_plans = [
        StagePlan(
            stage=o.stage.name,
            tasks=[t.value for t in o.stage.tasks],
            routes=[run.route(c, rank, o, profile) for rank, c in enumerate(shortlist(o, 3), start=1)],
            excluded=len(o.excluded),
        )
        for o in sorted(outcomes[1:], key=lambda o: o.stage.position)
    ]
    first = best[0] if best else None
    framework = Framework(
        openness=openness_verdict(
            profile, first.model.openness.value if first else None, first.model.name if first else None
        ),
        task=task_verdict(profile, stages, _pipeline(outcomes)),
        precision=precision,
        deployment=deployment_verdict(profile, first.deployment if first else None, first.label if first else None),
        speed=speed_verdict(run.speed),
    )
    total = _pipeline_total(routes, stage_plans)
    budget = profile.budget.monthly_usd
    if stage_plans and budget is not None and total is not None and total > budget:
        # each stage met the budget alone; the budget is for the whole pipeline
        framework.task.reasons.append(
            f"the pipeline's #1 routes together cost about ${total:,.0f} a month, above budget.monthly_usd "
            f"${budget:,.0f}: pick cheaper stages from each shortlist or raise the budget"
        )
    hybrid = plan_hybrid(run, profile, primary)
    infeasible = None if best else explain_infeasible(run, profile, primary)
    _, fired = weights_for(profile, policy)
    return Recommendation(
        as_of=run.as_of.isoformat(),
        catalog_as_of=catalog.as_of.isoformat(),
        catalog_version=catalog.version,
        profile_name=profile.name,
        framework=framework,
        recommendations=routes,
        hybrid=hybrid,
        pipeline=stage_plans,
        excluded=_exclusions(primary),
        infeasible=infeasible,
        cost_curves=curves_for(best, primary.survivors, profile, run),
        break_even=break_even_for(primary.survivors, profile, run),
        assumptions=_assumption_notes(run, notes, fired),
        pipeline_monthly_cost_usd=total,
        service=run.service.kind,
    )


def _trainable_first(best: list[Candidate], choice: str, profile: Profile, run: Run) -> list[Candidate]:
    """When the strategy fine-tunes, a route that can be trained somewhere the profile allows ranks above one
    that cannot (the order among each group is the score's)."""
    from llmpick.engine.finetuning import training_plan

    return sorted(best, key=lambda c: 0 if training_plan(c, choice, profile, run).feasible else 1)


def _pipeline(outcomes: list[StageOutcome]) -> list[str]:
    if len(outcomes) < 2:
        return []
    steps = []
    for outcome in sorted(outcomes, key=lambda o: o.stage.position):
        best = outcome.survivors[0] if outcome.survivors else None
        steps.append(
            f"{outcome.stage.name}: {best.label}" if best else f"{outcome.stage.name}: no route meets the constraints"
        )
    return steps


def _pipeline_total(routes: list[Route], stages: list[StagePlan]) -> float | None:
    """The monthly cost of the whole pipeline: the #1 route of every stage (None when any is unknown or missing)."""
    if not stages:
        return None
    tops = [routes[0] if routes else None, *(s.routes[0] if s.routes else None for s in stages)]
    if any(r is None or r.monthly_cost_usd is None for r in tops):
        return None
    return round(sum(r.monthly_cost_usd for r in tops if r is not None and r.monthly_cost_usd is not None), 2)


def _exclusions(outcome: StageOutcome) -> list[Exclusion]:
    """One entry per (model, provider, deployment): hardware variants of the same route are merged."""
    # The API routes the rules exclude whatever the volume are the same list for every profile with the same
    # scoped view (`StageOutcome.shared_excluded`): their entries are made once for it.
    head = outcome.shared_excluded
    shared = _SHARED_ENTRIES.get((head,), None, lambda: _entries(head))
    own = _entries(outcome.excluded[len(head) :])
    if not shared.keys().isdisjoint(own.keys()):  # one route key on both sides: merge them as one list
        return [entry for _, entry in sorted(_entries(outcome.excluded).items(), key=_by_route)]
    return [entry for _, entry in sorted([*shared.items(), *own.items()], key=_by_route)]


RouteKey = tuple[str, str, str]


def _by_route(item: tuple[RouteKey, Exclusion]) -> RouteKey:
    return item[0]


def _entries(excluded: list[tuple[Candidate, dict[str, list[str]]]]) -> dict[RouteKey, Exclusion]:
    """{(model, provider, deployment): its entry} for these excluded routes."""
    # Most keys have one route: its {rule: reasons} from `violations` is used as it is (read only: the reasons
    # lists are the rules' shared answers). A key met again gets rule → ordered set of reasons (a dict) to merge.
    merged: dict[RouteKey, Mapping[str, Iterable[str]]] = {}
    for candidate, broken in excluded:
        key = (candidate.model.id, candidate.provider.id if candidate.provider else "", candidate.deployment)
        rules = merged.get(key)
        if rules is None:
            merged[key] = broken
            continue
        if not isinstance(rules, _Merged):
            rules = merged[key] = _Merged({name: dict.fromkeys(reasons) for name, reasons in rules.items()})
        for name, reasons in broken.items():
            seen = rules.get(name)
            if seen is None:
                rules[name] = dict.fromkeys(reasons)
            else:
                seen.update(dict.fromkeys(reasons))
    # An entry is kept between runs (frozen, never changed): profiles that differ in volume or budget exclude
    # mostly the same routes for the same reasons, and validating a thousand entries is most of this step.
    found: dict[RouteKey, Exclusion | None] = {}
    new: list[tuple[RouteKey, tuple[str, ...], dict[str, Any]]] = []
    for key, rules in merged.items():
        model, provider, deployment = key
        names = sorted(rules)
        reasons = [reason for name in names for reason in _distinct(rules[name])]
        kept: tuple[str, ...] = (model, provider, deployment, *names, "", *reasons)
        entry = _ENTRIES.get(kept)
        if entry is None:
            row = {"model": model, "provider": provider or None, "deployment": deployment}
            new.append((key, kept, row | {"rules": names, "reasons": reasons}))
        found[key] = entry
    if new:
        if len(_ENTRIES) + len(new) > _ENTRIES_LIMIT:
            _ENTRIES.clear()
        # validated in one call into pydantic-core: a thousand model __init__ calls cost nearly twice as much
        for (key, kept, _), entry in zip(new, _EXCLUSION_LIST.validate_python([row for _, _, row in new]), strict=True):
            found[key] = _ENTRIES[kept] = entry
    return cast(dict[RouteKey, Exclusion], found)


_SHARED_ENTRIES: RecordMemo[dict[RouteKey, Exclusion]] = RecordMemo(limit=64)  # as many as scoped views kept
_ENTRIES: dict[tuple[str, ...], Exclusion] = {}
_ENTRIES_LIMIT = 20_000  # entries kept (~1.3 KB each with its key, measured: ~25 MB at most); then start afresh


class _Merged(dict[str, dict[str, None]]):
    """A key's reasons merged from several routes (an ordered set per rule)."""


def _distinct(reasons: Iterable[str]) -> Iterable[str]:
    """The reasons without repeats, in order (a rule rarely gives more than one)."""
    if isinstance(reasons, list) and len(reasons) < 2:
        return reasons
    return dict.fromkeys(reasons)


_EXCLUSION_LIST: TypeAdapter[list[Exclusion]] = TypeAdapter(list[Exclusion])


def _assumption_notes(run: Run, notes: list[str], fired: list[str]) -> list[str]:
    out: list[str] = [*notes, *run.assumptions.describe()]
    service = run.service
    out.append(
        f"workload kind: {service.kind}"
        + (f" ({'; '.join(service.reasons)})" if service.reasons else "")
        + (" — consumer cards and laptops are not bought for it" if service.kind == "service" else "")
    )
    if fired:
        out.append("weights raised by: " + ", ".join(fired))
    return out
