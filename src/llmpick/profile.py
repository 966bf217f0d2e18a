"""The requirements profile: what a team needs, in the framework's vocabulary.

This shape is a public contract (README documents it field by field): fields may be
added, never renamed. Every field but ``name`` and ``tasks`` has a default.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from llmpick.catalog.schema import Task
from llmpick.errors import ProfileError
from llmpick.yamlio import echo, load_yaml


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Industry(str, Enum):
    GENERAL = "general"
    BANKING = "banking"
    HEALTHCARE = "healthcare"
    GOVERNMENT = "government"
    LEGAL = "legal"
    EDUCATION = "education"
    RETAIL = "retail"
    OTHER = "other"


class Sensitivity(str, Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    REGULATED = "regulated"


class Compliance(str, Enum):
    HIPAA = "hipaa"
    GDPR = "gdpr"
    SOC2 = "soc2"
    FEDRAMP = "fedramp"
    PCI_DSS = "pci-dss"
    ISO27001 = "iso27001"


class Residency(str, Enum):
    ANY = "any"
    EU = "eu"
    US = "us"
    ON_PREMISES = "on-premises"


class SpeedTier(str, Enum):
    ULTRA_FAST = "ultra-fast"
    FAST = "fast"
    MODERATE = "moderate"
    SLOW = "slow"


class QualityTier(str, Enum):
    BASIC = "basic"
    GOOD = "good"
    HIGH = "high"
    FRONTIER = "frontier"


class Level(str, Enum):
    NONE = "none"
    SOME = "some"
    STRONG = "strong"


class Data(Section):
    sensitivity: Sensitivity = Field(Sensitivity.INTERNAL, description="how sensitive the data sent to the model is")
    compliance: list[Compliance] = Field(default_factory=list, description="regimes every route must satisfy")
    residency: Residency = Field(Residency.ANY, description="where the data may be processed")
    air_gapped: bool = Field(False, description="no network route at all: only local or own hardware")
    sensitive_fraction: float = Field(
        1.0, ge=0, le=1, description="share of requests that carry the sensitive data (below 1 enables a hybrid plan)"
    )


class Audience(str, Enum):
    PERSONAL = "personal"
    INTERNAL = "internal"
    CUSTOMER_FACING = "customer-facing"


class Workload(Section):
    audience: Audience | None = Field(
        None,
        description="who the service answers: personal | internal | customer-facing; null: judged from the volume "
        "and concurrency (decides which hardware suits it and whether it needs a spare server)",
    )
    requests_per_day: float = Field(1000, ge=0, le=1e9, description="average requests a day")
    input_tokens: int = Field(1000, ge=0, le=100_000_000, description="prompt tokens per request, RAG context included")
    output_tokens: int = Field(300, ge=0, le=10_000_000, description="generated tokens per request")
    peak_concurrency: int = Field(4, ge=1, le=1_000_000, description="requests in flight at the busiest moment")
    context_tokens: int | None = Field(
        None, ge=1, le=100_000_000, description="longest context a request needs (default: input + output)"
    )
    hours_per_day: float = Field(24, gt=0, le=24, description="hours a day the service must be up")
    cacheable_input_fraction: float = Field(
        0.0, ge=0, le=1, description="share of input tokens a prompt cache can serve"
    )
    batch_fraction: float = Field(0.0, ge=0, le=1, description="share of requests that can wait for a batch API")
    audio_minutes_per_request: float = Field(
        1.0, ge=0, le=10_000, description="speech-to-text: audio minutes per request"
    )
    characters_per_request: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="text-to-speech: characters spoken per request (default: 4 per output token)",
    )
    images_per_request: float = Field(1.0, ge=0, le=1_000, description="image generation: images per request")

    @property
    def needed_context(self) -> int:
        return self.context_tokens or (self.input_tokens + self.output_tokens)

    @property
    def monthly_requests(self) -> float:
        return self.requests_per_day * 30


class SpeedTargets(Section):
    ttft_ms: float | None = Field(None, gt=0, description="longest acceptable time to first token, milliseconds")
    tokens_per_s: float | None = Field(None, gt=0, description="slowest acceptable output speed, tokens per second")


class Domain(Section):
    expertise: Literal["general", "moderate", "expert"] = Field(
        "general", description="how specialised the answers must be"
    )
    knowledge_base: bool = Field(False, description="the answers must draw on your own documents")
    knowledge_changes: Literal["rarely", "often"] = Field("rarely", description="how often that knowledge changes")
    labeled_examples: int = Field(0, ge=0, description="curated input/output examples available for fine-tuning")


class Customization(Section):
    modify_architecture: bool = Field(False, description="change layers, attention or other internals")
    train_from_scratch: bool = Field(False, description="pre-train a model of your own")
    reproducibility: bool = Field(False, description="must be able to reproduce the training run")
    custom_loss: bool = Field(False, description="train with your own loss function")


class Budget(Section):
    monthly_usd: float | None = Field(None, ge=0, le=1e12, description="running cost ceiling a month; null = no limit")
    upfront_usd: float | None = Field(None, ge=0, le=1e12, description="hardware you may buy up front; null = no limit")


class Team(Section):
    ml_expertise: Level = Field(Level.SOME, description="skill to run, tune and operate models")
    time_to_market: Literal["fast", "normal", "flexible"] = Field("normal", description="how soon it must ship")
    needs_vendor_support: bool = Field(False, description="needs an SLA and a vendor to call")


class GpuPool(Section):
    model: str = Field(description="hardware id from the catalog")
    count: int = Field(1, ge=1)


class Device(Section):
    model: str = Field(description="hardware id from the catalog")
    memory_gb: float | None = Field(None, gt=0, description="memory of this unit, when it differs from the catalog's")


class Infrastructure(Section):
    cloud: Literal["any", "aws", "azure", "gcp", "on-premises"] = Field("any", description="the cloud you are on")
    gpus: list[GpuPool] = Field(default_factory=list, description="GPUs you own or have reserved for serving")
    device: Device | None = Field(None, description="a single machine for local use (laptop, workstation)")


class LicenseNeeds(Section):
    commercial_use: bool = Field(True, description="the product is commercial")
    monthly_active_users: int = Field(0, ge=0, description="users a month (licence thresholds, e.g. Llama's 700M)")


class Preferences(Section):
    avoid_vendor_lock_in: bool = Field(False, description="prefer what can move between providers")
    prefer: list[str] = Field(default_factory=list, description="model ids to favour when otherwise equal")
    exclude: list[str] = Field(default_factory=list, description="model or provider ids never to recommend")


class CostAssumptions(Section):
    """Overrides for the cost defaults in llmpick.sizing.defaults (null keeps the default)."""

    gpu_utilization: float | None = Field(None, ge=0.05, le=1, description="share of GPU throughput planned for")
    ops_staff_usd_per_month: float | None = Field(
        None, ge=0, description="staff time to run one self-hosted server (owned, rented or bought alike)"
    )
    amortisation_months: int | None = Field(None, gt=0, description="months to spread a hardware purchase over")
    power_usd_per_kwh: float | None = Field(None, ge=0, description="electricity price")
    redundancy: bool | None = Field(None, description="add one spare GPU set (N+1)")
    reserved_pricing: bool | None = Field(None, description="use reserved instead of on-demand GPU rates")
    ops_staff_usd_per_extra_node: float | None = Field(
        None, ge=0, description="staff time for each further server of a cluster"
    )


class Profile(Section):
    name: str = Field(min_length=1, description="what this decision is about")
    tasks: list[Task] = Field(min_length=1, description="what the model must do")
    industry: Industry = Field(
        Industry.GENERAL, description="sector: banking, healthcare and government weigh privacy most"
    )
    data: Data = Field(default_factory=Data)
    workload: Workload = Field(default_factory=Workload)
    speed: SpeedTier | None = Field(None, description="speed tier needed; null lets llmpick decide from the use case")
    speed_targets: SpeedTargets = Field(
        default_factory=SpeedTargets, description="latency-bound uses: time to first token and output speed floors"
    )
    quality: QualityTier = Field(QualityTier.GOOD, description="answer quality needed: basic, good, high or frontier")
    quality_unrated: Literal["exclude", "allow"] = Field(
        "exclude",
        description="models with no benchmark figure for the task: excluded above the basic tier unless allowed",
    )
    domain: Domain = Field(default_factory=Domain)
    customization: Customization = Field(default_factory=Customization)
    budget: Budget = Field(default_factory=Budget)
    team: Team = Field(default_factory=Team)
    infrastructure: Infrastructure = Field(default_factory=Infrastructure)
    license: LicenseNeeds = Field(default_factory=LicenseNeeds)
    preferences: Preferences = Field(default_factory=Preferences)
    assumptions: CostAssumptions = Field(default_factory=CostAssumptions)

    @field_validator("tasks")
    @classmethod
    def _unique_tasks(cls, tasks: list[Task]) -> list[Task]:
        return list(dict.fromkeys(tasks))

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        if self.data.air_gapped and self.data.residency not in (Residency.ANY, Residency.ON_PREMISES):
            raise ValueError(
                "data.air_gapped: an air-gapped system keeps data on premises; set residency to on-premises"
            )
        return self

    @property
    def has_sensitive_split(self) -> bool:
        return 0 < self.data.sensitive_fraction < 1


def parse_profile(data: Any, source: str = "profile") -> Profile:
    """Validate a mapping as a profile, turning pydantic errors into field-named messages."""
    if not isinstance(data, dict):
        raise ProfileError(["the profile must be a YAML mapping of fields (name, tasks, …)"], source)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError([_describe(error) for error in exc.errors()], source) from exc


def load_profile(path: Path) -> Profile:
    """Read and validate a profile YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(["file not found"], str(path)) from None
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise ProfileError([f"cannot read the file ({exc.__class__.__name__})"], str(path)) from None
    return parse_profile(parse_yaml(text, str(path)), str(path))


