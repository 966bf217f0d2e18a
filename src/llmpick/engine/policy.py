"""The decision policy (thresholds and weights), read from data/policy.yaml into typed form."""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from llmpick.yamlio import load_yaml


class _Frozen(BaseModel):
    # validators built on first validation: a process that reads the policy from the disk cache never builds them
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SpeedTierRule(_Frozen):
    min_tokens_per_s: float
    use: str


class TierCut(_Frozen):
    """A tier starts at `score`, the quality index score of the `reference` model."""

    reference: str
    score: float


class QualityPolicy(_Frozen):
    tiers: dict[str, dict[str, TierCut]]  # task → tier → cut-off
    tolerance_tiers: int
    below_tier_factor: float
    below_4bit_factor: float


class Weights(_Frozen):
    base: dict[str, float]
    when: dict[str, dict[str, float]]


class FineTuningPolicy(_Frozen):
    lora_min_examples: int
    full_min_examples: int


class HardwarePolicy(_Frozen):
    rentable: list[str]
    counts: list[int]
    purchasable: list[str]
    local_runtimes: dict[str, list[str]]
    server_runtime: str
    server_runtimes: list[str]
    server_formats: list[str]
    local_max_busy_fraction: float
    tensor_parallel_sizes: list[int]
    purchasable_service: list[str]


class ServicePolicy(_Frozen):
    consumer_max_peak_concurrency: int
    consumer_max_requests_per_day: float
    personal_max_requests_per_day: float
    customer_facing_redundancy: bool


class LifecyclePolicy(_Frozen):
    warn_days: int


class BudgetPolicy(_Frozen):
    negligible_usd: float


class CloudPolicy(_Frozen):
    same_cloud_operations_bonus: float
    same_cloud_privacy_bonus: float


class IndustryRule(_Frozen):
    min_sensitivity: str
    weights: dict[str, float]


class HybridPolicy(_Frozen):
    premium_share_min: float
    premium_share_max: float
    quality_gain_cost_allowance: float


class CurvePolicy(_Frozen):
    requests_per_day: list[float]


class ScoringPolicy(_Frozen):
    unknown: float
    unknown_speed: float
    unknown_cost: float
    cost_reference_floor_usd: float
    cost_reference_budget_share: float
    cost_decades: float
    slow_speed_base: float
    slow_speed_scale: float
    unmeasured_latency_target: float
    budget_headroom_share: float
    budget_headroom_penalty: float
    zero_data_retention_bonus: float
    open_weight_control: float
    proprietary_control_cap: float
    strong_team_self_hosting: float
    owned_device_operations: float
    community_support: float
    vendor_without_support: float
    hosted_open_support: float
    preferred_model_bonus: float
    freshness: dict[str, float]


class Policy(_Frozen):
    speed_tiers: dict[str, SpeedTierRule]
    quality: QualityPolicy
    weights: Weights
    scoring: ScoringPolicy
    deployment_scores: dict[str, dict[str, float]]
    fine_tuning: FineTuningPolicy
    hardware: HardwarePolicy
    hybrid: HybridPolicy
    curves: CurvePolicy
    service: ServicePolicy
    lifecycle: LifecyclePolicy
    budget: BudgetPolicy
    clouds: CloudPolicy
    industries: dict[str, IndustryRule]


@cache
def load_policy() -> Policy:
    """The shipped policy, read once per process; validated once per policy file and stored in the disk cache
    (building its validators took ~15 ms of every CLI run)."""
    from llmpick import diskcache

    text = (resources.files("llmpick.engine") / "data" / "policy.yaml").read_text(encoding="utf-8")
    stamp: list[str | bytes] = [text, diskcache.installed_stamp("pydantic")]
    stamp += diskcache.source_stamp(__name__, "llmpick.yamlio")
    return diskcache.memo("policy", stamp, lambda: Policy.model_validate(load_yaml(text)), check=Policy)
