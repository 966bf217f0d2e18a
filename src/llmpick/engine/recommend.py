"""The decision pipeline: profile → candidates → constraints → costs → scores → verdicts → recommendation.

Each step is a plain function over typed data; this module only wires them together.
The same profile and catalog always give the same recommendation (no clocks, no randomness).
"""

from __future__ import annotations

from collections import defaultdict

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_builtin_catalog
from llmpick.engine.curves import break_even_for, curves_for
from llmpick.engine.evaluation import Run, StageOutcome, shortlist
from llmpick.engine.finetuning import add_fine_tuning_fit
from llmpick.engine.hybrid import plan_hybrid
from llmpick.engine.infeasible import explain_infeasible
from llmpick.engine.policy import load_policy
from llmpick.engine.result import Exclusion, Framework, Recommendation, StagePlan
from llmpick.engine.scoring import weights_for
from llmpick.engine.stages import split_stages
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


def recommend(profile: Profile, catalog: Catalog | None = None, *, top: int = 5) -> Recommendation:
    """Turn a requirements profile into a ranked, explained, costed recommendation."""
    catalog = catalog or load_builtin_catalog()
    check_against_catalog(profile, catalog.hardware, profile.name)
    policy = load_policy()
    assumptions = resolve_assumptions(profile.assumptions)
    stages = split_stages(profile.tasks)
    precision = precision_verdict(profile, policy, catalog)
    needs_ft = precision.choice in FINE_TUNING_CHOICES

    run = Run(catalog, policy, assumptions, needs_ft)
    outcomes = [run.evaluate(profile, stage) for stage in stages]
    primary = outcomes[0]
    best = shortlist(primary, top)
    routes = [run.route(c, rank, primary, profile) for rank, c in enumerate(best, start=1)]
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
    hybrid = plan_hybrid(run, profile, primary)
    infeasible = None if best else explain_infeasible(run, profile, primary)
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
                routes=[run.route(c, rank, o, profile) for rank, c in enumerate(shortlist(o, 3), start=1)],
            )
            for o in sorted(outcomes[1:], key=lambda o: o.stage.position)
        ],
        excluded=_exclusions(primary),
        infeasible=infeasible,
        cost_curves=curves_for(best, primary.survivors, profile, assumptions, policy, catalog),
        break_even=break_even_for(primary.survivors, profile, assumptions, policy, catalog),
        assumptions=_assumption_notes(assumptions, fired),
    )


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
