"""Typed shape of the catalog: the sourced facts the advice rests on.

Every group of facts names one entry of its record's ``sources`` map, and every
source has a URL (or document) and an as-of date. A fact that is not known is
left ``None``; the engine says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")


class Strict(BaseModel):
    """Base for catalog records: unknown keys are errors, so typos never pass silently."""

    # validators built on first validation: a run that reads the catalog from the disk cache never validates one
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


SourceKind = Literal["primary", "secondary", "dataset"]


class Source(Strict):
    url: str = Field(description="URL or document the facts were read from")
    as_of: dt.date = Field(description="Date the facts were checked against the source")
    note: str | None = None
    kind: SourceKind | None = Field(
        default=None,
        description=(
            "primary: the vendor's own page, licence text, official card or datasheet; secondary: a third-party "
            "page, used only where no primary was found (flagged); dataset: a maintained dataset"
        ),
    )


class Sourced(Strict):
    """A group of facts read from one source (a key of the record's ``sources``)."""

    source: str


class SourcedRecord(Strict):
    """A catalog record whose fact groups each name one of its ``sources``."""

    sources: dict[str, Source]

    @model_validator(mode="after")
    def _sources_exist(self) -> SourcedRecord:
        for group in _fact_groups(self):
            if group.source not in self.sources:
                raise ValueError(f"source {group.source!r} is not among this record's sources {sorted(self.sources)}")
        return self


def _fact_groups(record: BaseModel) -> list[Sourced]:
    groups: list[Sourced] = []
    for name in type(record).model_fields:
        value = getattr(record, name)
        items = value if isinstance(value, list) else [value]
        groups.extend(item for item in items if isinstance(item, Sourced))
    return groups


class Openness(str, Enum):
    OPEN_SOURCE = "open-source"
    OPEN_WEIGHT = "open-weight"
    PROPRIETARY = "proprietary"
    UNKNOWN = "unknown"  # imported records whose release of weights nobody has checked yet


class Task(str, Enum):
    TEXT = "text"
    CODE = "code"
    REASONING = "reasoning"
    VISION = "vision"
    MULTIMODAL = "multimodal"
    SPEECH_TO_TEXT = "speech-to-text"
    TEXT_TO_SPEECH = "text-to-speech"
    IMAGE_GENERATION = "image-generation"
    EMBEDDINGS = "embeddings"


class Status(str, Enum):
    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


class Release(Sourced):
    date: dt.date | None = None
    status: Status = Status.ACTIVE
    deprecated_on: dt.date | None = None
    retired_on: dt.date | None = None
    successor: str | None = Field(default=None, description="catalog id of the model that replaces it")


class Components(Sourced):
    """What was released, after the Model Openness Framework's components."""

    weights: bool | None = Field(description="weights released; null = not checked (imported records)")
    training_code: bool = False
    training_data: bool = Field(default=False, description="data released, or fully described")
    paper: bool = False
    inference_code: bool = False

    def openness(self) -> Openness:
        if self.weights is None:
            return Openness.UNKNOWN
        if not self.weights:
            return Openness.PROPRIETARY
        if self.training_code and self.training_data:
            return Openness.OPEN_SOURCE
        return Openness.OPEN_WEIGHT


class License(Sourced):
    name: str
    spdx: str | None = Field(default=None, description="SPDX id, or LicenseRef-… for custom licences")
    commercial_use: bool | None = Field(description="null = licence not checked (imported records)")
    osi_approved: bool = False
    mau_limit: int | None = Field(
        default=None, description="monthly active users above which a separate licence is needed"
    )
    revenue_limit_usd: int | None = Field(
        default=None, description="annual revenue (USD) above which a separate licence is needed"
    )
    acceptable_use_policy: bool = False
    attribution: str | None = Field(default=None, description="attribution or naming duty, in the licence's words")
    region_exclusions: list[str] = Field(default_factory=list)
    research_only: bool = False
    notes: str | None = None


class Parameters(Sourced):
    total_b: float | None = Field(default=None, gt=0)
    active_b: float | None = Field(
        default=None, gt=0, description="parameters used per token (MoE); equals total for dense"
    )

    @property
    def active_or_total_b(self) -> float | None:
        return self.active_b or self.total_b


class Attention(str, Enum):
    MHA = "mha"
    GQA = "gqa"
    MQA = "mqa"
    MLA = "mla"


class Architecture(Sourced):
    """The figures needed to size weights and KV cache."""

    layers: int | None = Field(default=None, gt=0)
    hidden_size: int | None = Field(default=None, gt=0)
    attention_heads: int | None = Field(default=None, gt=0)
    kv_heads: int | None = Field(default=None, gt=0)
    head_dim: int | None = Field(default=None, gt=0)
    attention: Attention | None = None
    kv_lora_rank: int | None = Field(default=None, gt=0, description="MLA: compressed KV width per layer")
    qk_rope_head_dim: int | None = Field(default=None, gt=0, description="MLA: decoupled RoPE key width")
    sliding_window: int | None = Field(default=None, gt=0)
    sliding_window_layers: int | None = Field(default=None, ge=0, description="layers that use the sliding window")
    experts: int | None = Field(default=None, gt=0)
    experts_per_token: int | None = Field(default=None, gt=0)


InputModality = Literal["text", "image", "audio", "video"]
OutputModality = Literal["text", "image", "audio", "embedding"]


class Capabilities(Sourced):
    context_window: int | None = Field(default=None, gt=0, description="tokens")
    max_output_tokens: int | None = Field(default=None, gt=0)
    input_modalities: list[InputModality] = Field(default_factory=lambda: list[InputModality](["text"]))
    output_modalities: list[OutputModality] = Field(default_factory=lambda: list[OutputModality](["text"]))
    tasks: list[Task]
    tool_calling: bool | None = None
    languages: list[str] = Field(default_factory=list)


class Benchmark(str, Enum):
    LMARENA_TEXT = "lmarena-text"
    MMLU_PRO = "mmlu-pro"
    MMLU = "mmlu"
    AA_INDEX = "aa-intelligence-index"
    MTEB = "mteb"
    WER = "wer"
    OTHER = "other"


class Quality(Sourced):
    benchmark: Benchmark
    score: float
    detail: str | None = Field(default=None, description="setting, e.g. '5-shot' or 'Elo, style control'")


class QualityRecord(SourcedRecord):
    """Benchmark figures kept apart from the model records (quality.yaml): they change more often."""

    model: str
    scores: list[Quality]


class LeaderboardFigure(Strict):
    model: str = Field(description="catalog id; an id not yet in the catalog is kept (it anchors the cross-walks)")
    benchmark: str = Field(description="a benchmark of the quality index (src/llmpick/quality/data/benchmarks.yaml)")
    value: float = Field(allow_inf_nan=False, description="as the leaderboard publishes it (Elo, per cent, WER)")
    entry: str | None = Field(default=None, description="the leaderboard's own name for the model")
    as_of: dt.date | None = Field(default=None, description="this row's date, when it differs from the snapshot's")


class LeaderboardSnapshot(Strict):
    """One leaderboard as published on one date, its entries renamed to catalog ids: the figures the quality
    index is built from (shipped under quality/data/figures/; a catalog overlay may add its own)."""

    source: str = Field(description="the importer that read it, e.g. lmarena-leaderboard-dataset")
    url: str = Field(min_length=1, description="where the snapshot was published (a pinned commit where one exists)")
    as_of: dt.date
    note: str = ""
    vendor_reported: bool = Field(default=False, description="a vendor's own claims: never read by the index")
    figures: tuple[LeaderboardFigure, ...]


class FineTuning(Sourced):
    lora: bool | None = None
    full: bool | None = None
    vendor_api: bool | None = Field(default=None, description="the vendor offers fine-tuning as a service")


Curation = Literal["curated", "imported"]


class Model(SourcedRecord):
    id: str
    name: str
    vendor: str
    family: str
    description: str | None = None
    release: Release
    components: Components
    license: License
    parameters: Parameters | None = None
    architecture: Architecture | None = None
    capabilities: Capabilities
    quality: list[Quality] = Field(default_factory=list)
    fine_tuning: FineTuning | None = None
    supersedes: list[str] = Field(default_factory=list, description="older catalog ids this model replaces")
    hf_repo: str | None = None
    curation: Curation = Field(
        default="curated", description="curated by hand, or imported by `llmpick catalog refresh` (fewer facts checked)"
    )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"id {value!r} must be a lowercase slug (a-z, 0-9, '.', '-')")
        return value

    @property
    def openness(self) -> Openness:
        return self.components.openness()

    @property
    def tasks(self) -> list[Task]:
        return list(self.capabilities.tasks)

    @property
    def is_open(self) -> bool:
        return self.components.weights is True


