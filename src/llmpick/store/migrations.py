"""Numbered schema migrations, applied in order and recorded in ``llmpick_schema``.

A migration is only ever added, never edited or removed, so a database written by any earlier
llmpick upgrades in place without losing a record. Each runs in its own transaction together
with the row that records it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from llmpick.store.errors import StoreError

SCHEMA_TABLE = "llmpick_schema"

_meta = MetaData()
schema_table = Table(
    SCHEMA_TABLE,
    _meta,
    Column("version", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("applied_at", String(40), nullable=False),
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


MIGRATIONS: list[Migration] = []


def migration(version: int, name: str) -> Callable[[Callable[[Connection], None]], Callable[[Connection], None]]:
    def register(func: Callable[[Connection], None]) -> Callable[[Connection], None]:
        assert not MIGRATIONS or MIGRATIONS[-1].version == version - 1, "migrations are numbered 1, 2, 3, …"
        MIGRATIONS.append(Migration(version, name, func))
        return func

    return register


@migration(1, "create decisions")
def _m001_create_decisions(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TABLE decisions ("
            " id VARCHAR(32) PRIMARY KEY,"
            " created_at VARCHAR(40) NOT NULL,"
            " name TEXT NOT NULL,"
            " profile_json TEXT NOT NULL,"
            " result_json TEXT NOT NULL,"
            " catalog_version VARCHAR(64) NOT NULL,"
            " catalog_as_of VARCHAR(10) NOT NULL)"
        )
    )


@migration(2, "record llmpick version; index by time")
def _m002_version_and_index(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE decisions ADD COLUMN llmpick_version VARCHAR(32)"))
    conn.execute(text("CREATE INDEX ix_decisions_created_at ON decisions (created_at)"))


@migration(3, "summary columns for the decision list, backfilled")
def _m003_summary(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE decisions ADD COLUMN best_route TEXT"))
    conn.execute(text("ALTER TABLE decisions ADD COLUMN monthly_cost_usd FLOAT"))
    rows = conn.execute(text("SELECT id, result_json FROM decisions")).all()
    for decision_id, result_json in rows:
        best, cost = summarise(result_json)
        conn.execute(
            text("UPDATE decisions SET best_route = :best, monthly_cost_usd = :cost WHERE id = :id"),
            {"best": best, "cost": cost, "id": decision_id},
        )


def summarise(result_json: str) -> tuple[str | None, float | None]:
    """Best route's label and monthly cost, read from a stored recommendation."""
    try:
        routes = json.loads(result_json).get("recommendations") or []
    except (ValueError, AttributeError):
        return None, None
    if not routes:
        return None, None
    top = routes[0]
    where = top.get("provider") or top.get("runtime") or top.get("deployment") or "?"
    return f"{top.get('name', top.get('model', '?'))} via {where}", top.get("monthly_cost_usd")


LATEST = MIGRATIONS[-1].version


def current_version(engine: Engine) -> int:
    """The newest migration applied (0 for an empty database)."""
    with engine.connect() as conn:
        return _version(conn)


def _version(conn: Connection) -> int:
    if not inspect(conn).has_table(SCHEMA_TABLE):
        return 0
    versions = conn.execute(select(schema_table.c.version)).scalars().all()
    return max(versions, default=0)


_LOCK_ID = 0x6C6C6D70  # "llmp": the advisory lock that lets one process at a time migrate a PostgreSQL database


def _serialise(conn: Connection) -> None:
    """On PostgreSQL, hold a transaction-scoped lock, so that workers starting together migrate one by one."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})


def migrate(engine: Engine) -> list[int]:
    """Apply every migration newer than the database; returns the versions applied."""
    with engine.begin() as conn:
        _serialise(conn)
        schema_table.create(conn, checkfirst=True)
        found = _version(conn)
    if found > LATEST:
        raise StoreError(
            f"the decision database has schema version {found}; this llmpick knows up to {LATEST}: upgrade llmpick"
        )
    applied: list[int] = []
    for step in MIGRATIONS:
        with engine.begin() as conn:
            _serialise(conn)
            if _version(conn) >= step.version:
                continue
            step.apply(conn)
            conn.execute(
                schema_table.insert().values(
                    version=step.version,
                    name=step.name,
                    applied_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                )
            )
            applied.append(step.version)
    return applied
