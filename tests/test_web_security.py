"""Sharing safely: the Host check (DNS rebinding), the token for writes (and reads), read-only mode, the login
cookie, no database URL on pages, credentials masked, and `serve` refusing an unguarded public bind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
from fastapi.testclient import TestClient

from llmpick.store.db import safe_url
from llmpick.web.app import create_app
from llmpick.web.security import Access, host_name

TOKEN = "s3cret-team-token-0123456789"
PROFILE = {"name": "shared", "tasks": ["text"]}


def _client(tmp_path: Path, access: Access | None = None, host: str = "localhost") -> TestClient:
    return TestClient(create_app(f"sqlite:///{tmp_path / 'sec.sqlite'}", access=access), base_url=f"http://{host}")


@pytest.fixture()
def local(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


@pytest.fixture()
def guarded(tmp_path: Path) -> Iterator[TestClient]:
    access = Access.for_bind("0.0.0.0", ["llmpick.example.com"], token=TOKEN)
    with _client(tmp_path, access, "llmpick.example.com") as c:
        yield c


def test_rebinding_hosts_get_400_on_reads_writes_and_deletes(local: TestClient) -> None:
    decision = local.post("/api/v1/decisions", json={"profile": PROFILE}).headers["location"]
    evil = {"host": "attacker.example:18800", "origin": "http://attacker.example:18800"}
    assert local.get("/api/v1/decisions", headers=evil).status_code == 400
    assert local.get("/", headers=evil).status_code == 400
    assert local.post("/api/v1/decisions", json={"profile": PROFILE}, headers=evil).status_code == 400
    assert local.delete(decision, headers=evil).status_code == 400
    assert local.get(decision).status_code == 200  # still there


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_names_are_allowed_by_default(local: TestClient, host: str) -> None:
    assert local.get("/api/v1/health", headers={"host": host}).status_code == 200


def test_host_names() -> None:
    assert host_name("Example.com:8000") == "example.com"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("::1") == "::1"
    assert Access.for_bind("10.0.0.5").host_allowed("10.0.0.5:8000")
    assert not Access.for_bind("0.0.0.0").host_allowed("0.0.0.0:8000")
    assert Access(allowed_hosts=frozenset({"*"})).host_allowed("anything")


def test_token_guards_writes_not_reads(guarded: TestClient) -> None:
    assert guarded.get("/api/v1/decisions").status_code == 200
    assert guarded.get("/models").status_code == 200
    refused = guarded.post("/api/v1/decisions", json={"profile": PROFILE})
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.headers["content-type"] == "application/problem+json"
    wrong = guarded.post("/api/v1/decisions", json={"profile": PROFILE}, headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    auth = {"authorization": f"Bearer {TOKEN}"}
    created = guarded.post("/api/v1/decisions", json={"profile": PROFILE}, headers=auth)
    assert created.status_code == 201
    location = created.headers["location"]
    assert guarded.delete(location).status_code == 401  # a non-browser DELETE without the token
    assert guarded.delete(location, headers=auth).status_code == 204


def test_token_reads_guards_everything_but_login_and_health(tmp_path: Path) -> None:
    access = Access.for_bind("0.0.0.0", ["llmpick.example.com"], token=TOKEN, token_reads=True)
    with _client(tmp_path, access, "llmpick.example.com") as c:
        assert c.get("/api/v1/decisions").status_code == 401
        assert c.get("/api/v1/health").status_code == 200
        page = c.get("/models", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fmodels"
        assert c.get("/login").status_code == 200 and c.get("/static/app.css").status_code == 200
        assert c.get("/api/v1/decisions", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_browser_login_sets_a_cookie_that_is_not_the_token(guarded: TestClient) -> None:
    bad = guarded.post("/login", data={"token": "wrong", "next": "/decisions"})
    assert bad.status_code == 401 and "not the token" in bad.text
    ok = guarded.post("/login", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and TOKEN not in cookie
    created = guarded.post("/recommend", data={"name": "from the form", "tasks": "text"}, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"].startswith("/decisions/")


def test_page_post_without_login_goes_to_the_login_form(guarded: TestClient) -> None:
    r = guarded.post("/recommend", data={"name": "x", "tasks": "text"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_read_only_refuses_every_write(tmp_path: Path) -> None:
    with _client(tmp_path) as writer:
        location = writer.post("/api/v1/decisions", json={"profile": PROFILE}).headers["location"]
    with _client(tmp_path, Access(read_only=True)) as c:
        assert c.get(location).status_code == 200
        assert c.post("/api/v1/recommend", json=PROFILE).status_code == 200  # computing is not writing
        saved = c.post("/api/v1/recommend?save=true", json=PROFILE)
        assert saved.status_code == 403 and saved.json()["type"].endswith("read-only")
        assert c.post("/api/v1/decisions", json={"profile": PROFILE}).status_code == 403
        assert c.delete(location).status_code == 403
        assert c.post(f"{location}/rerun?save=true").status_code == 403
        assert c.post("/recommend", data={"name": "x", "tasks": "text"}).status_code == 403
        assert "read-only" in c.get("/").text
        assert c.get(location).status_code == 200


def test_pages_never_show_the_database_url(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        for path in ("/", "/models", "/decisions", "/api"):
            text = c.get(path).text
            assert "sqlite" not in text and str(tmp_path) not in text


def test_safe_url_masks_passwords_in_the_user_part_and_the_query() -> None:
    assert "x2" not in safe_url("postgresql+psycopg://alice@db/llmpick?password=x2")
    assert "hunter2" not in safe_url("postgresql+psycopg://alice:hunter2@db/llmpick")
    masked = safe_url("postgresql+psycopg://alice@db/llmpick?sslmode=require&PGPASSWORD=p&token=t")
    assert "sslmode=require" in masked and "=p" not in masked and "=t" not in masked


def test_405_has_an_allow_header(local: TestClient) -> None:
    r = local.put("/api/v1/health")
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    assert r.headers["content-type"] == "application/problem+json"


def test_decision_search_is_literal(local: TestClient) -> None:
    local.post("/api/v1/decisions", json={"profile": {"name": "plain", "tasks": ["text"]}})
    local.post("/api/v1/decisions", json={"profile": {"name": "100% sure_thing", "tasks": ["text"]}})
    names = lambda q: [i["name"] for i in local.get("/api/v1/decisions", params={"q": q}).json()["items"]]  # noqa: E731
    assert names("%") == ["100% sure_thing"]
    assert names("_") == ["100% sure_thing"]
    assert names("plain") == ["plain"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "--token"),
        (["--host", "0.0.0.0", "--token", "short"], "16 characters"),
        (["--token-reads"], "needs --token"),
    ],
)
def test_serve_refuses_an_unguarded_public_bind(cli: Any, args: list[str], message: str, tmp_path: Path) -> None:
    result = cli("serve", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", *args)
    assert result.exit_code == 2 and message in result.output
