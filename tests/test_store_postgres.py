"""Decisions on a real PostgreSQL server: migrations, the store, concurrent migrations, and concurrent writes
from a two-worker `llmpick serve`.

The tests start a throw-away cluster of their own (initdb + pg_ctl from Debian's postgresql package, in a
temporary folder, loopback only; .ci/postgres-setup.sh installs it), or use $LLMPICK_TEST_POSTGRES_URL.
Without either they skip, saying so loudly.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the web extra is not installed")
pytest.importorskip("psycopg", reason="POSTGRES SKIPPED: psycopg is not installed (.ci/postgres-setup.sh installs it)")
import httpx
from sqlalchemy import create_engine, text

from llmpick.engine import recommend
from llmpick.presets import load_preset
from llmpick.store.db import dispose_engines, get_engine
from llmpick.store.decisions import DecisionStore
from llmpick.store.migrations import LATEST, current_version

ROOT = Path(__file__).resolve().parent.parent


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """A PostgreSQL server URL (the admin database): $LLMPICK_TEST_POSTGRES_URL, or a cluster started here."""
    given = os.environ.get("LLMPICK_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("POSTGRES SKIPPED: no initdb/pg_ctl (apt-get install postgresql, or run .ci/postgres-setup.sh)")
    base = Path(tempfile.mkdtemp(prefix="llmpick-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("POSTGRES SKIPPED: running as root and there is no 'postgres' user to run the server as")
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "llmpick", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://llmpick@127.0.0.1:{port}/postgres"
    finally:
        dispose_engines()
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture()
def db_url(server_url: str) -> Iterator[str]:
    """A fresh, empty database on that server for each test."""
    name = f"llmpick_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    yield url
    dispose_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_and_the_store_on_postgres(db_url: str, catalog) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(db_url)
    assert current_version(engine) == LATEST
    store = DecisionStore(engine)
    profile = load_preset("startup")
    decision_id = store.save(profile, recommend(profile, catalog, top=2), name="100% on_postgres")
    store.save(profile, recommend(profile, catalog, top=2), name="plain")
    assert store.count() == 2
    assert store.get(decision_id).profile() == profile
    assert [d.name for d in store.list(search="%")] == ["100% on_postgres"]
    assert [d.name for d in store.list(search="_")] == ["100% on_postgres"]
    _, diff = store.rerun(decision_id, catalog)
    assert not diff.best_changed and diff.models_changed == []
    store.delete(decision_id)
    assert store.count() == 1


def test_two_processes_migrating_at_once_apply_each_migration_once(db_url: str) -> None:
    script = (
        "import sys; from sqlalchemy import create_engine; from llmpick.store.migrations import migrate; "
        "print(migrate(create_engine(sys.argv[1])))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, db_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    applied = [v for out, _ in outputs for v in eval(out.strip())]  # noqa: S307 - our own script's printed list
    assert sorted(applied) == list(range(1, LATEST + 1))  # each migration once, whichever process ran it
    with create_engine(db_url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM llmpick_schema")).scalar_one() == LATEST


def _workers(pid: int) -> list[int]:
    """uvicorn's worker processes under its supervisor (multiprocessing's spawned children)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def test_two_workers_take_concurrent_writes(db_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "llmpick", "serve", "--port", str(port), "--db", db_url, "--workers", "2"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200 and len(_workers(server.pid)) >= 2:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("llmpick serve --workers 2 did not start: " + (tmp_path / "serve.log").read_text()[-2000:])
            time.sleep(0.3)
        assert len(_workers(server.pid)) == 2  # two worker processes under uvicorn's supervisor

        def create(i: int) -> int:
            body = {"profile": {"name": f"concurrent {i}", "tasks": ["text"]}, "top": 1}
            return httpx.post(f"{base}/api/v1/decisions", json=body, timeout=60).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(create, range(36)))
        assert statuses == [201] * 36
        listed = httpx.get(f"{base}/api/v1/decisions", params={"limit": 100}, timeout=10).json()
        assert listed["total"] == 36
        assert sorted(i["name"] for i in listed["items"]) == sorted(f"concurrent {i}" for i in range(36))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
