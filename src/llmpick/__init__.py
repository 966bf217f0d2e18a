"""llmpick: choose the right LLM — openness, task, precision and deployment — with sourced, costed answers."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """`llmpick.__version__`, read on first use: importlib.metadata takes a twentieth of a second to import, and
    most commands never show the version."""
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("llmpick")
    except PackageNotFoundError:  # running from a source tree without installation
        found = "0.0.0"
    globals()["__version__"] = found
    return found
