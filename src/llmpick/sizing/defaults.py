"""The sizing and cost defaults, read from ``data/defaults.yaml`` (each value with its source and reasoning)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from llmpick.yamlio import load_yaml


@dataclass(frozen=True)
class Default:
    """One default value with the source it rests on."""

    name: str
    value: Any
    unit: str
    source: str
    as_of: str
    note: str


@cache
def _raw() -> dict[str, Any]:
    path = resources.files("llmpick.sizing") / "data" / "defaults.yaml"
    return load_yaml(path.read_text(encoding="utf-8"))


@cache
def cost_defaults() -> dict[str, Default]:
    """Cost defaults by name (the overridable ones share their names with ``CostAssumptions`` fields)."""
    return {
        name: Default(
            name, row["value"], row.get("unit", ""), row["source"], str(row["as_of"]), row.get("note", "").strip()
        )
        for name, row in _raw()["cost"].items()
    }


@cache
def memory_defaults() -> dict[str, Any]:
    """Memory constants (values only) used by :mod:`llmpick.sizing.memory`."""
    return {name: row["value"] for name, row in _raw()["memory"].items()}


def memory_sources() -> dict[str, str]:
    return {name: row["source"] for name, row in _raw()["memory"].items()}
