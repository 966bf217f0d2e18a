"""Input limits on every way in (YAML file on the CLI, YAML and JSON over the API, the questionnaire form):
aliases refused, numbers finite and bounded, nesting bounded, echoed values cut short."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmpick.errors import ProfileError
from llmpick.profile import parse_profile, parse_yaml
from llmpick.yamlio import MAX_ECHO, check_data, load_yaml

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
from fastapi.testclient import TestClient

from llmpick.web.app import create_app


def bomb(levels: int, width: int = 9) -> str:
    """The reviewer's alias bomb: 388 bytes at 6 levels expand to 9**6 strings."""
    lines = ['a: &l0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"b{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + f"\nname: x\ntasks: [text]\npreferences:\n  prefer: *l{levels}\n"


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'limits.sqlite'}"), base_url="http://localhost") as c:
        yield c


def test_the_388_byte_alias_bomb_is_refused_before_it_expands() -> None:
    text = bomb(6)
    assert len(text.encode()) == 388
    with pytest.raises(ProfileError) as err:
        parse_yaml(text, "bomb.yaml")
    message = str(err.value)
    assert "aliases" in message and "b1" in message and len(message) < 300


def test_a_single_alias_is_refused_too() -> None:
    with pytest.raises(yaml.YAMLError, match="aliases"):
        load_yaml("a: &x 1\nb: *x\n")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e308", "1e16"])
def test_yaml_numbers_must_be_finite_and_bounded(value: str) -> None:
    with pytest.raises(ProfileError, match=r"workload\.requests_per_day: must be"):
        parse_yaml(f"name: x\ntasks: [text]\nworkload:\n  requests_per_day: {value}\n", "p.yaml")


def test_yaml_nesting_is_bounded() -> None:
    with pytest.raises(yaml.YAMLError, match="nested more than"):
        load_yaml("a: " + "[" * 40 + "]" * 40)


def test_a_quoted_number_is_a_string_and_passes_the_loader() -> None:
    assert load_yaml("a: '1e999'") == {"a": "1e999"}


def test_documented_maxima_are_enforced_by_the_profile() -> None:
    with pytest.raises(ProfileError, match=r"workload\.requests_per_day: Input should be less than or equal to 1"):
        parse_profile({"name": "x", "tasks": ["text"], "workload": {"requests_per_day": 1e15}})
    with pytest.raises(ProfileError, match=r"budget\.monthly_usd"):
        parse_profile({"name": "x", "tasks": ["text"], "budget": {"monthly_usd": 1e13}})


def test_echoed_values_are_cut_short() -> None:
    with pytest.raises(ProfileError) as err:
        parse_profile({"name": "x", "tasks": ["text"], "workload": {"requests_per_day": ["lol"] * 10_000}})
    (problem,) = err.value.problems
    assert problem.startswith("workload.requests_per_day:") and len(problem) < 120 + MAX_ECHO and problem.endswith("…)")
    with pytest.raises(ProfileError) as err:
        parse_profile({"name": "x", "tasks": ["t" * 10_000]})
    assert len(str(err.value)) < 400


def test_check_data_names_paths() -> None:
    assert check_data({"workload": {"requests_per_day": float("inf")}, "x": [1, 2e20]}) == [
        "workload.requests_per_day: must be a finite number (got inf)",
        "x.1: must be at most 1e+15 in size (got 2e+20)",
    ]
    assert check_data({"n": 10**400}) == ["n: must be a finite number (got inf)"]


def test_cli_validate_refuses_the_bomb_with_exit_2(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(8), encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "aliases" in result.output and len(result.output) < 1000


def test_api_refuses_the_bomb_with_a_short_problem(client: TestClient) -> None:
    r = client.post("/api/v1/recommend", content=bomb(8), headers={"content-type": "application/yaml"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert len(r.content) < 2000 and "aliases" in r.text


@pytest.mark.parametrize("number", ["1e308", "1e400", "Infinity", "-Infinity", "NaN", "1e15"])
def test_api_absurd_numbers_are_422_naming_the_field(client: TestClient, number: str) -> None:
    body = '{"name": "x", "tasks": ["text"], "workload": {"requests_per_day": ' + number + "}}"
    r = client.post("/api/v1/recommend", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert "requests_per_day" in json.dumps(problem) or "not a number" in problem["detail"]


def test_api_absurd_numbers_in_cost_assumptions_are_422(client: TestClient) -> None:
    profile = {"name": "x", "tasks": ["text"], "assumptions": {"ops_staff_usd_per_month": 1e308}}
    r = client.post("/api/v1/decisions", json={"profile": profile})
    assert r.status_code == 422
    assert {e["path"] for e in r.json()["errors"]} == {"profile.assumptions.ops_staff_usd_per_month"}


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_api_deep_nesting_is_a_problem_not_500(client: TestClient, body: str) -> None:
    for path in ("/api/v1/recommend", "/api/v1/decisions", "/api/v1/cost"):
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code in (400, 422), (path, r.status_code, r.text[:200])
        assert r.headers["content-type"] == "application/problem+json"


def test_api_moderate_nesting_inside_a_profile_is_refused_by_depth(client: TestClient) -> None:
    nested: Any = 1
    for _ in range(40):
        nested = [nested]
    r = client.post("/api/v1/decisions", json={"profile": {"name": "x", "tasks": ["text"], "extra": nested}})
    assert r.status_code == 422 and "nested more than" in r.text


@pytest.mark.parametrize("value", ["inf", "1e308", "nan"])
def test_form_absurd_numbers_are_422_naming_the_field(client: TestClient, value: str) -> None:
    r = client.post(
        "/recommend",
        data={"name": "x", "tasks": "text", "workload.requests_per_day": value},
        headers={"origin": "http://localhost"},
    )
    assert r.status_code == 422
    assert "workload.requests_per_day" in r.text or "requests per day" in r.text
    assert "Internal error" not in r.text


def test_form_absurd_cost_assumption_is_422(client: TestClient) -> None:
    r = client.post("/recommend", data={"name": "x", "tasks": "text", "assumptions.ops_staff_usd_per_month": "inf"})
    assert r.status_code == 422 and "Internal error" not in r.text


def test_shipped_data_passes_the_limits(catalog: Any) -> None:
    assert len(catalog.models) > 100  # the catalog, presets and defaults all load through the same loader
