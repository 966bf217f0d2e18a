"""YAML reading with libyaml's C parser when PyYAML was built with it (several times faster on the catalog)."""

from __future__ import annotations

from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML safely (no arbitrary objects); raises yaml.YAMLError with a problem_mark on bad input."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
