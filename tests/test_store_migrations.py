"""Schema migrations: an older database upgrades in place and keeps every record."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from llmpick.engine import recommend
from llmpick.presets import load_preset
from llmpick.store.db import dispose_engines, get_engine
from llmpick.store.decisions import DecisionStore
from llmpick.store.errors import StoreError
from llmpick.store.migrations import LATEST, MIGRATIONS, current_version, migrate

V1_SCHEMA = """
CREATE TABLE llmpick_schema (version INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, applied_at VARCHAR(40) NOT NULL);
INSERT INTO llmpick_schema VALUES (1, 'create decisions', '2026-01-05T10:00:00+00:00');
CREATE TABLE decisions (
  id VARCHAR(32) PRIMARY KEY, created_at VARCHAR(40) NOT NULL, name TEXT NOT NULL, profile_json TEXT NOT NULL,
  result_json TEXT NOT NULL, catalog_version VARCHAR(64) NOT NULL, catalog_as_of VARCHAR(10) NOT NULL);
"""


def _v1_database(path: Path) -> dict[str, object]:
    """A database as llmpick's first schema wrote it, with one decision in it, built by hand."""
    profile = load_preset("startup")
    result = recommend(profile).to_json_dict()
    con = sqlite3.connect(path)
    con.executescript(V1_SCHEMA)
    con.execute(
        "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            "old1",
            "2026-01-05T10:00:01+00:00",
            "Old <decision>",
            json.dumps(profile.model_dump(mode="json")),
            json.dumps(result),
            str(result["catalog_version"]),
            str(result["catalog_as_of"]),
        ),
    )
    con.commit()
    con.close()
    return result


def test_migrations_are_numbered_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))


def test_v1_database_upgrades_and_keeps_its_record(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    result = _v1_database(path)
    engine = create_engine(f"sqlite:///{path}")
    assert current_version(engine) == 1
    assert migrate(engine) == list(range(2, LATEST + 1))
    assert current_version(engine) == LATEST
    assert migrate(engine) == []  # idempotent
    decision = DecisionStore(engine).get("old1")
    assert decision.name == "Old <decision>" and decision.result_data == result
    assert decision.llmpick_version is None  # unknown for records older than the column
    top = result["recommendations"][0]  # type: ignore[index]
    assert decision.best_route and top["name"] in decision.best_route  # backfilled by migration 3
    assert decision.monthly_cost_usd == top["monthly_cost_usd"]
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM llmpick_schema ORDER BY version")).scalars().all()
    assert versions == list(range(1, LATEST + 1))


def test_get_engine_migrates_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _v1_database(path)
    engine = get_engine(f"sqlite:///{path}")
    assert current_version(engine) == LATEST
    assert [d.id for d in DecisionStore(engine).list()] == ["old1"]
    dispose_engines()


def test_new_database_starts_at_the_latest_version(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert current_version(engine) == 0
    migrate(engine)
    assert current_version(engine) == LATEST and DecisionStore(engine).count() == 0


def test_a_newer_database_is_refused_not_damaged(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'future.sqlite'}")
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO llmpick_schema VALUES (:v, 'from the future', 'x')"), {"v": LATEST + 1})
    with pytest.raises(StoreError, match="upgrade llmpick"):
        migrate(engine)
