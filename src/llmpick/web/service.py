"""The work behind both the API and the pages: recommend, estimate, fit."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from fastapi import Path

from llmpick.engine.result import Recommendation
from llmpick.errors import EstimateError, ProfileError
from llmpick.profile import Profile, check_against_catalog
from llmpick.web.compression import GZIP_LEVEL
from llmpick.web.schemas import EstimateRequest, FitRequest
from llmpick.web.state import AppState
from llmpick.yamlio import check_data

DECISION_ID = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="decision id")


def checked(data: Any, source: str) -> Any:
    """``data`` when every number is finite and in bounds and the nesting is shallow; else ProfileError."""
    problems = check_data(data)
    if problems:
        raise ProfileError(problems, source)
    return data


def check_hardware(st: AppState, profile: Profile) -> None:
    check_against_catalog(profile, st.catalog.hardware, "body")


@dataclass(frozen=True)
class Answer:
    """A recommendation's JSON document, serialised once: a cache hit sends the bytes as they are.

    The cache keeps bytes, not the Recommendation: a kept object tree (thousands of tracked objects per answer,
    hundreds of answers) made every full garbage collection of a worker walk it, a pause of up to a second for
    every request in flight. A page or a saved decision reads the object back (`recommendation()`, ~4 ms)."""

    body: bytes

    @cached_property
    def gzipped(self) -> bytes:
        """The document gzip-compressed, made the first time a client accepts it and kept with the answer: the
        exclusions make it hundreds of kilobytes, mostly repeated reasons, that compress about twentyfold."""
        return gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0)

    def recommendation(self) -> Recommendation:
        return Recommendation.model_validate_json(self.body)


def _key(st: AppState, profile: Profile, top: int, day: dt.date) -> tuple[str, int, str, str, str]:
    profile_json = json.dumps(profile.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return (profile_json, top, st.catalog.version, st.catalog.as_of.isoformat(), day.isoformat())


def cached_answer(st: AppState, profile: Profile, top: int = 5) -> Answer | None:
    """The answer when the same profile was asked today already (cheap: the API checks it before handing the
    request to a worker thread)."""
    found = st.results.get(_key(st, profile, top, dt.date.today()))
    return found if isinstance(found, Answer) else None


def answer(st: AppState, profile: Profile, top: int = 5) -> Answer:
    """The engine's answer, from the app's cache when the same profile was asked before (the engine is
    deterministic for a profile, a catalog and a day)."""
    from llmpick.engine import recommend as run_engine

    day = dt.date.today()  # one reading of the clock: the cache key and the answer share the as-of date
    key = _key(st, profile, top, day)

    def compute() -> Answer:
        rec = run_engine(profile, st.catalog, top=top, as_of=day)
        return Answer(rec.to_json().encode())

    return st.results.get_or_compute(key, compute)  # type: ignore[no-any-return]


def recommend(st: AppState, profile: Profile, top: int = 5) -> Recommendation:
    return answer(st, profile, top).recommendation()


def cost(st: AppState, profile: Profile, model_id: str | None = None) -> dict[str, Any]:
    from llmpick.engine.cost_report import cost_report

    if model_id is not None:
        st.catalog.model(model_id)  # unknown id → 404 naming the known ones
    return cost_report(profile, st.catalog, model_id=model_id)


def _specs(st: AppState, body: EstimateRequest | FitRequest):  # type: ignore[no-untyped-def]
    from llmpick.sizing.specs import DeviceSpec, ModelSpec

    model = st.catalog.model(body.model)
    spec = ModelSpec.from_model(model)
    if spec is None:
        raise EstimateError(f"model: {model.id} has no published parameter count, so it cannot be sized (closed model)")
    device = DeviceSpec.from_hardware(st.catalog.device(body.hardware), body.memory_gb)
    return spec, device


def estimate(st: AppState, body: EstimateRequest):  # type: ignore[no-untyped-def]
    from llmpick.sizing import estimate as run

    spec, device = _specs(st, body)
    return run(
        spec,
        device,
        count=body.count,
        quantization=body.quantization,
        runtime=body.runtime,
        context=body.context,
        concurrency=body.concurrency,
    )


def best_fit(st: AppState, body: FitRequest):  # type: ignore[no-untyped-def]
    from llmpick.sizing import best_fit as run

    spec, device = _specs(st, body)
    return run(spec, device, count=body.count, runtime=body.runtime, context=body.context, concurrency=body.concurrency)
