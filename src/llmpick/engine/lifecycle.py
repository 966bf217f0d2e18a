"""Where a route stands in its lifecycle on the recommendation's as-of date.

An API offering is retired when its shut-down date has passed (per offering: a vendor's API, Bedrock and Vertex
retire on their own schedules). Open weights never retire for the routes you run yourself: a vendor switching off
its API does not take the weights away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llmpick.catalog.schema import Model, Offering, Status


@dataclass(frozen=True)
class Standing:
    status: str  # active | deprecated | retired
    shutdown_on: dt.date | None
    successor: str | None
    where: str  # "the model" or "this offering"


def standing(model: Model, offering: Offering | None, as_of: dt.date, *, self_run: bool) -> Standing:
    """The route's status at `as_of`: the offering's own dates first, then the model's (API routes only)."""
    if self_run:
        return Standing("active", None, None, "the weights")
    life = getattr(offering, "lifecycle", None) if offering is not None else None
    if life is not None:
        shutdown = getattr(life, "shutdown_on", None)
        deprecated = getattr(life, "deprecated_on", None)
        successor = getattr(life, "successor", None) or model.release.successor
        status = _status(getattr(life, "status", None), deprecated, shutdown, as_of)
        if status != "active" or shutdown is not None:
            return Standing(status, shutdown, successor, "this offering")
    release = model.release
    status = _status(release.status, release.deprecated_on, release.retired_on, as_of)
    return Standing(status, release.retired_on, release.successor, "the model")


def _status(recorded: Status | str | None, deprecated_on: dt.date | None, shutdown_on: dt.date | None, as_of: dt.date) -> str:
    value = recorded.value if isinstance(recorded, Status) else (recorded or "active")
    if shutdown_on is not None:
        return "retired" if shutdown_on <= as_of else ("deprecated" if value != "active" or deprecated_on else value)
    if deprecated_on is not None and deprecated_on <= as_of and value == "active":
        return "deprecated"
    return value
