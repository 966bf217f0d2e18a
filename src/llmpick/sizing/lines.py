"""The shapes a cost is reported in: one line of a monthly cost, one point of a cost curve.

They live with the cost model that makes them (sizing); the recommendation contract (engine.result) reuses
them, so the layers point one way.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CostLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str
    usd: float
    basis: str


class CurvePoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requests_per_day: float
    monthly_cost_usd: float
