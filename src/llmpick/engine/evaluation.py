"""Judging one pipeline stage: enumerate routes, apply the rules, cost and score what survives.

A `Run` holds what every step of one recommendation shares — catalog, policy, cost assumptions, the as-of date,
the speed target, the kind of service, whether the precision strategy fine-tunes — so the main list, the hybrid
plan, the "what to relax" checks and `llmpick cost` all judge routes the same way.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field, replace

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Model
from llmpick.engine import constraints as rules
from llmpick.engine.candidates import Candidate, Setting, api_routes, attach_price, enumerate_candidates
from llmpick.engine.context import ServiceNeeds, SpeedTarget, service_needs, speed_target
from llmpick.engine.costing import route_cost
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
    # the start of `excluded` that is the API routes the rules exclude whatever the volume (`judge_api_routes`):
    # the same list object for every profile with the same scoped view
    shared_excluded: list[tuple[Candidate, dict[str, list[str]]]] = field(default_factory=list)

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
    as_of: dt.date
    speed: SpeedTarget
    service: ServiceNeeds
    _enumerated: dict[tuple[str, Stage, tuple[str, ...]], list[Candidate]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def start(
        cls,
        profile: Profile,
        catalog: Catalog,
        policy: Policy,
        assumptions: Assumptions,
        *,
        needs_fine_tuning: bool,
        as_of: dt.date,
    ) -> Run:
        """The run's shared decisions, each made once: speed target, service kind (and so N+1 redundancy)."""
        service = service_needs(profile, policy)
        if service.redundancy != assumptions.redundancy:
            assumptions = replace(assumptions, redundancy=service.redundancy)
        return cls(catalog, policy, assumptions, needs_fine_tuning, as_of, speed_target(profile, policy), service)

    def setting(self) -> Setting:
        return Setting(
            self.catalog, self.policy, self.speed, self.service, self.as_of, self.assumptions.gpu_utilization
        )

    def cost(self, candidate: Candidate, profile: Profile) -> None:
        attach_price(candidate, profile, self.as_of)
        tasks = [t.value for t in profile.tasks]
        candidate.cost = route_cost(
            candidate,
            profile.workload,
            tasks,
            self.assumptions,
            cloud=profile.infrastructure.cloud,
        )

    def rule_context(self, profile: Profile, stage: Stage, *, shared: bool = True) -> rules.RuleContext:
        """What the rules read for one evaluation of `stage`, with the scoped answers already given to profiles
        that differ only in what no scoped rule reads (`shared=False`: a fresh memo)."""
        tunes = self.needs_fine_tuning and stage.is_language
        memo = rules.shared_memo(profile, self.catalog, self.policy, stage, tunes, self.as_of) if shared else None
        return rules.RuleContext(
            profile,
            self.catalog,
            self.policy,
            stage,
            tunes,
            self.as_of,
            self.speed,
            memo.answers if memo else {},
            memo.verdicts if memo else {},
        )

    def evaluate(self, profile: Profile, stage: Stage, *, skip_rules: frozenset[str] = frozenset()) -> StageOutcome:
        """Every route for `stage` judged against `profile`: survivors best first, exclusions with their rules."""
        ctx = self.rule_context(profile, stage)
        active_static = tuple(r for r in rules.STATIC_RULES if r not in skip_rules)
        self_run = self._candidates(profile, stage, ctx, tuple(r for r in rules.MODEL_RULES if r in active_static))
        api = rules.judge_api_routes(api_routes(self.catalog, stage), ctx, active_static)
        excluded = list(api.excluded)  # the shared records: nothing changes an excluded route
        passed = [self._costed(candidate, profile) for candidate in api.passed]
        for candidate in self_run:
            broken = rules.violations(candidate, ctx, active_static)
            if broken:
                excluded.append((candidate, broken))
            else:
                passed.append(self._costed(candidate, profile))
        survivors: list[Candidate] = []
        active_cost = tuple(r for r in rules.COST_RULES if r not in skip_rules)
        for candidate in passed:
            broken = rules.violations(candidate, ctx, active_cost)
            if broken:
                excluded.append((candidate, broken))
            else:
                survivors.append(candidate)
        scores = score(survivors, profile, self.policy, self.catalog, self.speed, stage, self.as_of)
        survivors.sort(key=lambda c: (-scores[id(c)].total, c.label))
        return StageOutcome(stage, survivors, scores, excluded, api.excluded)

    def _costed(self, candidate: Candidate, profile: Profile) -> Candidate:
        """A copy of the route with its price and cost (costing writes to it; the route itself may be shared)."""
        candidate = copy.copy(candidate)
        self.cost(candidate, profile)
        return candidate

    def _candidates(
        self, profile: Profile, stage: Stage, ctx: rules.RuleContext, model_rules: tuple[str, ...]
    ) -> list[Candidate]:
        """The stage's self-run routes, shared by every evaluation of this run (copy one before changing it):
        enumeration depends only on the profile, the run and which model rules apply, so the relax checks (which
        re-judge the same profile without one rule) reuse it instead of sizing every route again. A model the model
        rules exclude is not sized (see `enumerate_candidates`)."""
        key = (profile.model_dump_json(), stage, model_rules)
        cached = self._enumerated.get(key)
        if cached is None:

            def ruled_out(model: Model) -> bool:
                return bool(rules.violations(Candidate(model=model, deployment="self-hosted"), ctx, model_rules))

            cached = enumerate_candidates(profile, stage, self.setting(), ruled_out=ruled_out, api=False)
            self._enumerated[key] = cached
        return cached

    def route(self, candidate: Candidate, rank: int, outcome: StageOutcome, profile: Profile) -> Route:
        """The output's Route for a scored candidate."""
        return to_route(candidate, rank, outcome.scored(candidate), profile, self, outcome.stage)
