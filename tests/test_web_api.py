"""The REST API through the ASGI app: contract, problem+json errors with field paths, limits, decisions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
from fastapi.testclient import TestClient

from llmpick.engine import SCHEMA
from llmpick.presets import load_preset
from llmpick.profile import profile_to_yaml
from llmpick.web.app import create_app

PROBLEM = "application/problem+json"


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'api.sqlite'}"), base_url="http://localhost") as c:
        yield c


def startup() -> dict[str, object]:
    return load_preset("startup").model_dump(mode="json")


def test_health(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["decisions"] == 0


def test_recommend_returns_the_contract(client: TestClient) -> None:
    r = client.post("/api/v1/recommend", json=startup(), params={"top": 3})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["schema"] == SCHEMA and len(doc["recommendations"]) == 3
    assert {"framework", "cost_curves", "break_even", "excluded", "hybrid"} <= set(doc)
    assert "Location" not in r.headers


def test_recommend_accepts_yaml_and_saves(client: TestClient) -> None:
    r = client.post(
        "/api/v1/recommend?save=true",
        content=profile_to_yaml(load_preset("startup")),
        headers={"content-type": "application/yaml"},
    )
    assert r.status_code == 200
    decision_id = r.headers["x-decision-id"]
    assert r.headers["location"] == f"/api/v1/decisions/{decision_id}"
    assert client.get(r.headers["location"]).json()["result"]["schema"] == SCHEMA


def test_invalid_profile_names_each_field(client: TestClient) -> None:
    bad = {**startup(), "tasks": ["txt"], "workload": {"requests_per_day": -5}, "colour": "red"}
    r = client.post("/api/v1/recommend", json=bad)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    paths = {e["path"] for e in r.json()["errors"]}
    assert {"tasks.0", "workload.requests_per_day", "colour"} <= paths
    assert r.json()["type"].endswith("invalid-profile") and r.json()["instance"] == "/api/v1/recommend"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"", b"null"])
def test_unreadable_bodies_are_problems(client: TestClient, body: bytes) -> None:
    r = client.post("/api/v1/validate", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM and r.json()["errors"]


def test_validate(client: TestClient) -> None:
    ok = client.post("/api/v1/validate", json={"name": "x", "tasks": ["text"]})
    assert ok.status_code == 200 and ok.json()["valid"] and ok.json()["profile"]["workload"]["requests_per_day"] == 1000
    assert "name: x" in ok.json()["yaml"]
    hw = client.post(
        "/api/v1/validate", json={"name": "x", "tasks": ["text"], "infrastructure": {"gpus": [{"model": "h9000"}]}}
    )
    assert hw.status_code == 422 and hw.json()["errors"][0]["path"] == "infrastructure.gpus.0.model"
    gapped = {"name": "x", "tasks": ["text"], "data": {"air_gapped": True, "residency": "eu"}}
    assert client.post("/api/v1/validate", json=gapped).json()["errors"][0]["path"] == "data.air_gapped"


def test_models_and_filters(client: TestClient) -> None:
    everything = client.get("/api/v1/models").json()
    open_weight = client.get("/api/v1/models", params={"openness": "open-weight", "task": "code"}).json()
    assert 0 < len(open_weight) < len(everything)
    assert all(m["openness"] == "open-weight" and "code" in m["tasks"] for m in open_weight)
    big = client.get("/api/v1/models", params={"min_params_b": 100}).json()
    assert big and all(m["params_b"] >= 100 for m in big)
    apache = client.get("/api/v1/models", params={"license": "apache"}).json()
    assert apache and all("apache" in (m["license"] + m["license_name"]).lower() for m in apache)
    assert client.get("/api/v1/models", params={"openness": "sort-of"}).status_code == 422
    missing = client.get("/api/v1/models", params={"provider": "nobody"})
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


def test_model_detail_and_unknown(client: TestClient) -> None:
    some = client.get("/api/v1/models").json()[0]["id"]
    detail = client.get(f"/api/v1/models/{some}").json()
    assert detail["id"] == some and "sources" in detail and "offerings" in detail
    r = client.get("/api/v1/models/gpt-17")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM and "unknown model" in r.json()["detail"]


def test_providers_and_hardware(client: TestClient) -> None:
    assert any(p["id"] == "openai" for p in client.get("/api/v1/providers").json())
    assert any(h["id"] == "l40s" for h in client.get("/api/v1/hardware").json())


def test_estimate_and_fit(client: TestClient) -> None:
    est = client.post("/api/v1/estimate", json={"model": "qwen3-30b-a3b", "hardware": "l40s", "quantization": "fp8"})
    assert est.status_code == 200 and est.json()["quantization"] == "fp8" and est.json()["basis"]
    fit = client.post("/api/v1/fit", json={"model": "qwen3-30b-a3b", "hardware": "l40s", "context": 8192})
    assert fit.status_code == 200 and fit.json()["fits"]
    bad = client.post("/api/v1/estimate", json={"model": "qwen3-30b-a3b", "hardware": "l40s", "quantization": "q1"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "quantization"
    closed = client.post("/api/v1/estimate", json={"model": "gpt-5-mini", "hardware": "l40s"})
    assert closed.status_code == 422 and closed.json()["errors"][0]["path"] == "model"
    assert (
        client.post("/api/v1/estimate", json={"model": "x", "hardware": "l40s", "count": 0}).json()["errors"][0]["path"]
        == "count"
    )


def test_decisions_crud_and_rerun(client: TestClient) -> None:
    created = client.post("/api/v1/decisions", json={"profile": startup(), "top": 3, "name": "Q4 review"})
    assert created.status_code == 201, created.text
    decision = created.json()
    assert decision["name"] == "Q4 review" and len(decision["result"]["recommendations"]) == 3
    listed = client.get("/api/v1/decisions").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == decision["id"]
    rerun = client.post(f"/api/v1/decisions/{decision['id']}/rerun", params={"save": "true"}).json()
    assert rerun["diff"]["best_changed"] is False and rerun["saved_as"]
    assert client.get("/api/v1/decisions").json()["total"] == 2
    assert client.delete(f"/api/v1/decisions/{decision['id']}").status_code == 204
    gone = client.get(f"/api/v1/decisions/{decision['id']}")
    assert gone.status_code == 404 and gone.headers["content-type"] == PROBLEM
    assert client.delete(f"/api/v1/decisions/{decision['id']}").status_code == 404


def test_decision_create_errors_point_into_the_profile(client: TestClient) -> None:
    r = client.post("/api/v1/decisions", json={"profile": {"name": "x", "tasks": []}})
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "profile.tasks"


def test_body_size_limit(tmp_path: Path) -> None:
    with TestClient(
        create_app(f"sqlite:///{tmp_path / 'l.sqlite'}", max_body=2048), base_url="http://localhost"
    ) as small:
        r = small.post("/api/v1/validate", content=b"x" * 4096, headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.headers["content-type"] == PROBLEM

        def chunks():  # no Content-Length: counted as it streams
            for _ in range(8):
                yield b"x" * 1024

        streamed = small.post("/api/v1/validate", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413


def test_cross_site_writes_are_refused(client: TestClient) -> None:
    r = client.post(
        "/api/v1/validate", json={"name": "x", "tasks": ["text"]}, headers={"origin": "https://evil.example"}
    )
    assert r.status_code == 403
    same = client.post(
        "/api/v1/validate", json={"name": "x", "tasks": ["text"]}, headers={"origin": "http://localhost"}
    )
    assert same.status_code == 200


def test_security_headers_and_no_cdn_docs(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    spec = client.get("/api/v1/openapi.json").json()
    assert "Profile" in spec["components"]["schemas"]
    paths = set(spec["paths"])
    for path in (
        "/api/v1/recommend",
        "/api/v1/validate",
        "/api/v1/models",
        "/api/v1/models/{model_id}",
        "/api/v1/cost",
        "/api/v1/providers",
        "/api/v1/hardware",
        "/api/v1/estimate",
        "/api/v1/decisions",
        "/api/v1/decisions/{decision_id}",
        "/api/v1/decisions/{decision_id}/rerun",
        "/api/v1/health",
    ):
        assert path in paths
    assert not any(p.startswith("/decisions") or p == "/" for p in paths)  # pages stay out of the API spec


def test_cost(client: TestClient) -> None:
    r = client.post("/api/v1/cost", json={"profile": startup(), "model": "qwen3-30b-a3b"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["routes"] and all(route["model"] == "qwen3-30b-a3b" for route in report["routes"])
    assert report["assumptions"]
    unknown = client.post("/api/v1/cost", json={"profile": startup(), "model": "gpt-17"})
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM
    bad = client.post(
        "/api/v1/cost", json={"profile": {"name": "x", "tasks": ["text"], "workload": {"input_tokens": -1}}}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "profile.workload.input_tokens"


def test_openapi_types_profiles_and_catalog_responses(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for body in ("CostRequest", "DecisionCreate"):
        assert schemas[body]["properties"]["profile"]["$ref"] == "#/components/schemas/Profile"
    for path in ("/api/v1/models", "/api/v1/models/{model_id}", "/api/v1/providers", "/api/v1/hardware"):
        assert "schema" in spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"], path
    workload = schemas["Workload"]["properties"]["requests_per_day"]
    assert workload["maximum"] == 1e9


def test_rerun_diff_reports_cost_and_no_standing_deprecation(client: TestClient) -> None:
    location = client.post("/api/v1/decisions", json={"profile": startup(), "top": 3}).headers["location"]
    diff = client.post(f"{location}/rerun").json()["diff"]
    assert diff["models_changed"] == [] and diff["summary"] == [
        "nothing changed: same routes, same costs, no model retired"
    ]
    assert diff["old_best_usd"] == diff["new_best_usd"] is not None


def test_a_repeated_profile_is_answered_from_the_cache_with_the_same_bytes(client: TestClient) -> None:
    results = client.app.state.llmpick.results  # type: ignore[attr-defined]
    first = client.post("/api/v1/recommend", json=startup(), params={"top": 2})
    misses, hits = results.misses, results.hits
    second = client.post("/api/v1/recommend", json=startup(), params={"top": 2})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert (results.misses, results.hits) == (misses, hits + 1)  # found before any worker thread was asked
    other = client.post("/api/v1/recommend", json=startup(), params={"top": 3})
    assert results.misses == misses + 1 and len(other.json()["recommendations"]) == 3
    # RFC 9211 Cache-Status says which (a load test checks that every worker is warm)
    assert second.headers["cache-status"] == "llmpick; hit"
    assert other.headers["cache-status"] == "llmpick; fwd=miss"


def test_recommend_sends_gzip_to_clients_that_accept_it(client: TestClient) -> None:
    plain = client.post("/api/v1/recommend", json=startup(), headers={"Accept-Encoding": "identity"})
    packed = client.post("/api/v1/recommend", json=startup(), headers={"Accept-Encoding": "br;q=1, gzip;q=0.5"})
    refused = client.post("/api/v1/recommend", json=startup(), headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in plain.headers and "content-encoding" not in refused.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert plain.headers["vary"] == packed.headers["vary"] == "Accept-Encoding"
    assert packed.content == plain.content  # httpx decoded it: the same document
    assert int(packed.headers["content-length"]) * 5 < len(plain.content)  # the exclusions compress well


def test_pages_and_lists_are_compressed(client: TestClient) -> None:
    r = client.get("/api/v1/models", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip" and r.json()


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("br, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=x", False),
        ("identity", False),
        ("", False),
        ("deflate, br", False),
        ("*;q=1, gzip;q=0", False),  # a named coding outranks the wildcard
        ("br, *;q=0.1", True),
    ],
)
def test_accept_encoding_is_read_with_its_quality(header: str, accepted: bool) -> None:
    from llmpick.web.compression import accepts_gzip

    assert accepts_gzip(header) is accepted
