"""Specific exceptions, each with a message a user can act on. The CLI maps them to exit code 2."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class LlmpickError(Exception):
    """Base class for every error llmpick reports to a user."""


class CatalogError(LlmpickError):
    """The catalog data (shipped or an override file) is missing, malformed or inconsistent."""


class UnknownIdError(LlmpickError, KeyError):
    """An id (model, provider, runtime, hardware, preset) that the catalog does not have."""

    def __init__(self, kind: str, value: str, allowed: list[str]) -> None:
        self.kind = kind
        self.value = value
        self.allowed = allowed
        close = difflib.get_close_matches(value, allowed, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        shown = ", ".join(allowed[:40]) + (", …" if len(allowed) > 40 else "")
        super().__init__(f"unknown {kind} {value!r}{hint} (known: {shown})")

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class ProfileError(LlmpickError):
    """A requirements profile that cannot be read or validated."""

    def __init__(self, problems: list[str], source: str = "profile") -> None:
        self.problems = problems
        self.source = source
        super().__init__(f"{source}: " + "; ".join(problems))


class EstimateError(LlmpickError):
    """An estimate asked for with impossible inputs (zero sizes, a format a runtime cannot run, …)."""


def first_problem(exc: ValidationError) -> tuple[str, str]:
    """Where a record first fails its schema (the dotted path of the field) and why: for one-line messages."""
    first = exc.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first["msg"]
