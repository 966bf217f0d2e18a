"""Shared fixtures: the shipped catalog, a CLI runner, and a way to write profiles to disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_builtin_catalog
from llmpick.cli.main import app
from llmpick.profile import Profile, parse_profile


@pytest.fixture(autouse=True, scope="session")
def _no_user_catalog_overlay(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read the developer's own refresh overlay or $LLMPICK_CATALOG, and keep their disk cache (sizing
    shapes, quotes, the parsed catalog) in a folder of the session's own, not the developer's cache folder."""
    import os

    os.environ["LLMPICK_CATALOG_OVERLAY"] = str(tmp_path_factory.mktemp("overlay") / "overlay.yaml")
    os.environ.pop("LLMPICK_CATALOG", None)
    os.environ["LLMPICK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_builtin_catalog()


@pytest.fixture()
def cli() -> Callable[..., Any]:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Any:
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture()
def write_profile(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def write(data: dict[str, Any], name: str = "profile.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return path

    return write


def make_profile(**fields: Any) -> Profile:
    """A valid profile: name and tasks filled in, the rest from `fields`."""
    data: dict[str, Any] = {"name": "test", "tasks": ["text"]}
    data.update(fields)
    return parse_profile(data)
