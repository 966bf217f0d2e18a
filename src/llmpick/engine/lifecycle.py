"""Where a route stands in its lifecycle on the recommendation's as-of date (the engine's view of
`llmpick.catalog.lifecycle`, which owns the dates).

An API offering is retired when its own shut-down date has passed (a vendor's API, Bedrock and Vertex retire on
their own schedules). Open weights never retire for the routes you run yourself: a vendor switching off its API
does not take the weights away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llmpick.catalog.lifecycle import model_status, offering_status
from llmpick.catalog.schema import Model, Offering
from llmpick.memo import RecordMemo


@dataclass(frozen=True)
class Standing:
    status: str  # active | deprecated | retired
    shutdown_on: dt.date | None
    successor: str | None
    where: str  # "the model", "this offering" or "the weights"


_KNOWN: RecordMemo[Standing] = RecordMemo()


def standing(model: Model, offering: Offering | None, as_of: dt.date, *, self_run: bool) -> Standing:
    """The route's status at `as_of`: the offering's schedule for API routes, the weights' for self-run ones.
    Remembered per (catalog record, day): every run asks it of a thousand routes."""
    return _KNOWN.get(
        (model, offering), (as_of, self_run), lambda: _standing(model, offering, as_of, self_run=self_run)
    )


def _standing(model: Model, offering: Offering | None, as_of: dt.date, *, self_run: bool) -> Standing:
    if self_run or offering is None:
        state = model_status(model, as_of)
        where = "the weights" if model.is_open else "the model"
        shutdown = None if model.is_open else state.shutdown_on
        return Standing(state.status.value, shutdown, state.successor, where)
    state = offering_status(offering, model, as_of)
    where = "this offering" if offering.lifecycle is not None else "the model"
    return Standing(state.status.value, state.shutdown_on, state.successor, where)
