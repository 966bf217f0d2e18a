"""Request and response bodies of the REST API (the recommendation itself is llmpick.engine.result)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from llmpick.engine.result import Recommendation
from llmpick.store.diff import Diff


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Validated(BaseModel):
    valid: bool = True
    profile: dict[str, Any] = Field(description="the profile with every default filled in")
    yaml: str


class EstimateRequest(Body):
    model: str = Field(description="catalog model id (an open model with a known parameter count)", max_length=200)
    hardware: str = Field(description="catalog hardware id", max_length=200)
    count: int = Field(1, ge=1, le=64, description="devices the model is split over")
    quantization: str | None = Field(None, max_length=40, description="weight format; null = the runtime's default")
    runtime: str | None = Field(None, max_length=40, description="serving runtime; null = the device's usual one")
    context: int = Field(4096, ge=1, le=10_000_000, description="tokens per sequence")
    concurrency: int = Field(1, ge=1, le=4096, description="sequences in flight")
    memory_gb: float | None = Field(
        None, gt=0, le=100_000, description="memory of this unit when it differs from the catalog's"
    )


class FitRequest(Body):
    model: str = Field(max_length=200)
    hardware: str = Field(max_length=200)
    count: int = Field(1, ge=1, le=64)
    runtime: str | None = Field(None, max_length=40)
    context: int = Field(4096, ge=1, le=10_000_000)
    concurrency: int = Field(1, ge=1, le=4096)
    memory_gb: float | None = Field(None, gt=0, le=100_000)


class CostRequest(Body):
    profile: dict[str, Any] = Field(description="a requirements profile: its workload is costed")
    model: str | None = Field(None, max_length=200, description="only this catalog model, all its routes")


class DecisionCreate(Body):
    profile: dict[str, Any] = Field(description="a requirements profile")
    top: int = Field(5, ge=1, le=50)
    name: str | None = Field(None, max_length=200, description="label for the record (default: the profile's name)")


class DecisionOut(BaseModel):
    id: str
    created_at: str
    name: str
    catalog_version: str
    catalog_as_of: str
    llmpick_version: str | None
    best_route: str | None
    monthly_cost_usd: float | None


class DecisionFull(DecisionOut):
    profile: dict[str, Any]
    result: dict[str, Any]


class DecisionList(BaseModel):
    total: int
    items: list[DecisionOut]


class Rerun(BaseModel):
    recommendation: Recommendation
    diff: Diff
    saved_as: str | None = None


class Health(BaseModel):
    status: str
    version: str
    catalog_version: str
    catalog_as_of: str
    database: str
    decisions: int | None


class SourceRef(BaseModel):
    url: str
    as_of: str


class ModelSummaryOut(BaseModel):
    """A model in the list (the shape of `llmpick catalog list --format json`; keys may be added)."""

    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    vendor: str
    family: str | None = None
    openness: str
    license: str | None = None
    license_name: str | None = None
    commercial_use: bool | None = None
    tasks: list[str]
    params_b: float | None = None
    active_params_b: float | None = None
    context_window: int | None = None
    release_date: str | None = None
    status: str
    successor: str | None = None
    providers: list[str] = Field(default_factory=list)
    sources: dict[str, SourceRef] = Field(default_factory=dict)


class ModelDetailOut(BaseModel):
    """Every fact of a model with its sources (the catalog's Model shape), plus its offerings and prices."""

    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    openness: str
    offerings: list[dict[str, Any]] = Field(default_factory=list)