class ProviderKind(str, Enum):
    """How a route through this provider is deployed (the framework's deployment kinds)."""

    SAAS_API = "saas-api"  # a vendor's own API, or a cloud platform serving proprietary models
    HOSTED_OPEN = "hosted-open"  # a host serving open models as an API
    MANAGED_INFRA = "managed-infra"  # your own endpoint on managed GPUs (SageMaker, HF Inference Endpoints)


class Compliance(Sourced):
    soc2: bool | None = None
    iso27001: bool | None = None
    hipaa_baa: bool | None = None
    gdpr_dpa: bool | None = None
    eu_data_residency: bool | None = None
    zero_data_retention: bool | None = None
    fedramp: Literal["none", "low", "moderate", "high"] | None = None
    pci_dss: bool | None = None


class Support(Sourced):
    sla: str | None = None
    enterprise_support: bool | None = None


class DataLocation(Sourced):
    regions: list[str] = Field(default_factory=list, description="e.g. us, eu, apac, global")


class Provider(SourcedRecord):
    id: str
    name: str
    kind: ProviderKind
    cloud: Literal["aws", "azure", "gcp", "other"] | None = Field(
        default=None, description="the hyperscaler it runs in"
    )
    api_base_url: str | None = None
    openai_compatible: bool = False
    genai_prices_id: str | None = Field(default=None, description="provider id in the genai-prices package")
    compliance: Compliance
    data_location: DataLocation | None = None
    support: Support | None = None


