"""Judging one pipeline stage: enumerate routes, apply the rules, cost and score what survives.

A `Run` holds what every step of one recommendation shares (catalog, policy, cost assumptions,
whether the precision strategy fine-tunes), so the main list, the hybrid plan and the "what to
relax" checks all judge routes the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmpick.catalog.catalog import Catalog
from llmpick.engine import constraints as rules
from llmpick.engine.candidates import Candidate, enumerate_candidates
from llmpick.engine.costing import capacity_note, route_cost
from llmpick.engine.policy import Policy
from llmpick.engine.result import Route
from llmpick.engine.routes import to_route
from llmpick.engine.scoring import Scored, score
from llmpick.engine.stages import Stage
from llmpick.profile import Profile
from llmpick.sizing.cost import Assumptions


@dataclass
class StageOutcome:
    """What survived the rules for one pipeline stage, best first, and what did not and why."""

    stage: Stage
    survivors: list[Candidate]
    scores: dict[int, Scored]
    excluded: list[tuple[Candidate, dict[str, list[str]]]] = field(default_factory=list)

    def scored(self, candidate: Candidate) -> Scored:
        return self.scores[id(candidate)]


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


@dataclass(frozen=True)
class Run:
    catalog: Catalog
    policy: Policy
    assumptions: Assumptions
    needs_fine_tuning: bool

    def evaluate(self, profile: Profile, stage: Stage, *, skip_rules: frozenset[str] = frozenset()) -> StageOutcome:
        """Every route for `stage` judged against `profile`: survivors best first, exclusions with their rules."""
        ctx = rules.RuleContext(profile, self.catalog, self.policy, stage, self.needs_fine_tuning and stage.is_language)
        tasks = [t.value for t in stage.tasks]
        active_static = [r for r in rules.STATIC_RULES if r not in skip_rules]
        passed: list[Candidate] = []
        excluded: list[tuple[Candidate, dict[str, list[str]]]] = []
        for candidate in enumerate_candidates(profile, self.catalog, stage, self.policy):
            broken = rules.violations(candidate, ctx, active_static)
            if broken:
                excluded.append((candidate, broken))
                continue
            candidate.cost = route_cost(candidate, profile.workload, tasks, self.assumptions)
            passed.append(candidate)
        survivors: list[Candidate] = []
        active_cost = [r for r in rules.COST_RULES if r not in skip_rules]
        for candidate in passed:
            broken = rules.violations(candidate, ctx, active_cost)
            if broken:
                excluded.append((candidate, broken))
            else:
                survivors.append(candidate)
        scores = score(survivors, profile, self.policy, self.catalog)
        survivors.sort(key=lambda c: (-scores[id(c)].total, c.label))
        return StageOutcome(stage, survivors, scores, excluded)

    def route(self, candidate: Candidate, rank: int, outcome: StageOutcome, profile: Profile) -> Route:
        """The output's Route for a scored candidate, with a caveat when owned GPUs cannot carry the load."""
        route = to_route(candidate, rank, outcome.scored(candidate), profile, self.catalog, self.policy)
        note = capacity_note(candidate, profile.workload)
        if note:
            route.caveats.append(note)
        return route
