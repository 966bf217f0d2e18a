"""What one recommendation decides once and every step reads: the as-of date, the speed target, what kind of
service the workload is, and the profile as the industry rules tighten it.

Each of these used to be worked out where it was needed, and the copies drifted (the speed tier was computed three
ways). Here each rule has one function; the Run context carries the results to candidates, rules, scoring,
verdicts and the output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from llmpick.engine.policy import Policy
from llmpick.profile import Audience, Profile, Sensitivity, SpeedTier

SENSITIVITY_ORDER = [Sensitivity.PUBLIC, Sensitivity.INTERNAL, Sensitivity.CONFIDENTIAL, Sensitivity.REGULATED]


@dataclass(frozen=True)
class SpeedTarget:
    """The speed a route must reach: the tier (given or inferred), its output-speed floor, an optional TTFT cap."""

    tier: str
    min_tokens_per_s: float
    ttft_s: float | None
    source: Literal["given", "inferred"]
    reason: str

    @cached_property  # asked of every route judged
    def latency_bound(self) -> bool:
        """Latency decides the route: ultra-fast agents or an explicit time-to-first-token cap."""
        return self.tier == SpeedTier.ULTRA_FAST.value or self.ttft_s is not None


def speed_target(profile: Profile, policy: Policy) -> SpeedTarget:
    """The one rule for the speed tier: the profile's, else inferred from the use case (the seed's speed matrix)."""
    if profile.speed is not None:
        tier = profile.speed.value
        source: Literal["given", "inferred"] = "given"
        why = f"speed is {tier} in the profile ({policy.speed_tiers[tier].use})"
    elif profile.quality.value == "frontier" and profile.domain.expertise == "expert":
        tier, source = SpeedTier.SLOW.value, "inferred"
        why = "no speed given: frontier quality on expert work is deep analysis, where getting it right beats speed"
    elif profile.domain.knowledge_base:
        tier, source = SpeedTier.MODERATE.value, "inferred"
        why = "no speed given: a RAG application answers at reading pace"
    else:
        tier, source = SpeedTier.FAST.value, "inferred"
        why = "no speed given: an interactive app or bot should answer at once"
    floor = policy.speed_tiers[tier].min_tokens_per_s
    targets = profile.speed_targets
    if targets.tokens_per_s is not None and targets.tokens_per_s > floor:
        floor = targets.tokens_per_s
        why += f"; speed_targets.tokens_per_s raises the floor to {floor:g} tokens/s"
    ttft = targets.ttft_ms / 1000 if targets.ttft_ms is not None else None
    if ttft is not None:
        why += f"; the first token within {targets.ttft_ms:g} ms (speed_targets.ttft_ms)"
    return SpeedTarget(tier=tier, min_tokens_per_s=floor, ttft_s=ttft, source=source, reason=why)


ServiceKind = Literal["personal", "internal", "service"]


@dataclass(frozen=True)
class ServiceNeeds:
    """What kind of workload this is, and so which hardware may be bought for it and whether it needs N+1."""

    kind: ServiceKind
    redundancy: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def consumer_hardware_ok(self) -> bool:
        """Consumer cards and laptops suit personal and small internal use, not a service."""
        return self.kind != "service"


def service_needs(profile: Profile, policy: Policy) -> ServiceNeeds:
    rules = policy.service
    workload = profile.workload
    why: list[str] = []
    if workload.audience is Audience.CUSTOMER_FACING:
        why.append("workload.audience is customer-facing")
    if profile.team.needs_vendor_support:
        why.append("team.needs_vendor_support")
    if profile.data.sensitivity is Sensitivity.REGULATED:
        why.append("data.sensitivity is regulated")
    if workload.peak_concurrency > rules.consumer_max_peak_concurrency:
        why.append(
            f"workload.peak_concurrency {workload.peak_concurrency} > {rules.consumer_max_peak_concurrency} "
            "(one machine answers about one request at a time)"
        )
    if workload.requests_per_day > rules.consumer_max_requests_per_day:
        why.append(
            f"workload.requests_per_day {workload.requests_per_day:,.0f} > {rules.consumer_max_requests_per_day:,.0f}"
        )
    if why:
        kind: ServiceKind = "service"
    elif workload.audience is Audience.PERSONAL or (
        workload.audience is None
        and workload.requests_per_day <= rules.personal_max_requests_per_day
        and workload.peak_concurrency <= 1
    ):
        kind = "personal"
    else:
        kind = "internal"
    given = profile.assumptions.redundancy
    if given is not None:
        redundancy = given
    else:
        redundancy = rules.customer_facing_redundancy and workload.audience is Audience.CUSTOMER_FACING
    return ServiceNeeds(kind=kind, redundancy=redundancy, reasons=why)


def apply_industry(profile: Profile, policy: Policy) -> tuple[Profile, list[str]]:
    """The profile as its industry's rules tighten it (sensitivity floor), with a note for each change."""
    rule = policy.industries.get(profile.industry.value)
    if rule is None:
        return profile, []
    floor = Sensitivity(rule.min_sensitivity)
    if SENSITIVITY_ORDER.index(profile.data.sensitivity) >= SENSITIVITY_ORDER.index(floor):
        return profile, []
    data = profile.data.model_copy(update={"sensitivity": floor})
    note = (
        f"industry is {profile.industry.value}: data.sensitivity raised from {profile.data.sensitivity.value} "
        f"to {floor.value} (the seeds: banking, healthcare and government keep data under control)"
    )
    return profile.model_copy(update={"data": data}), [note]


def today() -> dt.date:
    """The default as-of date of a recommendation (the only clock the engine reads, and only when none is given)."""
    return dt.date.today()
