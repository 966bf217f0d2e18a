"""Step 2: hard constraints. Each rule looks at one candidate route and returns why it breaks the rule (or nothing).

A rule is a plain function registered in RULES with a name; adding a rule is adding one function.
Cost-dependent rules (budget) run after costing, in evaluation.py's Run, through the same mechanism.

A rule may declare its scope: the facts of the route it reads (the model, the provider, the deployment…). A
thousand routes share a few hundred models and a few dozen providers, so a rule's answer is remembered per scope
and asked once: the same rule, the same answer, a fraction of the work. The memory is shared by every profile
that differs only in fields no scoped rule reads (`UNREAD_BY_SCOPED_RULES`: volumes, budgets, team, cost
assumptions). A rule without a scope reads the whole route (its sizing or cost) and runs for every route.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Compliance as ProviderCompliance
from llmpick.catalog.schema import Openness, Task
from llmpick.engine.candidates import SELF_RUN, Candidate
from llmpick.engine.context import SpeedTarget
from llmpick.engine.lifecycle import standing
from llmpick.engine.policy import Policy
from llmpick.engine.quality import rate, tier_gap
from llmpick.engine.stages import Stage
from llmpick.memo import RecordMemo
from llmpick.profile import Compliance, Profile, Residency, Sensitivity


@dataclass(frozen=True)
class RuleContext:
    profile: Profile
    catalog: Catalog
    policy: Policy
    stage: Stage
    needs_fine_tuning: bool
    as_of: dt.date
    speed: SpeedTarget
    # (rule group, scope key) → {rule: reasons} for the group's broken rules: filled as evaluations go
    answers: dict[tuple[int, Hashable], dict[str, list[str]]] = field(default_factory=dict, compare=False, repr=False)
    # rules asked → the shared API routes' verdicts (`judge_api_routes`)
    verdicts: dict[tuple[str, ...], Verdicts] = field(default_factory=dict, compare=False, repr=False)


# Profile fields that no scoped rule reads (volumes, money, team, cost assumptions): profiles that differ only in
# them share the scoped rules' answers, so a team trying volumes and budgets is not judged afresh each time.
# Every field not listed is part of the key, so a rule that starts reading a new field stays correct; the
# listed ones are checked against fresh answers in tests/test_engine_shortcuts.py.
UNREAD_BY_SCOPED_RULES: dict[str, object] = {
    "name": True,
    "workload": {"requests_per_day", "peak_concurrency", "hours_per_day", "cacheable_input_fraction", "batch_fraction"},
    "budget": True,
    "team": True,
    "assumptions": True,
    "preferences": {"prefer", "avoid_vendor_lock_in"},
}


@dataclass(frozen=True)
class Shared:
    """What evaluations of profiles with the same scoped view share: the scoped answers, and the verdicts on the
    API routes (shared by every run, see `judge_api_routes`)."""

    answers: dict[tuple[int, Hashable], dict[str, list[str]]] = field(default_factory=dict)
    verdicts: dict[tuple[str, ...], Verdicts] = field(default_factory=dict)


_SHARED: RecordMemo[Shared] = RecordMemo(limit=64)


def shared_memo(
    profile: Profile, catalog: Catalog, policy: Policy, stage: Stage, needs_fine_tuning: bool, as_of: dt.date
) -> Shared:
    """The memo for everything the scoped rules read (per catalog and policy record)."""
    view = profile.model_dump_json(exclude=UNREAD_BY_SCOPED_RULES)  # type: ignore[arg-type]
    return _SHARED.get((catalog, policy), (view, stage, needs_fine_tuning, as_of), Shared)


@dataclass(frozen=True)
class Verdicts:
    """The shared API routes split by the rules: those that pass (in route order), and those that break a rule
    with the rules' reasons. Kept whole for every profile with the same scoped view: read, never change."""

    passed: list[Candidate]
    excluded: list[tuple[Candidate, dict[str, list[str]]]]


def judge_api_routes(routes: list[Candidate], ctx: RuleContext, names: tuple[str, ...]) -> Verdicts:
    """`violations` for each of the stage's shared API routes, asked once per memo and rule selection.

    An API route has no hardware, sizing or cost before it is costed: the rules without a scope read only the
    route and the profile's speed fields (part of the memo's key), so profiles with the same scoped view get
    the same verdicts (checked against fresh ones in tests/test_engine_shortcuts.py)."""
    found = ctx.verdicts.get(names)
    if found is None:
        passed: list[Candidate] = []
        excluded: list[tuple[Candidate, dict[str, list[str]]]] = []
        for route in routes:
            broken = violations(route, ctx, names)
            if broken:
                excluded.append((route, broken))
            else:
                passed.append(route)
        found = ctx.verdicts[names] = Verdicts(passed, excluded)
    return found


