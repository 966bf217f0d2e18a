"""The server-rendered pages through the ASGI app: questionnaire, results, downloads, catalog, decisions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
from fastapi.testclient import TestClient

from llmpick.engine import recommend
from llmpick.presets import list_presets, load_preset
from llmpick.profile import Profile, parse_profile, profile_to_yaml
from llmpick.store.db import dispose_engines
from llmpick.web.app import create_app
from llmpick.web.forms import values_of

EVIL = "<script>alert(1)</script>"


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pages.sqlite'}"


@pytest.fixture()
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url), base_url="http://localhost") as c:
        yield c


def profile_paths(model: type[BaseModel] = Profile, prefix: str = "") -> list[str]:
    out = []
    for name, info in model.model_fields.items():
        tp = info.annotation
        nested = [a for a in (tp, *getattr(tp, "__args__", ())) if isinstance(a, type) and issubclass(a, BaseModel)]
        path = prefix + name
        if nested and path not in ("infrastructure.device", "infrastructure.gpus"):
            out += profile_paths(nested[0], path + ".")
        else:
            out.append(path)
    return out


def form_of(profile: Profile) -> dict[str, object]:
    """What a browser would post for this profile."""
    data: dict[str, object] = {}
    for path, value in values_of(profile.model_dump(mode="json")).items():
        if value is None or value is False or path == "infrastructure.gpus":
            continue
        data[path] = "on" if value is True else [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def submit(client: TestClient, profile: Profile) -> str:
    r = client.post("/recommend", data=form_of(profile), follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    return r.headers["location"]


def test_questionnaire_has_every_field_with_help_and_default(client: TestClient) -> None:
    page = client.get("/").text
    for path in profile_paths():
        if path == "infrastructure.gpus":
            assert 'name="infrastructure.gpus.0.model"' in page
        elif path == "infrastructure.device":
            assert 'name="infrastructure.device.model"' in page
        else:
            assert f'name="{path}"' in page, path
    assert "average requests a day" in page and "default: 1000" in page
    assert page.count('class="help"') >= len(profile_paths())
    for preset in list_presets():
        assert f'value="{preset.name}"' in page


def test_preset_fills_the_form(client: TestClient) -> None:
    preset = load_preset("startup")
    page = client.get("/", params={"preset": "startup"}).text
    assert f'value="{html.escape(preset.name, quote=True)}"' in page
    assert client.get("/", params={"preset": "nope"}).status_code == 404


def test_form_round_trips_every_preset(client: TestClient) -> None:
    """Filling the form from a preset and posting it back gives the same profile (download as YAML)."""
    for preset in list_presets():
        r = client.post("/profile/download", data=form_of(preset.profile))
        assert r.status_code == 200, (preset.name, r.text[:1500])
        assert r.headers["content-disposition"].startswith("attachment;")
        import yaml

        assert parse_profile(yaml.safe_load(r.text)) == preset.profile, preset.name


def test_submit_shows_the_result_with_cards_routes_and_charts(client: TestClient) -> None:
    location = submit(client, load_preset("productivity"))
    page = client.get(location).text
    for verdict in ("openness", "task", "precision", "deployment"):
        assert f'data-verdict="{verdict}"' in page
    rec = recommend(load_preset("productivity"))
    assert 'data-chart="cost"' in page
    if rec.break_even is not None and rec.break_even.requests_per_day:
        assert "break-even ≈" in page
    assert "Ranked routes" in page and "Exclusions, by rule" in page
    decision_id = location.rsplit("/", 1)[1]
    for fmt, kind in (
        ("json", "application/json"),
        ("md", "text/markdown"),
        ("html", "text/html"),
        ("yaml", "application/yaml"),
    ):
        r = client.get(f"/decisions/{decision_id}/report.{fmt}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind), fmt
        assert "attachment" in r.headers["content-disposition"]
    kit = client.get(f"/decisions/{decision_id}/report.kit.zip")
    assert kit.status_code == 200 and kit.headers["content-type"] == "application/zip"
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(kit.content)).namelist()
    assert any(n.endswith("-kit/README.md") for n in names) and len(names) > 1
    report = client.get(f"/decisions/{decision_id}/report.html")
    assert "style-src 'unsafe-inline'" in report.headers["content-security-policy"]
    svg = client.get(f"/decisions/{decision_id}/charts/cost.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and svg.text.startswith("<svg")
    assert client.get(f"/decisions/{decision_id}/charts/pie.svg").status_code == 404


def test_invalid_form_shows_field_errors(client: TestClient) -> None:
    data = form_of(load_preset("startup"))
    data["workload.requests_per_day"] = "-3"
    data.pop("tasks")
    r = client.post("/recommend", data=data)
    assert r.status_code == 422
    assert 'class="field-error"' in r.text and "at least 1 item" in r.text
    assert re.search(r'field-float has-error">\s*<label for="f-workload.requests_per_day"', r.text)
    assert 'value="-3"' in r.text  # what was typed stays


def test_yaml_paste_and_upload(client: TestClient) -> None:
    text = profile_to_yaml(load_preset("research"))
    pasted = client.post("/profile/load", data={"yaml_text": text})
    assert pasted.status_code == 200 and "Loaded the profile" in pasted.text
    uploaded = client.post("/profile/load", files={"yaml_file": ("p.yaml", text.encode(), "application/yaml")})
    assert uploaded.status_code == 200 and html.escape(load_preset("research").name, quote=True) in uploaded.text
    broken = client.post("/profile/load", data={"yaml_text": "name: [unclosed"})
    assert broken.status_code == 422 and "YAML syntax error" in broken.text
    wrong = client.post("/profile/load", data={"yaml_text": "name: x\ntasks: [telepathy]"})
    assert wrong.status_code == 422 and "telepathy" in wrong.text


def test_user_strings_are_escaped_everywhere(client: TestClient) -> None:
    profile = parse_profile({"name": EVIL, "tasks": ["text"]})
    location = submit(client, profile)
    for page in (client.get(location).text, client.get("/decisions").text, client.get(f"{location}/report.html").text):
        assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    r = client.post("/profile/load", data={"yaml_text": f"name: '{EVIL}'\ntasks: [nope]"})
    assert EVIL not in r.text


def test_decisions_list_rerun_delete(client: TestClient) -> None:
    location = submit(client, load_preset("startup"))
    decision_id = location.rsplit("/", 1)[1]
    listing = client.get("/decisions").text
    assert decision_id in listing and "Startup" in listing
    rerun = client.post(f"/decisions/{decision_id}/rerun")
    assert rerun.status_code == 200 and "What changed" in rerun.text and "nothing changed" in rerun.text
    kept = client.post(f"/decisions/{decision_id}/rerun", data={"save": "1"}, follow_redirects=False)
    assert kept.status_code == 303 and kept.headers["location"] != location
    assert client.post(f"/decisions/{decision_id}/delete", follow_redirects=False).status_code == 303
    assert client.get(location).status_code == 404
    edit = client.get("/", params={"decision": kept.headers["location"].rsplit("/", 1)[1]})
    assert "Started from a saved decision" in edit.text


def test_decisions_survive_a_restart(db_url: str) -> None:
    with TestClient(create_app(db_url), base_url="http://localhost") as first:
        location = submit(first, load_preset("startup"))
    dispose_engines()  # as if the process had ended
    with TestClient(create_app(db_url), base_url="http://localhost") as second:
        page = second.get(location)
        assert page.status_code == 200 and 'data-verdict="openness"' in page.text
        assert second.get("/api/v1/decisions").json()["total"] == 1


def test_catalog_pages(client: TestClient) -> None:
    models = client.get("/models", params={"openness": "open-weight", "task": "code", "max_params_b": "40"}).text
    assert 'id="models"' in models and "open-weight" in models
    assert client.get("/models", params={"min_context": "lots"}).status_code == 200  # unreadable filters are ignored
    model = client.get("/models/qwen3-30b-a3b").text
    assert "Facts and their sources" in model and "as of" in model.lower() and "https://" in model
    assert client.get("/models/gpt-17").status_code == 404
    compare = client.get(
        "/compare", params=[("ids", "qwen3-30b-a3b"), ("ids", "gpt-5-mini"), ("ids", "gemma-4-31b-it")]
    )
    assert compare.status_code == 200 and 'id="comparison"' in compare.text and "Context window" in compare.text
    one = client.get("/compare", params={"ids": "qwen3-30b-a3b"})  # "Compare with…" on a model page
    assert one.status_code == 200 and "Pick one to three more" in one.text
    assert '<option value="qwen3-30b-a3b" selected>' in one.text
    commas = client.get("/compare?ids=qwen3-30b-a3b,gpt-5-mini")  # the documented link form
    assert commas.status_code == 200 and 'id="comparison"' in commas.text
    five = ",".join(list(client.app.state.llmpick.catalog.models)[:5])  # type: ignore[attr-defined]
    assert client.get(f"/compare?ids={five}").status_code == 422
    assert client.get("/compare?ids=nope,gpt-5-mini").status_code == 422
    assert "l40s" in client.get("/hardware").text
    assert 'id="endpoints"' in client.get("/api").text


def test_calculators(client: TestClient) -> None:
    empty = client.get("/calculators")
    assert empty.status_code == 200 and 'id="calculator"' in empty.text
    fit = client.get("/calculators", params={"mode": "fit", "model": "qwen3-30b-a3b", "hardware": "l40s"})
    assert fit.status_code == 200 and "Fits" in fit.text and 'id="estimate"' in fit.text
    bad = client.get("/calculators", params={"model": "qwen3-30b-a3b", "hardware": "l40s", "quantization": "q1"})
    assert bad.status_code == 422 and "unknown format" in bad.text


def test_static_assets_come_from_the_package(client: TestClient) -> None:
    page = client.get("/").text
    for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert ref.startswith(("/", "#", "?")), ref  # nothing from another host
    for asset in ("/static/app.css", "/static/app.js", "/static/report.css", "/static/favicon.svg"):
        assert client.get(asset).status_code == 200, asset


def test_models_list_sorts_by_any_column_with_a_quality_column(client: TestClient) -> None:
    page = client.get("/models", params={"sort": "quality", "order": "desc"}).text
    assert 'aria-sort="descending"' in page and ">Quality" in page
    scores = [float(x) for x in re.findall(r'<td class="num" title="[^"]*">(\d\.\d\d)', page)]
    assert len(scores) > 20 and scores == sorted(scores, reverse=True)
    by_name = client.get("/models", params={"sort": "name", "task": "code"}).text
    assert "task=code" in by_name  # sort links keep the filters


def test_model_pages_read_as_facts_and_link_only_urls(client: TestClient) -> None:
    page = client.get("/models/qwen3-30b-a3b").text
    assert 'class="facts"' in page and "True" not in page and "False" not in page
    for href in re.findall(r'href="([^"]+)"', page):
        assert href.startswith(("/", "https://", "http://", "#")) and " " not in href, href


def test_result_page_source_links_are_urls(client: TestClient) -> None:
    r = client.post("/recommend", data={"name": "links", "tasks": "text"}, follow_redirects=True)
    assert r.status_code == 200
    for href in re.findall(r'href="([^"]+)"', r.text):
        assert href.startswith(("/", "https://", "http://", "#")) and " " not in href, href


def test_decision_buttons_have_distinct_names(client: TestClient) -> None:
    for name in ("first", "second"):
        client.post("/api/v1/decisions", json={"profile": {"name": name, "tasks": ["text"]}, "top": 1})
    page = client.get("/decisions").text
    labels = re.findall(r'aria-label="(Re-run [^"]+)"', page)
    assert len(labels) == 2 and len(set(labels)) == 2 and "<th></th>" not in page