class Price(Sourced):
    """Curated price, only where genai-prices does not know the offering."""

    input_per_mtok: float | None = Field(default=None, ge=0)
    output_per_mtok: float | None = Field(default=None, ge=0)
    cached_input_per_mtok: float | None = Field(default=None, ge=0)
    per_audio_minute: float | None = Field(default=None, ge=0)
    per_million_chars: float | None = Field(default=None, ge=0)
    per_image: float | None = Field(default=None, ge=0)


class Speed(Sourced):
    output_tokens_per_s: float | None = Field(default=None, gt=0)
    ttft_s: float | None = Field(default=None, gt=0)


class GenaiPricesRef(Strict):
    provider: str
    model: str


class OfferingLifecycle(Sourced):
    """When this route opened and when the provider stops serving it (each provider keeps its own schedule).

    A date on or before the day asked about means it has happened; ``status`` is only needed where the
    provider states a status without dates.
    """

    status: Status | None = Field(default=None, description="stated status; otherwise derived from the dates")
    announced_on: dt.date | None = None
    deprecated_on: dt.date | None = None
    shutdown_on: dt.date | None = None
    successor: str | None = Field(default=None, description="catalog model id the provider names as replacement")

    @model_validator(mode="after")
    def _ordered(self) -> OfferingLifecycle:
        if self.deprecated_on and self.shutdown_on and self.shutdown_on < self.deprecated_on:
            raise ValueError(f"shutdown_on {self.shutdown_on} is before deprecated_on {self.deprecated_on}")
        return self


class Offering(SourcedRecord):
    """A model served by a provider: the price, speed and lifecycle of that route."""

    model: str
    provider: str
    api_model_id: str
    genai_prices: GenaiPricesRef | None = None
    voice_prices: GenaiPricesRef | None = Field(
        default=None, description="speech price in the voice-prices package (optional extra 'voice')"
    )
    price: Price | None = None
    speed: Speed | None = None
    lifecycle: OfferingLifecycle | None = None
    batch_discount: float | None = Field(default=None, ge=0, lt=1, description="fraction off with the batch API")
    curation: Curation = "curated"


class RuntimeKind(str, Enum):
    LOCAL = "local"  # a desktop or single machine (Ollama, LM Studio, llama.cpp)
    SERVER = "server"  # a serving engine for your own infrastructure (vLLM, TGI, SGLang, TensorRT-LLM)