Rule = Callable[[Candidate, RuleContext], list[str]]
Scope = Callable[[Candidate], Hashable]
RULES: dict[str, Rule] = {}
SCOPES: dict[str, Scope] = {}


def rule(name: str, scope: Scope | None = None) -> Callable[[Rule], Rule]:
    """Register a rule; `scope` names the facts it reads, so its answer is shared by routes with the same ones."""

    def register(func: Rule) -> Rule:
        RULES[name] = func
        if scope is not None:
            SCOPES[name] = scope
        return func

    return register


def violations(
    candidate: Candidate, ctx: RuleContext, names: tuple[str, ...] | list[str] | None = None
) -> dict[str, list[str]]:
    """{rule name: reasons} for every rule the candidate breaks (of `names`, default all; in registration order).
    The reasons lists are shared with the run's memo: read them, never change them."""
    found: dict[str, list[str]] = {}
    memo = ctx.answers
    keys = candidate.scope_keys  # this route's key per rule group, made once (API routes are shared by runs)
    if keys is None:
        keys = candidate.scope_keys = {}
    for scope, group in _selected(names if names is None or isinstance(names, tuple) else tuple(names)):
        if scope is None:  # rules that read the whole route
            for name, check in group:
                reasons = check(candidate, ctx)
                if reasons:
                    found[name] = reasons
            continue
        key = keys.get(id(group))
        if key is None:
            key = keys[id(group)] = (id(group), scope(candidate))
        answers = memo.get(key)
        if answers is None:
            answers = memo[key] = {name: reasons for name, check in group if (reasons := check(candidate, ctx))}
        if answers:
            found.update(answers)
    if len(found) > 1:
        found = dict(sorted(found.items(), key=lambda item: _ORDER[item[0]]))
    return found


Group = list[tuple[str, Rule]]
_SELECTIONS: dict[tuple[str, ...] | None, list[tuple[Scope | None, Group]]] = {}
_ORDER: dict[str, int] = {}


def _selected(names: tuple[str, ...] | None) -> list[tuple[Scope | None, Group]]:
    """The rules to run for `names`, grouped by scope and looked up once per selection: routes × rules is the
    engine's inner loop, and a group's answers are shared by every route with the same scope key."""
    global _LAST
    last = _LAST
    if last[0] is names:  # an evaluation asks with one tuple for all its routes: no need to hash it each time
        return last[1]
    found = _SELECTIONS.get(names)
    if found is None:
        wanted = set(RULES if names is None else names)
        groups: dict[Scope | None, Group] = {}
        for name, check in RULES.items():
            _ORDER.setdefault(name, len(_ORDER))
            if name in wanted:
                groups.setdefault(SCOPES.get(name), []).append((name, check))
        found = _SELECTIONS[names] = list(groups.items())
    _LAST = (names, found)  # one rebinding: another thread reads the old pair or the new one, never half of each
    return found


_LAST: tuple[tuple[str, ...] | None, list[tuple[Scope | None, Group]]] = ((), [])


# Scopes: what of a route a rule reads.
def _model_route(c: Candidate) -> Hashable:
    """The model, and whether it runs on your side and with which runtime (or at a provider's API)."""
    self_run = c.deployment in SELF_RUN
    return (c.model.id, self_run, c.runtime if self_run else None)


def _offering(c: Candidate) -> Hashable:
    """The model at one provider's offering (self-run routes: the model on your side)."""
    self_run = c.deployment in SELF_RUN
    return (
        c.model.id,
        self_run,
        c.runtime if self_run else None,
        c.provider.id if c.provider else None,
        id(c.offering),
    )


def _provider_route_kind(c: Candidate) -> Hashable:
    """Where the data goes: the deployment, how the GPUs are had, the provider."""
    return (c.deployment, c.acquisition, c.provider.id if c.provider else None)


@rule("excluded-by-profile", scope=_offering)
def _excluded(c: Candidate, ctx: RuleContext) -> list[str]:
    hits = [x for x in ctx.profile.preferences.exclude if x in (c.model.id, c.provider.id if c.provider else None)]
    return [f"preferences.exclude lists {hit}" for hit in hits]


