"""The recommendation: the engine's output and the versioned JSON contract (``llmpick.recommendation/1``).

Fields may be added; existing ones are never renamed or removed within a schema version.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from llmpick.sizing.lines import CostLine, CurvePoint  # the cost model's shapes, part of this contract

SCHEMA = "llmpick.recommendation/1"

OpennessChoice = Literal["open-source", "open-weight", "proprietary"]
# A route's model may be an imported record whose release of weights nobody has checked yet.
RouteOpenness = Literal["open-source", "open-weight", "proprietary", "unknown"]
PrecisionChoice = Literal["prompting", "rag", "lora", "qlora", "full-fine-tune", "pretrain"]
DeploymentChoice = Literal["local", "saas-api", "hosted-open", "self-hosted"]
SpeedChoice = Literal["ultra-fast", "fast", "moderate", "slow"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Verdict(Out):
    choice: str
    reasons: list[str] = Field(default_factory=list)


class OpennessVerdict(Verdict):
    choice: OpennessChoice


class TaskVerdict(Out):
    tasks: list[str]
    reasons: list[str] = Field(default_factory=list)
    pipeline: list[str] = Field(
        default_factory=list, description="modular pipeline, e.g. speech-to-text → text → text-to-speech"
    )


class PrecisionVerdict(Verdict):
    choice: PrecisionChoice
    steps: list[str] = Field(default_factory=list)


class DeploymentVerdict(Verdict):
    choice: DeploymentChoice


class SpeedVerdict(Verdict):
    choice: SpeedChoice
    source: Literal["given", "inferred"] = "inferred"
    min_tokens_per_s: float | None = None
    ttft_ms: float | None = None


class Framework(Out):
    openness: OpennessVerdict
    task: TaskVerdict
    precision: PrecisionVerdict
    deployment: DeploymentVerdict
    speed: SpeedVerdict


class TrainingPlan(Out):
    """Where and how a route's model is fine-tuned when the precision strategy asks for it."""

    method: str = Field(description="lora | qlora | full")
    where: str
    hardware: str | None = None
    count: int | None = None
    memory_gb_per_gpu: float | None = None
    hours: float | None = None
    cost_usd: float | None = Field(None, description="GPU time for the run, when rented; null when owned or unknown")
    epochs: int | None = None
    tokens_per_example: int | None = None


class Route(Out):
    """One ranked way to meet the profile: a model, where it runs, what it costs."""

    rank: int
    model: str
    name: str
    openness: RouteOpenness
    license: str
    tasks: list[str]
    deployment: DeploymentChoice
    provider: str | None = None
    runtime: str | None = None
    hardware: str | None = None
    hardware_count: int | None = Field(None, description="GPUs per set (tensor-parallel size) for self-run routes")
    acquisition: Literal["owned", "rented", "bought", "api"] = Field(
        "api", description="how the route gets its hardware: owned, rented, bought, or none (an API)"
    )
    replicas: int | None = Field(None, description="self-run: sets of hardware_count GPUs serving the workload")
    capacity_requests_per_day: float | None = Field(
        None, description="self-run: requests a day one set carries at the profile's sizes, hours and utilization"
    )
    quantization: str | None = None
    memory_gb: float | None = None
    context_window: int | None = None
    decode_tokens_per_s: float | None = None
    time_to_first_token_s: float | None = None
    monthly_cost_usd: float | None = Field(None, description="null when a price is unknown; the caveats say so")
    cost_breakdown: list[CostLine] = Field(default_factory=list)
    quality_tier: str | None = Field(None, description="null when the model is unrated for the task")
    quality_rated: bool = Field(False, description="the model has a benchmark figure for the stage's task")
    status: Literal["active", "deprecated", "retired"] = Field("active", description="lifecycle at the as-of date")
    shutdown_on: str | None = Field(None, description="date the offering (or model) shuts down, when announced")
    score: float
    scores: dict[str, float] = Field(default_factory=dict, description="per-dimension scores in [0, 1]")
    reasons: list[str] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    supersedes: list[str] = Field(default_factory=list, description="seed-era models this one replaces")
    training: TrainingPlan | None = Field(None, description="the fine-tuning plan, when the strategy fine-tunes")
    sources: list[str] = Field(default_factory=list, description="URLs of the facts behind this route")


class HybridRoute(Out):
    when: str
    sensitive: bool
    share: float = Field(ge=0, le=1)
    use: Route


class Hybrid(Out):
    routes: list[HybridRoute]
    monthly_cost_usd: float | None = None
    reasons: list[str] = Field(default_factory=list)
    single_route_cost_usd: float | None = Field(
        None, description="what the best single route costs for all the traffic, for comparison"
    )
    saving_usd: float | None = Field(None, description="single-route cost minus the plan's, when both are known")


class StagePlan(Out):
    """Routes for one further stage of a modular pipeline (e.g. speech-to-text before the language model)."""

    stage: str
    tasks: list[str]
    routes: list[Route]
    excluded: int = Field(0, description="routes this stage's rules removed")


class Exclusion(Out):
    # frozen: the engine keeps each entry between runs and shares it among the answers that exclude the same route
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    provider: str | None = None
    deployment: str
    rules: list[str] = Field(default_factory=list)
    reasons: list[str]


class Relaxation(Out):
    constraint: str
    change: str
    unlocks: int = Field(description="routes that this change alone would admit")


class Infeasible(Out):
    reasons: list[str]
    relax: list[Relaxation | str]


class CostCurve(Out):
    """Monthly cost of one route over request volume (chart data)."""

    label: str
    rank: int | None = None
    deployment: DeploymentChoice
    points: list[CurvePoint]


class BreakEven(Out):
    """Volume at which the cheapest self-hosted route starts to cost less than the cheapest API route."""

    api_route: str
    self_hosted_route: str
    requests_per_day: float | None = Field(None, description="null when the curves never cross in the range studied")
    reasons: list[str] = Field(default_factory=list)


class Recommendation(Out):
    schema_: str = Field(SCHEMA, alias="schema")
    as_of: str | None = Field(None, description="the date lifecycle and prices were evaluated at")
    catalog_as_of: str
    catalog_version: str
    profile_name: str
    framework: Framework
    recommendations: list[Route]
    hybrid: Hybrid | None = None
    pipeline: list[StagePlan] = Field(
        default_factory=list, description="the other stages, when one model cannot do every task"
    )
    excluded: list[Exclusion] = Field(default_factory=list)
    infeasible: Infeasible | None = None
    cost_curves: list[CostCurve] = Field(default_factory=list)
    break_even: BreakEven | None = None
    assumptions: list[str] = Field(default_factory=list, description="defaults and estimates the figures rest on")
    pipeline_monthly_cost_usd: float | None = Field(
        None, description="the #1 route of every stage together (null when a stage's cost is unknown)"
    )
    service: str | None = Field(None, description="personal | internal | service: which hardware suits the workload")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, *, indent: int | None = None) -> str:
        """The contract as JSON text, written by pydantic-core in a few milliseconds instead of tens: the same
        document as `json.dumps(to_json_dict())` (compact without an indent; a float below 1e-4 may be written
        without an exponent, the same number)."""
        return self.model_dump_json(by_alias=True, indent=indent)
