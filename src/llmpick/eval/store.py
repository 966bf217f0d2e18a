"""The results database (SQLAlchemy; SQLite by default at ``<suite dir>/.llmpick/eval.sqlite``).

Every finished cell is committed at once, so a killed run resumes without redoing finished cells.
Successful calls are also cached by a hash of (model, base URL, messages, parameters, repeat).
A numbered ``schema_version`` table records the migrations applied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

SCHEMA_VERSION = 2
metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime, nullable=False),
    Column("note", Text),
)

runs = Table(
    "eval_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_key", String(64), nullable=False, index=True),
    Column("suite", Text, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("config", JSON, nullable=False),
)

cells = Table(
    "eval_cells",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("eval_runs.id"), nullable=False),
    Column("test_id", String(200), nullable=False),
    Column("endpoint", String(300), nullable=False),
    Column("repeat", Integer, nullable=False),
    Column("status", String(10), nullable=False),  # ok | error
    Column("error_kind", String(20)),
    Column("error", Text),
    Column("output", Text),
    Column("latency_s", Float),
    Column("ttft_s", Float),
    Column("tokens_per_s", Float),
    Column("input_tokens", Integer),
    Column("output_tokens", Integer),
    Column("usage_source", String(10)),
    Column("cost_usd", Float),
    Column("passed", Boolean),
    Column("score", Float),
    Column("cached", Boolean, nullable=False, default=False),
    Column("attempts", Integer),
    Column("assertions", JSON),
    Column("finished_at", DateTime, nullable=False),
    # version 2
    Column("task", String(100)),
    Column("quality_passed", Boolean),  # every quality check passed (latency and cost left out)
    Column("check_errors", Integer),  # checks that could not be evaluated
    Column("finish_reason", String(40)),
    Column("queue_s", Float),  # waiting for a free slot on our side, before the request was sent
    Column("served_model", String(300)),  # the model name the server said answered
    Column("notes", JSON),
    UniqueConstraint("run_id", "test_id", "endpoint", "repeat", name="one_result_per_cell"),
)

call_cache = Table(
    "call_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("result", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Migrations after version 1, applied in order by `migrate` (a new database is created at SCHEMA_VERSION).
MIGRATIONS: dict[int, list[str]] = {
    2: [
        "ALTER TABLE eval_cells ADD COLUMN task VARCHAR(100)",
        "ALTER TABLE eval_cells ADD COLUMN quality_passed BOOLEAN",
        "ALTER TABLE eval_cells ADD COLUMN check_errors INTEGER",
        "ALTER TABLE eval_cells ADD COLUMN finish_reason VARCHAR(40)",
        "ALTER TABLE eval_cells ADD COLUMN queue_s FLOAT",
        "ALTER TABLE eval_cells ADD COLUMN served_model VARCHAR(300)",
        "ALTER TABLE eval_cells ADD COLUMN notes JSON",
    ],
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def default_url(suite_path: Path) -> str:
    folder = suite_path.resolve().parent / ".llmpick"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'eval.sqlite'}"


def cache_key(
    model: str, base_url: str | None, messages: list[dict[str, str]], params: dict[str, Any], repeat: int
) -> str:
    blob = json.dumps([model, base_url or "", messages, params, repeat], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class Store:
    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    def migrate(self) -> None:
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            current = conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).first()
            version = current[0] if current else 0
            if version == 0:
                conn.execute(insert(schema_version).values(version=SCHEMA_VERSION, applied_at=now(), note="initial"))
                version = SCHEMA_VERSION
            for target in sorted(v for v in MIGRATIONS if v > version):
                for statement in MIGRATIONS[target]:
                    conn.exec_driver_sql(statement)
                conn.execute(insert(schema_version).values(version=target, applied_at=now()))

    def version(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).scalar_one()
            )

    # runs -------------------------------------------------------------------------------------------------
    def open_run(self, run_key: str, suite: str, config: dict[str, Any]) -> tuple[int, bool]:
        """(run id, resumed): the unfinished run with this key, or a new one."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(runs.c.id)
                .where(runs.c.run_key == run_key, runs.c.finished_at.is_(None))
                .order_by(runs.c.id.desc())
            ).first()
            if row is not None:
                return int(row[0]), True
            result = conn.execute(insert(runs).values(run_key=run_key, suite=suite, started_at=now(), config=config))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0]), False

    def finish_run(self, run_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(finished_at=now()))

    def run(self, run_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().one()
            return dict(row)

    def runs(self) -> list[dict[str, Any]]:
        """Every run, newest first, with its cell count."""
        from sqlalchemy import func

        with self.engine.connect() as conn:
            counted = conn.execute(select(cells.c.run_id, func.count()).group_by(cells.c.run_id)).all()
            counts: dict[int, int] = {int(r[0]): int(r[1]) for r in counted}
            rows = conn.execute(select(runs).order_by(runs.c.id.desc())).mappings()
            return [{**dict(r), "cells": int(counts.get(r["id"], 0))} for r in rows]

    def latest_run(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(runs.c.id).order_by(runs.c.id.desc())).scalar()

    # cells ------------------------------------------------------------------------------------------------
    def done(self, run_id: int) -> set[tuple[str, str, int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cells.c.test_id, cells.c.endpoint, cells.c.repeat).where(cells.c.run_id == run_id)
            )
            return {(r[0], r[1], int(r[2])) for r in rows}

    def save_cell(self, run_id: int, values: dict[str, Any]) -> bool:
        """Commit one finished cell; False when the cell was already stored (never stored twice)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(cells).values(run_id=run_id, finished_at=now(), **values))
        except IntegrityError:
            return False
        return True

    def cells(self, run_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(cells).where(cells.c.run_id == run_id).order_by(cells.c.id)).mappings()
            return [dict(r) for r in rows]

    # cache ------------------------------------------------------------------------------------------------
    def cached(self, key: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(call_cache.c.result).where(call_cache.c.key == key)).scalar()
            return dict(value) if value else None

    def clear_cache(self) -> int:
        from sqlalchemy import delete

        with self.engine.begin() as conn:
            return int(conn.execute(delete(call_cache)).rowcount or 0)

    def cache(self, key: str, result: dict[str, Any]) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(call_cache).values(key=key, result=result, created_at=now()))
        except IntegrityError:
            pass

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