@rule("status", scope=_offering)
def _status(c: Candidate, ctx: RuleContext) -> list[str]:
    """Retired by the as-of date. An API retirement never removes the routes that run open weights yourself."""
    now = standing(c.model, c.offering, ctx.as_of, self_run=c.deployment in SELF_RUN)
    if now.status != "retired":
        return []
    when = f" on {now.shutdown_on}" if now.shutdown_on else ""
    at = f" at {c.provider.name}" if c.provider and now.where == "this offering" else ""
    successor = f"; its successor is {now.successor}" if now.successor else ""
    return [f"{c.model.name} was shut down{at}{when} (as of {ctx.as_of}){successor}"]


@rule("task", scope=_model_route)
def _task(c: Candidate, ctx: RuleContext) -> list[str]:
    missing = ctx.stage.missing(c.model)
    if missing:
        return [
            f"{c.model.name} does not do {', '.join(t.value for t in missing)} (it does {', '.join(t.value for t in c.model.tasks)})"
        ]
    if c.deployment in SELF_RUN and c.runtime:
        runtime = ctx.catalog.runtimes.get(c.runtime)
        if (
            runtime
            and ctx.stage.tasks[0] not in runtime.support.tasks
            and ctx.stage.tasks[0] not in (Task.TEXT, Task.CODE)
        ):
            return [f"{runtime.name} does not serve {ctx.stage.tasks[0].value} models"]
    return []


@rule("openness", scope=_model_route)
def _openness(c: Candidate, ctx: RuleContext) -> list[str]:
    needs = _open_source_needs(ctx.profile)
    if needs and c.model.openness is not Openness.OPEN_SOURCE:
        what = "weights only" if c.model.is_open else "API only"
        return [
            f"{', '.join(needs)} needs an open-source model (weights, training code and data); {c.model.name} is {c.model.openness.value} ({what})"
        ]
    return []


def _open_source_needs(profile: Profile) -> list[str]:
    custom = profile.customization
    flags = {
        "customization.modify_architecture": custom.modify_architecture,
        "customization.train_from_scratch": custom.train_from_scratch,
        "customization.reproducibility": custom.reproducibility,
        "customization.custom_loss": custom.custom_loss,
    }
    return [name for name, on in flags.items() if on]


@rule("fine-tuning", scope=_offering)
def _fine_tuning(c: Candidate, ctx: RuleContext) -> list[str]:
    if not ctx.needs_fine_tuning or not ctx.stage.is_language:
        return []
    ft = c.model.fine_tuning
    if c.model.is_open:
        if c.deployment in SELF_RUN or (ft and ft.vendor_api):
            return []
        return [
            f"the precision strategy fine-tunes the model; {c.provider.name if c.provider else 'this host'} serves {c.model.name} without your adapters (self-host it instead)"
        ]
    if ft and ft.vendor_api:
        return []
    return [f"the precision strategy fine-tunes the model; {c.model.name} offers no fine-tuning"]


@rule("air-gap", scope=_provider_route_kind)
def _air_gap(c: Candidate, ctx: RuleContext) -> list[str]:
    if not ctx.profile.data.air_gapped:
        return []
    if c.deployment not in SELF_RUN:
        return ["data.air_gapped: an air-gapped system has no network route to an API"]
    if c.deployment == "self-hosted" and c.acquisition == "rented":
        return ["data.air_gapped: rented cloud GPUs are not air-gapped; name your own GPUs in infrastructure.gpus"]
    return []


@rule("residency", scope=_provider_route_kind)
def _residency(c: Candidate, ctx: RuleContext) -> list[str]:
    residency = ctx.profile.data.residency
    if residency is Residency.ON_PREMISES:
        if c.deployment not in SELF_RUN:
            return ["data.residency is on-premises: the data may not go to a third-party API"]
        if c.deployment == "self-hosted" and c.acquisition == "rented":
            return [
                "data.residency is on-premises: rented cloud GPUs are off-premises; name your GPUs in infrastructure.gpus"
            ]
        return []
    if residency in (Residency.EU, Residency.US) and c.provider is not None:
        return _provider_region(c, residency)
    return []


def _provider_region(c: Candidate, residency: Residency) -> list[str]:
    assert c.provider is not None
    if residency is Residency.EU:
        if c.provider.compliance.eu_data_residency:
            return []
        state = "not offered" if c.provider.compliance.eu_data_residency is False else "not documented in the catalog"
        return [f"data.residency is eu: EU data residency at {c.provider.name} is {state}"]
    regions = c.provider.data_location.regions if c.provider.data_location else []
    if "us" in regions or "global" in regions:
        return []
    return [f"data.residency is us: {c.provider.name} does not document US processing"]


