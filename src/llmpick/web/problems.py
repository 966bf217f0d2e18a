"""Errors as RFC 9457 ``application/problem+json``, each naming the failing field's path where there is one."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from llmpick.errors import EstimateError, LlmpickError, ProfileError, UnknownIdError

MEDIA_TYPE = "application/problem+json"
_MODEL_ERROR = re.compile(r"^Value error, ([a-z_][a-z0-9_.]*): (.*)$", re.DOTALL)


class FieldProblem(BaseModel):
    path: str = Field(description="dotted path of the failing field, e.g. workload.requests_per_day")
    message: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    kind: str | None = None,
    errors: list[FieldProblem] | None = None,
    instance: str | None = None,
) -> ProblemResponse:
    body = Problem(
        type=f"urn:llmpick:problem:{kind}" if kind else "about:blank",
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors or [],
    )
    return ProblemResponse(body.model_dump(exclude_none=True), status_code=status)


def split_problem(text: str, prefix: str = "") -> FieldProblem:
    """'workload.requests_per_day: must be ≥ 0' → path + message (ProfileError's format)."""
    head, sep, rest = text.partition(": ")
    inner = _MODEL_ERROR.match(rest) if head == "profile" else None
    if inner:  # a whole-profile check that names its field: "profile: Value error, data.air_gapped: …"
        head, rest = inner.group(1), inner.group(2)
    if sep and head and " " not in head:
        return FieldProblem(path=prefix + head, message=rest)
    return FieldProblem(path=prefix.rstrip(".") or "profile", message=text)


def profile_problems(exc: ProfileError, prefix: str = "") -> list[FieldProblem]:
    return [split_problem(p, prefix) for p in exc.problems]


def validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    out = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
        out.append(FieldProblem(path=".".join(loc) or "body", message=str(error.get("msg", "invalid"))))
    return out


def to_problem(request: Request, exc: Exception) -> ProblemResponse:
    """Map llmpick's errors to problem responses (unexpected errors: a bare 500, nothing leaked)."""
    path = request.url.path
    if isinstance(exc, RequestValidationError):
        return problem(
            422,
            "Invalid request",
            "some fields are not valid",
            kind="invalid-request",
            errors=validation_problems(exc),
            instance=path,
        )
    if isinstance(exc, ProfileError):
        prefix = "profile." if exc.source == "body.profile" else ""
        return problem(
            422,
            "Invalid profile",
            str(exc),
            kind="invalid-profile",
            errors=profile_problems(exc, prefix),
            instance=path,
        )
    from llmpick.store.decisions import DecisionNotFound, ReadOnlyStore

    if isinstance(exc, ReadOnlyStore):
        return problem(403, "Read-only instance", str(exc), kind="read-only", instance=path)
    if isinstance(exc, DecisionNotFound):
        return problem(404, "Decision not found", str(exc), kind="not-found", instance=path)
    if isinstance(exc, UnknownIdError):
        return problem(
            404,
            f"Unknown {exc.kind}",
            str(exc),
            kind="not-found",
            errors=[FieldProblem(path=exc.kind, message=str(exc))],
            instance=path,
        )
    if isinstance(exc, EstimateError):
        field = split_problem(str(exc))
        field.path = field.path.lstrip("-").replace("-", "_")
        return problem(422, "Impossible estimate", str(exc), kind="invalid-estimate", errors=[field], instance=path)
    if isinstance(exc, RecursionError):  # a body nested deeper than Python's parser goes
        return problem(
            422,
            "Invalid request",
            "the body is nested too deeply",
            kind="invalid-request",
            errors=[FieldProblem(path="body", message="nested too deeply")],
            instance=path,
        )
    if isinstance(exc, LlmpickError):
        return problem(400, "Cannot do that", str(exc), kind="bad-request", instance=path)
    return problem(500, "Internal error", "the server hit an unexpected error; it has been logged", instance=path)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for problem responses."""
    return {code: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": "problem"} for code in codes}