class RuntimeSupport(Sourced):
    formats: list[str] = Field(description="quantization formats it runs, ids of the sizing quantization table")
    hardware_kinds: list[Literal["nvidia", "amd", "apple", "cpu"]]
    openai_compatible: bool = False
    tasks: list[Task] = Field(default_factory=lambda: [Task.TEXT, Task.CODE, Task.REASONING])


class Runtime(SourcedRecord):
    id: str
    name: str
    kind: RuntimeKind
    support: RuntimeSupport
    status: Literal["active", "maintenance", "archived"] = Field(
        default="active", description="maintenance: fixes only, no new features; archived: read-only repository"
    )
    notes: str | None = None


class HardwareKind(str, Enum):
    CONSUMER_GPU = "consumer-gpu"
    WORKSTATION_GPU = "workstation-gpu"
    DATACENTER_GPU = "datacenter-gpu"
    APPLE = "apple"
    CPU = "cpu"


class HardwareSpec(Sourced):
    memory_gb: float = Field(
        gt=0, description="GPU memory, or unified memory for Apple silicon (largest configuration)"
    )
    bandwidth_gb_s: float = Field(gt=0, description="memory bandwidth, GB/s")
    fp16_tflops: float | None = Field(
        default=None, gt=0, description="dense FP16/BF16 tensor TFLOPS (FP32 accumulate, no sparsity); see notes"
    )
    tdp_w: float | None = Field(default=None, gt=0, description="board/module power limit, or a Mac's maximum draw")
    idle_w: float | None = Field(default=None, gt=0, description="power drawn when on but idle")
    memory_options_gb: list[float] = Field(default_factory=list, description="other memory sizes sold")


class HardwarePurchase(Sourced):
    usd: float = Field(gt=0, description="purchase price (launch MSRP or street price, as the source says)")


RentCloud = Literal["aws", "azure", "gcp", "other"]


class HardwareRent(Sourced):
    """One provider's published rate for this GPU, always per GPU-hour (instance price ÷ its GPUs)."""

    provider: str = Field(description="who rents it: aws, azure, gcp, lambda, runpod, coreweave, …")
    cloud: RentCloud = Field(default="other", description="the hyperscaler, or other for GPU clouds")
    instance: str | None = Field(default=None, description="instance type or plan, e.g. p5.48xlarge")
    gpus_per_instance: int | None = Field(default=None, gt=0)
    region: str | None = None
    on_demand_usd_per_hour: float | None = Field(default=None, gt=0, description="per GPU-hour")
    reserved_usd_per_hour: float | None = Field(default=None, gt=0, description="per GPU-hour, with commitment")
    reserved_term: str | None = Field(default=None, description="the commitment the reserved rate needs")


class Hardware(SourcedRecord):
    id: str
    name: str
    vendor: Literal["nvidia", "amd", "apple", "intel", "generic"]
    kind: HardwareKind
    spec: HardwareSpec
    purchase: HardwarePurchase | None = None
    rents: list[HardwareRent] = Field(default_factory=list, description="published rates, one per provider offer")

    @model_validator(mode="before")
    @classmethod
    def _single_rent(cls, data: object) -> object:
        # older catalogs and overrides give one `rent:`; it is the one-element list
        if isinstance(data, dict) and "rent" in data:
            data = dict(data)
            rent = data.pop("rent")
            if rent is not None:
                data["rents"] = [*data.get("rents", []), rent]
        return data

    @property
    def rent(self) -> HardwareRent | None:
        """The cheapest on-demand rate of any provider (None when no rate is known)."""
        return _cheapest(self.rents)

    def rent_in(self, cloud: str) -> HardwareRent | None:
        """The cheapest on-demand rate in one cloud (aws, azure, gcp or other)."""
        return _cheapest([r for r in self.rents if r.cloud == cloud])


def _cheapest(rents: list[HardwareRent]) -> HardwareRent | None:
    priced = [r for r in rents if r.on_demand_usd_per_hour is not None]
    return min(priced, key=lambda r: r.on_demand_usd_per_hour or 0.0, default=None)