@rule("data-sensitivity", scope=_provider_route_kind)
def _sensitivity(c: Candidate, ctx: RuleContext) -> list[str]:
    if c.provider is None:
        return []
    level = ctx.profile.data.sensitivity
    compliance = c.provider.compliance
    if level is Sensitivity.REGULATED and compliance.zero_data_retention is not True:
        return [f"data.sensitivity is regulated: {c.provider.name} does not document zero data retention"]
    if level is Sensitivity.CONFIDENTIAL and not (compliance.soc2 or compliance.iso27001):
        return [f"data.sensitivity is confidential: {c.provider.name} documents neither SOC 2 nor ISO 27001"]
    return []


# Which provider attribute proves each regime, and how to say it.
_REGIMES: dict[Compliance, tuple[Callable[[ProviderCompliance], bool | None], str]] = {
    Compliance.HIPAA: (lambda p: p.hipaa_baa, "signs a HIPAA Business Associate Agreement"),
    Compliance.GDPR: (lambda p: p.gdpr_dpa, "offers a GDPR data processing agreement"),
    Compliance.SOC2: (lambda p: p.soc2, "holds a SOC 2 report"),
    Compliance.ISO27001: (lambda p: p.iso27001, "holds ISO 27001 certification"),
    Compliance.PCI_DSS: (lambda p: p.pci_dss, "is PCI DSS compliant"),
    Compliance.FEDRAMP: (
        lambda p: None if p.fedramp is None else p.fedramp in ("moderate", "high"),
        "holds a FedRAMP Moderate or High authorization",
    ),
}


@rule("compliance", scope=_provider_route_kind)
def _compliance(c: Candidate, ctx: RuleContext) -> list[str]:
    if c.provider is None:
        return []
    reasons = []
    for regime in ctx.profile.data.compliance:
        check, wording = _REGIMES[regime]
        ok = check(c.provider.compliance)
        if ok:
            continue
        if ok is False:
            reasons.append(
                f"data.compliance includes {regime.value}: {c.provider.name} does not; it must be a provider that {wording}"
            )
        else:
            reasons.append(
                f"data.compliance includes {regime.value}: the catalog has no source that {c.provider.name} {wording}"
            )
    return reasons


@rule("license", scope=_model_route)
def _license(c: Candidate, ctx: RuleContext) -> list[str]:
    lic = c.model.license
    needs = ctx.profile.license
    reasons = []
    # A host's API may carry its own commercial terms for open weights; running the weights yourself may not.
    # Imported records may not say (commercial_use null): an API route is then governed by the provider's terms,
    # a self-run route needs the licence read first.
    governs = c.deployment in SELF_RUN or not c.model.is_open
    if needs.commercial_use and governs:
        if lic.commercial_use is None and c.deployment in SELF_RUN:
            reasons.append(
                f"license.commercial_use: the catalog has not recorded whether the {lic.name} allows commercial use"
            )
        elif lic.commercial_use is False or lic.research_only:
            reasons.append(f"license.commercial_use: the {lic.name} does not allow commercial use")
    if lic.mau_limit is not None and needs.monthly_active_users > lic.mau_limit:
        reasons.append(
            f"license.monthly_active_users {needs.monthly_active_users:,} exceeds the {lic.name}'s {lic.mau_limit:,} limit (a separate licence is needed)"
        )
    if ctx.profile.data.residency is Residency.EU and any(
        r.lower() in ("eu", "european union") for r in lic.region_exclusions
    ):
        reasons.append(f"the {lic.name} excludes the EU ({', '.join(lic.region_exclusions)})")
    return reasons


@rule("context", scope=_model_route)
def _context(c: Candidate, ctx: RuleContext) -> list[str]:
    needed = ctx.profile.workload.needed_context
    window = c.model.capabilities.context_window
    if window is not None and needed > window:
        return [f"workload needs {needed:,} tokens of context; {c.model.name} takes {window:,}"]
    return []


@rule("hardware-fit")
def _fit(c: Candidate, ctx: RuleContext) -> list[str]:
    if c.deployment not in SELF_RUN:
        return []
    if c.fit_problem:
        return [c.fit_problem]
    return []


