"""The decision pipeline: profile → candidates → constraints → costs → scores → verdicts → recommendation.

Each step is a plain function over typed data; this module only wires them together.
The same profile and catalog always give the same recommendation (no clocks, no randomness).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_builtin_catalog
from llmpick.engine import constraints as rules
from llmpick.engine.candidates import Candidate, enumerate_candidates
from llmpick.engine.costing import capacity_note, route_cost
from llmpick.engine.curves import break_even_for, curves_for
from llmpick.engine.finetuning import add_fine_tuning_fit
from llmpick.engine.hybrid import plan_hybrid
from llmpick.engine.infeasible import explain_infeasible
from llmpick.engine.policy import Policy, load_policy
from llmpick.engine.result import Exclusion, Framework, Recommendation, Route, StagePlan
from llmpick.engine.routes import to_route
from llmpick.engine.scoring import Scored, score, weights_for
from llmpick.engine.stages import Stage, split_stages
from llmpick.engine.verdicts import (
    deployment_verdict,
    openness_verdict,
    precision_verdict,
    speed_verdict,
    task_verdict,
)
from llmpick.profile import Profile, check_against_catalog
from llmpick.sizing.cost import Assumptions, resolve_assumptions

FINE_TUNING_CHOICES = ("lora", "qlora", "full-fine-tune", "pretrain")


@dataclass
class StageOutcome:
    """What survived the rules for one pipeline stage, best first, and what did not and why."""

    stage: Stage
    survivors: list[Candidate]
    scores: dict[int, Scored]
    excluded: list[tuple[Candidate, dict[str, list[str]]]] = field(default_factory=list)

    def scored(self, candidate: Candidate) -> Scored:
        return self.scores[id(candidate)]


def evaluate_stage(
    profile: Profile,
    catalog: Catalog,
    policy: Policy,
    stage: Stage,
    assumptions: Assumptions,
    *,
    needs_fine_tuning: bool,
    skip_rules: frozenset[str] = frozenset(),
) -> StageOutcome:
    ctx = rules.RuleContext(profile, catalog, policy, stage, needs_fine_tuning)
    tasks = [t.value for t in stage.tasks]
    active_static = [r for r in rules.STATIC_RULES if r not in skip_rules]
    passed: list[Candidate] = []
    excluded: list[tuple[Candidate, dict[str, list[str]]]] = []
    for candidate in enumerate_candidates(profile, catalog, stage, policy):
        broken = rules.violations(candidate, ctx, active_static)
        if broken:
            excluded.append((candidate, broken))
            continue
        candidate.cost = route_cost(candidate, profile.workload, tasks, assumptions)
        passed.append(candidate)
    survivors: list[Candidate] = []
    active_cost = [r for r in rules.COST_RULES if r not in skip_rules]
    for candidate in passed:
        broken = rules.violations(candidate, ctx, active_cost)
        if broken:
            excluded.append((candidate, broken))
        else:
            survivors.append(candidate)
    scores = score(survivors, profile, policy, catalog)
    survivors.sort(key=lambda c: (-scores[id(c)].total, c.label))
    return StageOutcome(stage, survivors, scores, excluded)


def shortlist(outcome: StageOutcome, top: int) -> list[Candidate]:
    """The best `top` routes, at most one per (model, deployment) so the list shows real alternatives."""
    seen: set[tuple[str, str]] = set()
    picked: list[Candidate] = []
    for candidate in outcome.survivors:
        key = (candidate.model.id, candidate.deployment)
        if key in seen:
            continue
        seen.add(key)
        picked.append(candidate)
        if len(picked) == top:
            break
    return picked


def recommend(profile: Profile, catalog: Catalog | None = None, *, top: int = 5) -> Recommendation:
    """Turn a requirements profile into a ranked, explained, costed recommendation."""
    catalog = catalog or load_builtin_catalog()
    check_against_catalog(profile, catalog.hardware, profile.name)
    policy = load_policy()
    assumptions = resolve_assumptions(profile.assumptions)
    stages = split_stages(profile.tasks)
    precision = precision_verdict(profile, policy, catalog)
    needs_ft = precision.choice in FINE_TUNING_CHOICES

    outcomes = [
        evaluate_stage(profile, catalog, policy, stage, assumptions, needs_fine_tuning=needs_ft and stage.is_language)
        for stage in stages
    ]
    primary = outcomes[0]
    best = shortlist(primary, top)
    routes = [_route(c, rank, primary, profile, catalog, policy) for rank, c in enumerate(best, start=1)]
    if needs_ft:
        for route, candidate in zip(routes, best, strict=True):
            add_fine_tuning_fit(route, candidate, precision.choice, profile)

    pipeline = _pipeline(outcomes)
    first = best[0] if best else None
    framework = Framework(
        openness=openness_verdict(
            profile, first.model.openness.value if first else None, first.model.name if first else None
        ),
        task=task_verdict(profile, stages, pipeline),
        precision=precision,
        deployment=deployment_verdict(profile, first.deployment if first else None, first.label if first else None),
        speed=speed_verdict(profile, policy),
    )
    hybrid = plan_hybrid(profile, catalog, policy, assumptions, primary, needs_ft, evaluate_stage, _route)
    infeasible = (
        None if best else explain_infeasible(profile, catalog, policy, assumptions, primary, needs_ft, evaluate_stage)
    )
    _, fired = weights_for(profile, policy)
    return Recommendation(
        catalog_as_of=catalog.as_of.isoformat(),
        catalog_version=catalog.version,
        profile_name=profile.name,
        framework=framework,
        recommendations=routes,
        hybrid=hybrid,
        pipeline=[
            StagePlan(
                stage=o.stage.name,
                tasks=[t.value for t in o.stage.tasks],
                routes=[
                    _route(c, rank, o, profile, catalog, policy) for rank, c in enumerate(shortlist(o, 3), start=1)
                ],
            )
            for o in sorted(outcomes[1:], key=lambda o: o.stage.position)
        ],
        excluded=_exclusions(primary),
        infeasible=infeasible,
        cost_curves=curves_for(best, primary.survivors, profile, assumptions, policy, catalog),
        break_even=break_even_for(primary.survivors, profile, assumptions, policy, catalog),
        assumptions=_assumption_notes(assumptions, fired),
    )


def _route(
    candidate: Candidate, rank: int, outcome: StageOutcome, profile: Profile, catalog: Catalog, policy: Policy
) -> Route:
    route = to_route(candidate, rank, outcome.scored(candidate), profile, catalog, policy)
    note = capacity_note(candidate, profile.workload)
    if note:
        route.caveats.append(note)
    return route


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


def _exclusions(outcome: StageOutcome) -> list[Exclusion]:
    """One entry per (model, provider, deployment): hardware variants of the same route are merged."""
    merged: dict[tuple[str, str | None, str], dict[str, list[str]]] = defaultdict(dict)
    for candidate, broken in outcome.excluded:
        key = (candidate.model.id, candidate.provider.id if candidate.provider else None, candidate.deployment)
        for name, reasons in broken.items():
            bucket = merged[key].setdefault(name, [])
            bucket.extend(r for r in reasons if r not in bucket)
    return [
        Exclusion(
            model=model,
            provider=provider,
            deployment=deployment,
            rules=sorted(broken),
            reasons=[reason for name in sorted(broken) for reason in broken[name]],
        )
        for (model, provider, deployment), broken in sorted(
            merged.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
        )
    ]


def _assumption_notes(assumptions: Assumptions, fired: list[str]) -> list[str]:
    notes = assumptions.describe()
    if fired:
        notes.append("weights raised by: " + ", ".join(fired))
    return notes
