"""The web app's eval view: stored runs, one run's matrix with every answer and check, a re-rank preview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
from fastapi.testclient import TestClient

from llmpick.engine.recommend import recommend
from llmpick.eval.store import Store
from llmpick.store.db import dispose_engines
from llmpick.store.decisions import save_decision
from llmpick.web.app import create_app
from tests.conftest import make_profile
from tests.test_eval_rerank import _results

EVIL = "<script>alert(1)</script>"


@pytest.fixture()
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    profile = make_profile(quality="high")
    rec = recommend(profile, top=4)
    db_url = f"sqlite:///{tmp_path / 'decisions.sqlite'}"
    decision_id = save_decision(profile, rec, db_url=db_url)
    eval_dir = tmp_path / "evals"
    eval_dir.mkdir()
    results = _results(eval_dir, {1: [False] * 60, 2: [True] * 60}, rec)
    store = Store(f"sqlite:///{eval_dir / 'db.sqlite'}")
    store.save_cell(results.run_id, {"test_id": "t0", "endpoint": "r1", "repeat": 1, "status": "ok", "output": EVIL})
    store.close()
    monkeypatch.setenv("LLMPICK_EVAL_DB", f"sqlite:///{eval_dir / 'db.sqlite'}")
    with TestClient(create_app(db_url), base_url="http://localhost") as c:
        yield c, decision_id
    dispose_engines()


def test_runs_list_and_a_run_with_escaped_answers(client: tuple[TestClient, str]) -> None:
    c, _ = client
    listing = c.get("/eval")
    assert listing.status_code == 200 and 'href="/eval/1"' in listing.text and "r1, r2" in listing.text
    page = c.get("/eval/1")
    assert page.status_code == 200
    assert "Prompts × routes" in page.text and "quality (95% CI)" in page.text
    assert EVIL not in page.text and "&lt;script&gt;" in page.text
    assert c.get("/eval/99").status_code == 404


def test_re_rank_preview_of_a_saved_decision(client: tuple[TestClient, str]) -> None:
    c, decision_id = client
    page = c.get(f"/eval/1?decision={decision_id}")
    assert page.status_code == 200 and 'id="preview"' in page.text
    rows = page.text.split('id="preview"')[1].split("</table>")[0]
    first = rows.split("<tr>")[2]  # header, then the new first route
    assert "<td>1</td><td>1</td>" not in first  # the route that failed every test is no longer first
    assert "measured on suite" in rows and "not evaluated: catalog estimate" in rows


def test_without_an_eval_database_the_page_says_how(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMPICK_EVAL_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    with TestClient(create_app(f"sqlite:///{tmp_path / 'd.sqlite'}"), base_url="http://localhost") as c:
        page = c.get("/eval")
    dispose_engines()
    assert page.status_code == 200 and "LLMPICK_EVAL_DB" in page.text