def parse_yaml(text: str, source: str) -> Any:
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError([f"{where}YAML syntax error: {problem}"], source) from None


def _describe(error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "profile"
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(error["loc"][:-1])
        return f"{field}: unknown field (allowed: {', '.join(allowed)})"
    if kind == "missing":
        return f"{field}: required field is missing"
    if kind in ("enum", "literal_error"):
        expected = error.get("ctx", {}).get("expected", "")
        return f"{field}: {echo(error['input'])} is not allowed (allowed: {expected.replace(chr(39), '')})"
    return f"{field}: {error['msg']} (got {echo(error.get('input'))})"


def _allowed_keys(location: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = Profile
    for part in location:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        annotation = getattr(field, "annotation", None)
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        nested = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if nested is None:
            for c in candidates:
                for inner in getattr(c, "__args__", ()):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        nested = inner
        if nested is None:
            break
        model = nested
    return list(model.model_fields)


def check_against_catalog(profile: Profile, hardware_ids: set[str] | dict[str, Any], source: str = "profile") -> None:
    """Hardware ids in the profile must exist in the catalog; the error names the field that holds them."""
    known = sorted(hardware_ids)
    problems = [
        f"infrastructure.gpus.{i}.model: unknown hardware {pool.model!r} (known: {', '.join(known)})"
        for i, pool in enumerate(profile.infrastructure.gpus)
        if pool.model not in hardware_ids
    ]
    device = profile.infrastructure.device
    if device is not None and device.model not in hardware_ids:
        problems.append(f"infrastructure.device.model: unknown hardware {device.model!r} (known: {', '.join(known)})")
    if problems:
        raise ProfileError(problems, source)


def profile_to_yaml(profile: Profile) -> str:
    """The profile as YAML, in field order, defaults included (what `init` writes and the web app downloads)."""
    return yaml.safe_dump(profile.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
