"""`llmpick recommend --save` and `llmpick decisions list|show|delete|rerun`; `llmpick serve --help`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("sqlalchemy", reason="decision records need the web extra: pip install -e '.[web]'")


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def test_decisions_round_trip(cli: Callable[..., Any], db: str) -> None:
    saved = cli("recommend", "--preset", "startup", "--save", "--db", db, "-f", "json")
    assert saved.exit_code == 0, saved.output
    listed = cli("decisions", "list", "--db", db, "--format", "json")
    assert listed.exit_code == 0
    (item,) = json.loads(listed.stdout)
    assert item["name"] and item["best_route"]
    table = cli("decisions", "list", "--db", db)
    assert item["id"] in table.stdout
    shown = cli("decisions", "show", item["id"], "--db", db, "--format", "json")
    assert json.loads(shown.stdout)["result"]["schema"] == "llmpick.recommendation/1"
    assert cli("decisions", "show", item["id"], "--db", db).exit_code == 0
    rerun = cli("decisions", "rerun", item["id"], "--db", db)
    assert rerun.exit_code == 0 and "nothing changed" in rerun.stdout
    rerun_json = json.loads(cli("decisions", "rerun", item["id"], "--db", db, "-f", "json", "--save").stdout)
    assert rerun_json["diff"]["best_changed"] is False and rerun_json["saved_as"]
    assert cli("decisions", "delete", item["id"], "--db", db).exit_code == 0
    missing = cli("decisions", "show", item["id"], "--db", db)
    assert missing.exit_code == 2 and "no decision" in missing.output


def test_serve_defaults_to_loopback(cli: Callable[..., Any]) -> None:
    result = cli("serve", "--help")
    assert result.exit_code == 0 and "127.0.0.1" in result.stdout