@rule("quality", scope=_model_route)
def _quality(c: Candidate, ctx: RuleContext) -> list[str]:
    """The quality floor: two tiers below is out; a model with no figure for the task meets no floor above basic
    (unless the profile allows unrated models)."""
    if not ctx.stage.is_language:
        return []
    rating = rate(c.model, ctx.policy, ctx.catalog, task=ctx.stage.tasks[0].value)
    wanted = ctx.profile.quality.value
    if not rating.known:
        if wanted == "basic" or ctx.profile.quality_unrated == "allow":
            return []
        return [
            f"quality is {wanted}; {c.model.name} has no benchmark figure for {ctx.stage.tasks[0].value}, so it is unrated "
            "(set quality_unrated: allow to consider unrated models)"
        ]
    gap = tier_gap(rating.tier, wanted) or 0
    if gap > ctx.policy.quality.tolerance_tiers:
        return [f"quality is {wanted}; {c.model.name} rates {rating.tier} ({rating.basis})"]
    return []


@rule("speed")
def _speed(c: Candidate, ctx: RuleContext) -> list[str]:
    """Latency-bound uses only (ultra-fast, or a time-to-first-token cap): a route measured or sized slower is out.
    A route whose speed is unknown is not excluded; it is flagged and ranks below measured ones (scoring)."""
    target = ctx.speed
    if not ctx.stage.is_language or not target.latency_bound:
        return []
    reasons = []
    tps = c.decode_tokens_per_s
    if target.tier == "ultra-fast" and tps is not None and tps < target.min_tokens_per_s:
        reasons.append(
            f"speed is ultra-fast (≥ {target.min_tokens_per_s:g} tokens/s); this route gives about {tps:.0f} tokens/s"
        )
    ttft = c.time_to_first_token_s
    if target.ttft_s is not None and ttft is not None and ttft > target.ttft_s:
        reasons.append(
            f"speed_targets.ttft_ms is {target.ttft_s * 1000:g}; this route's first token takes about {ttft * 1000:,.0f} ms"
        )
    return reasons


@rule("capacity")
def _capacity(c: Candidate, ctx: RuleContext) -> list[str]:
    """Hardware that cannot carry the workload: one machine, or the GPUs you have, at the profile's volume and peak."""
    if c.deployment not in SELF_RUN or c.fit_problem:
        return []
    return [c.capacity_problem] if c.capacity_problem else []


@rule("budget")
def _budget(c: Candidate, ctx: RuleContext) -> list[str]:
    """Runs only once routes are costed (`c.cost` is attached by the Run). Costs below the policy's negligible
    amount (cents of electricity on a machine you own) never break a budget."""
    cost = c.cost
    budget = ctx.profile.budget
    negligible = ctx.policy.budget.negligible_usd
    reasons = []
    if budget.monthly_usd is not None and cost is not None:
        limit = max(budget.monthly_usd, negligible)
        if cost.total_usd is not None and cost.total_usd > limit:
            reasons.append(
                f"budget.monthly_usd is ${budget.monthly_usd:,.0f}; this route costs about ${cost.total_usd:,.0f} a month"
            )
        elif cost.total_usd is None and cost.known_usd > limit:
            # Some price is unknown, but what is known already breaks the budget.
            reasons.append(
                f"budget.monthly_usd is ${budget.monthly_usd:,.0f}; the priced part of this route alone costs ${cost.known_usd:,.0f} a month"
            )
    if budget.upfront_usd is not None and c.acquisition == "bought" and c.hardware is not None:
        units = (c.hardware_count or 1) * (c.replicas if c.deployment == "self-hosted" else 1)
        price = c.hardware.purchase.usd * units if c.hardware.purchase else None
        name = c.hardware.name
        if price is not None and price > budget.upfront_usd:
            reasons.append(
                f"budget.upfront_usd is ${budget.upfront_usd:,.0f}; buying {units}× {name} costs ${price:,.0f}"
            )
        elif price is None and budget.upfront_usd == 0:
            reasons.append(f"budget.upfront_usd is $0: no hardware may be bought, and this route needs a {name}")
    return reasons


COST_RULES = ["budget"]
STATIC_RULES = [name for name in RULES if name not in COST_RULES]
# Rules that, for a route you run yourself, read only the model (never the hardware, runtime or how the GPUs are
# had): when one breaks for a model, it breaks for all its self-run routes, so they need not be sized.
MODEL_RULES = ["excluded-by-profile", "status", "task", "openness", "fine-tuning", "license", "context", "quality"]
