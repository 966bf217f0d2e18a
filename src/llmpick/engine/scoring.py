"""Step 4: score surviving routes on each dimension (0..1), weighted by what the profile cares about.

Every dimension score comes with the fact it rests on, so the output can say why a route ranks where it does.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Openness
from llmpick.engine.candidates import SELF_RUN, Candidate
from llmpick.engine.context import SpeedTarget, speed_target
from llmpick.engine.lifecycle import standing
from llmpick.engine.policy import Policy, ScoringPolicy
from llmpick.engine.quality import rate, tier_cuts, tier_gap
from llmpick.engine.stages import Stage
from llmpick.memo import RecordMemo
from llmpick.profile import Level, Profile, QualityTier, Sensitivity, SpeedTier
from llmpick.sizing.cost import rents_in_cloud
from llmpick.sizing.quantization import get_format


@dataclass(frozen=True)
class Scored:
    total: float
    dimensions: dict[str, float]
    weights: dict[str, float]


def weights_for(profile: Profile, policy: Policy) -> tuple[dict[str, float], list[str]]:
    """The dimension weights this profile implies, and which profile facts raised them."""
    weights = dict(policy.weights.base)
    triggers = {
        "quality_high": profile.quality is QualityTier.HIGH,
        "quality_frontier": profile.quality is QualityTier.FRONTIER,
        "budget_set": profile.budget.monthly_usd is not None,
        "speed_ultra_fast": profile.speed is SpeedTier.ULTRA_FAST,
        "speed_fast": profile.speed is SpeedTier.FAST,
        "sensitive_data": profile.data.sensitivity is Sensitivity.CONFIDENTIAL,
        "regulated_data": profile.data.sensitivity is Sensitivity.REGULATED,
        "avoid_vendor_lock_in": profile.preferences.avoid_vendor_lock_in,
        "customization": any(profile.customization.model_dump().values()),
        "no_ml_expertise": profile.team.ml_expertise is Level.NONE,
        "fast_time_to_market": profile.team.time_to_market == "fast",
        "strong_ml_expertise": profile.team.ml_expertise is Level.STRONG,
        "needs_vendor_support": profile.team.needs_vendor_support,
        "owns_hardware": bool(profile.infrastructure.gpus or profile.infrastructure.device),
    }
    fired = [name for name, on in triggers.items() if on]
    for name in fired:
        for dim, extra in policy.weights.when[name].items():
            weights[dim] = weights.get(dim, 0) + extra
    industry = policy.industries.get(profile.industry.value)
    if industry is not None:
        for dim, extra in industry.weights.items():
            weights[dim] = weights.get(dim, 0) + extra
        fired.append(f"industry {profile.industry.value}")
    return weights, fired


def score(
    candidates: list[Candidate],
    profile: Profile,
    policy: Policy,
    catalog: Catalog,
    speed: SpeedTarget | None = None,
    stage: Stage | None = None,
    as_of: dt.date | None = None,
) -> dict[int, Scored]:
    """Scores keyed by id(candidate). Cost is scored against the cheapest known route (never below a floor)."""
    weights, _ = weights_for(profile, policy)
    costs = [c.monthly_usd for c in candidates if c.monthly_usd is not None]
    floor = policy.scoring.cost_reference_floor_usd
    if profile.budget.monthly_usd is not None:  # a tight budget makes small differences matter
        floor = min(floor, profile.budget.monthly_usd * policy.scoring.cost_reference_budget_share)
    reference = max(min(costs), floor, 0.01) if costs else None
    target = speed or speed_target(profile, policy)
    task = stage.tasks[0].value if stage is not None else None
    rules = policy.scoring
    cloud = profile.infrastructure.cloud
    weight_sum = sum(weights.values())
    # a model's quality is the same on every route but for its quantization: hundreds of routes, few models
    qualities: dict[tuple[str, str | None], float] = {}
    out: dict[int, Scored] = {}
    for c in candidates:
        same_cloud = _in_cloud(c, cloud)
        status = standing(c.model, c.offering, as_of or catalog.as_of, self_run=c.deployment in SELF_RUN).status
        quality_key = (c.model.id, c.estimate.quantization if c.estimate is not None else None)
        quality = qualities.get(quality_key)
        if quality is None:
            quality = qualities[quality_key] = _quality(c, policy, profile, catalog, task)
        dims = {
            "quality": quality,
            "cost": _cost(c, reference, profile, rules),
            "speed": _speed(c, target, rules),
            "privacy": policy.deployment_scores[c.deployment]["privacy"]
            + _zdr_bonus(c, rules)
            + (policy.clouds.same_cloud_privacy_bonus if same_cloud else 0.0),
            "control": _control(c, policy),
            "operations": _operations(c, policy, profile)
            + (policy.clouds.same_cloud_operations_bonus if same_cloud else 0.0),
            "support": _support(c, rules),
            "freshness": rules.freshness[status],
        }
        dims = {k: round(min(1.0, max(0.0, v)), 3) for k, v in dims.items()}
        total = sum(weights[k] * v for k, v in dims.items()) / weight_sum
        total += rules.preferred_model_bonus if c.model.id in profile.preferences.prefer else 0.0
        out[id(c)] = Scored(round(total, 4), dims, weights)
    return out


def _in_cloud(c: Candidate, cloud: str) -> bool:
    """The route lives in the profile's cloud: that cloud's managed offering, or GPUs rented there."""
    if cloud not in ("aws", "azure", "gcp"):
        return False
    if c.provider is not None:
        return c.provider.cloud == cloud
    return c.acquisition == "rented" and c.hardware is not None and rents_in_cloud(c.hardware, cloud)


def _quality(c: Candidate, policy: Policy, profile: Profile, catalog: Catalog, task: str | None) -> float:
    rating = rate(c.model, policy, catalog, task=task)
    if rating.score is None:
        return policy.scoring.unknown
    value = tier_scale(rating.score, policy, task or "text", catalog)
    if (tier_gap(rating.tier, profile.quality.value) or 0) > 0:
        value *= policy.quality.below_tier_factor
    if c.estimate is not None and get_format(c.estimate.quantization).below_4bit:
        value *= policy.quality.below_4bit_factor
    return value


def tier_scale(score: float, policy: Policy, task: str, catalog: Catalog | None = None) -> float:
    """The index score on the tiers' own scale: the good, high and frontier cut-offs (each a named reference
    model) land at 0.25, 0.5 and 0.75, and one tier-width above frontier at 1. Index scores bunch together
    (a win rate), so a raw difference between a high and a frontier model would weigh less than it means."""
    points = _TIER_POINTS.get((policy, catalog), task, lambda: _tier_points(policy, task, catalog))
    if not points:
        return score
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        if score <= xb:
            return ya + (yb - ya) * (score - xa) / (xb - xa) if xb > xa else yb
    return 1.0


_TIER_POINTS: RecordMemo[list[tuple[float, float]]] = RecordMemo()


def _tier_points(policy: Policy, task: str, catalog: Catalog | None) -> list[tuple[float, float]]:
    """(index score, tier-scale value) corners of `tier_scale`, per policy, catalog and task (the cut-offs move
    with their reference models when the catalog's overlays add leaderboards); empty without cut-offs."""
    cuts = tier_cuts(policy, task, catalog) or tier_cuts(policy, "text", catalog)
    points = [(0.0, 0.0)]
    for i, tier in enumerate(("good", "high", "frontier"), start=1):
        if tier in cuts:
            points.append((cuts[tier], 0.25 * i))
    if len(points) < 2:
        return []
    (x1, y1), (x2, y2) = points[-2], points[-1]
    step = (x2 - x1) / ((y2 - y1) / 0.25) if y2 > y1 else 0.1
    points.append((x2 + step * (1.0 - y2) / 0.25, 1.0))
    return points


def _cost(c: Candidate, reference: float | None, profile: Profile, rules: ScoringPolicy) -> float:
    total = c.monthly_usd
    if total is None or reference is None:
        return rules.unknown_cost
    # log scale from the reference: at or below it scores 1, each decade above costs 1/cost_decades.
    value = 1 - math.log10(max(total, reference) / reference) / rules.cost_decades
    budget = profile.budget.monthly_usd
    if budget is not None and budget > 0 and total > rules.budget_headroom_share * budget:
        value -= rules.budget_headroom_penalty
    return value


def _speed(c: Candidate, target: SpeedTarget, rules: ScoringPolicy) -> float:
    """Below the target: the square root of the shortfall; above it: a little more, up to three times the need.
    Unknown speed is neutral, except where latency decides (then it ranks below every measured route)."""
    tps = c.decode_tokens_per_s
    if tps is None:
        return rules.unmeasured_latency_target if target.latency_bound else rules.unknown_speed
    need = target.min_tokens_per_s
    if need <= 0:  # the slow tier: any speed will do, faster is still nicer
        value = min(1.0, rules.slow_speed_base + tps / rules.slow_speed_scale)
    elif tps < need:
        value = min(1.0, (tps / need) ** 0.5)
    else:
        value = min(1.0, 0.8 + 0.2 * min(tps / need, 3) / 3)
    ttft = c.time_to_first_token_s
    if target.ttft_s is not None and ttft is not None and ttft > 0:
        value *= min(1.0, (target.ttft_s / ttft) ** 0.5)
    return value


def _zdr_bonus(c: Candidate, rules: ScoringPolicy) -> float:
    return rules.zero_data_retention_bonus if c.provider and c.provider.compliance.zero_data_retention else 0.0


def _control(c: Candidate, policy: Policy) -> float:
    base = policy.deployment_scores[c.deployment]["control"]
    if c.model.openness is Openness.OPEN_SOURCE:
        return base
    if c.model.openness is Openness.OPEN_WEIGHT:
        return base * policy.scoring.open_weight_control
    return min(base, policy.scoring.proprietary_control_cap)


def _operations(c: Candidate, policy: Policy, profile: Profile) -> float:
    value = policy.deployment_scores[c.deployment]["operations"]
    if c.deployment == "self-hosted" and profile.team.ml_expertise is Level.STRONG:
        value += policy.scoring.strong_team_self_hosting
    if c.deployment in SELF_RUN and c.owned_hardware:
        value += policy.scoring.owned_device_operations
    return value


def _support(c: Candidate, rules: ScoringPolicy) -> float:
    if c.provider is None:
        return rules.community_support
    support = c.provider.support
    if support is None or support.enterprise_support is None:
        return rules.unknown
    if not support.enterprise_support:
        return rules.vendor_without_support
    # A host's SLA covers the service; for open weights no vendor answers for the model itself (the seeds:
    # open models are community-supported, proprietary ones come with enterprise vendor support).
    return rules.hosted_open_support if c.deployment == "hosted-open" else 1.0
