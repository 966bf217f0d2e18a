"""Where decisions are kept: any SQLAlchemy URL; SQLite in the user's data folder by default.

``LLMPICK_DB`` overrides the default; ``--db`` (CLI) or ``db_url`` (API) override both. URLs are
never logged whole (they may carry a password): :func:`safe_url` hides it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from llmpick.store.errors import StoreError
from llmpick.store.migrations import migrate

ENV_VAR = "LLMPICK_DB"
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("llmpick")) / "llmpick.sqlite"


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the one given, else $LLMPICK_DB, else SQLite in the user data folder."""
    if url:
        return url
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    return f"sqlite:///{default_db_path()}"


_SECRET_PARAMS = ("password", "passwd", "pwd", "secret", "token", "key", "sslpassword", "passfile")


def safe_url(url: str) -> str:
    """The URL with any password masked, in the user part and in query parameters (``?password=``)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<invalid database URL>"
    query = {
        name: ("***" if any(secret in name.lower() for secret in _SECRET_PARAMS) else value)
        for name, value in parsed.query.items()
    }
    return parsed.set(query=query).render_as_string(hide_password=True)


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL per process, with the schema migrated to the current version."""
    resolved = resolve_url(url)
    with _lock:
        engine = _engines.get(resolved)
        if engine is None:
            engine = _create(resolved)
            migrate(engine)
            _engines[resolved] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and servers shutting down)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r} (e.g. sqlite:///path/llmpick.sqlite)") from None
    kwargs: dict[str, object] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as exc:  # missing driver (psycopg, …) and the like
        raise StoreError(f"cannot open decision database {safe_url(url)}: {exc.__class__.__name__}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
