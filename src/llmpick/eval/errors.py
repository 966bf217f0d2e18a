"""Classify an SDK failure (openai or anthropic: both are built the same way) into a per-cell error."""

from __future__ import annotations

import json
from typing import Any

from llmpick.eval.endpoints import CallError, redact

# The longest wait a Retry-After header gets (seconds); a server asking for more is waited on this long
# and the cell says so. Documented in docs/eval.md.
MAX_RETRY_AFTER_S = 60.0


def classify(exc: BaseException, secrets: list[str]) -> CallError:
    status = getattr(exc, "status_code", None)
    message = redact(_message(exc), secrets)
    if isinstance(status, int):
        headers = getattr(getattr(exc, "response", None), "headers", None) or {}
        if status in (401, 403):
            return CallError("auth", message, status)
        if status == 404:
            return CallError("not-found", message, status)
        if status == 429:
            return CallError("rate-limited", message, status, _retry_after(headers))
        if status >= 500:
            return CallError("server", message, status, _retry_after(headers))
        return CallError("bad-request", message, status)
    name = type(exc).__name__
    if "Timeout" in name:
        return CallError("timeout", message)
    if "Connection" in name or "Transport" in name or isinstance(exc, OSError):
        return CallError("unreachable", message or "cannot connect")
    if isinstance(exc, json.JSONDecodeError | ValueError | KeyError | AttributeError) or "Validation" in name:
        return CallError("malformed", f"unexpected response: {message or name}")
    return CallError("internal", f"{name}: {message}")


def _message(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if cause is not None and "Connection" in type(exc).__name__:
        text = f"{text} ({type(cause).__name__}: {cause})"
    return text[:500]


def _retry_after(headers: Any) -> float | None:
    try:
        value = float(headers.get("retry-after"))
    except (TypeError, ValueError):
        return None
    return max(value, 0.0)  # the runner caps it (MAX_RETRY_AFTER_S) and notes when it did
