"""Where a model and each of its routes stand on a given day.

A model's own ``release`` says whether the model still exists (a proprietary model that its vendor
shut down everywhere); each offering's ``lifecycle`` says when *that provider* stops serving it, so an
Apache-2.0 model that one API retired stays runnable elsewhere. Every date on or before the day asked
about has happened; later dates are plans. The engine asks these helpers instead of reading fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llmpick.catalog.schema import Model, Offering, Status


@dataclass(frozen=True)
class LifecycleState:
    """The status on one day, with the dates behind it."""

    status: Status
    deprecated_on: dt.date | None = None
    shutdown_on: dt.date | None = None
    successor: str | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        # unpacks as (status, shutdown_on, successor), the shape callers mostly need
        return iter((self.status, self.shutdown_on, self.successor))

    def shuts_down_within(self, at: dt.date, days: int) -> bool:
        """A shutdown is planned after `at` and no later than `days` days after it."""
        return self.shutdown_on is not None and at < self.shutdown_on <= at + dt.timedelta(days=days)


def _derive(stated: Status | None, deprecated_on: dt.date | None, shutdown_on: dt.date | None, at: dt.date) -> Status:
    if shutdown_on is not None and shutdown_on <= at:
        return Status.RETIRED
    if deprecated_on is not None and deprecated_on <= at:
        return Status.DEPRECATED
    if stated is Status.RETIRED and shutdown_on is not None:
        # a retirement announced for a later day: deprecated until then
        return Status.DEPRECATED
    if stated is not None and (deprecated_on is None or stated is not Status.DEPRECATED):
        return stated
    return Status.ACTIVE


def model_status(model: Model, at: dt.date) -> LifecycleState:
    """The model itself on day `at`: retired only where the model is gone (not merely one API's endpoint)."""
    release = model.release
    status = _derive(release.status, release.deprecated_on, release.retired_on, at)
    if model.is_open and status is Status.RETIRED:
        status = Status.DEPRECATED  # released weights cannot be withdrawn; the vendor no longer backs them
    return LifecycleState(status, release.deprecated_on, release.retired_on, release.successor)


def offering_status(offering: Offering, model: Model, at: dt.date) -> LifecycleState:
    """This route on day `at`: its own schedule, or the model's where the provider is the model's vendor and
    the offering records none (a proprietary model retired by its vendor is gone from its own API)."""
    life = offering.lifecycle
    if life is not None:
        status = _derive(life.status, life.deprecated_on, life.shutdown_on, at)
        state = LifecycleState(status, life.deprecated_on, life.shutdown_on, life.successor or model.release.successor)
    else:
        state = LifecycleState(Status.ACTIVE)
    if model.is_open:
        return state
    # a proprietary model that is gone is gone on every route; one its vendor deprecated carries that too
    own = model_status(model, at)
    if _rank(own.status) > _rank(state.status):
        return LifecycleState(
            own.status,
            state.deprecated_on or own.deprecated_on,
            state.shutdown_on or own.shutdown_on,
            state.successor or own.successor,
        )
    if state.shutdown_on is None and own.shutdown_on is not None and life is None:
        return LifecycleState(state.status, own.deprecated_on, own.shutdown_on, own.successor)
    return state


def _rank(status: Status) -> int:
    return {Status.ACTIVE: 0, Status.DEPRECATED: 1, Status.RETIRED: 2}[status]
