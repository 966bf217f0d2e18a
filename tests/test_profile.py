"""The requirements profile: defaults, validation and errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmpick.errors import ProfileError
from llmpick.profile import load_profile, parse_profile, profile_to_yaml


def problems_of(data: object) -> list[str]:
    with pytest.raises(ProfileError) as info:
        parse_profile(data)
    return info.value.problems


def test_only_name_and_tasks_are_required() -> None:
    profile = parse_profile({"name": "x", "tasks": ["text"]})
    assert profile.data.sensitivity.value == "internal"
    assert profile.workload.needed_context == profile.workload.input_tokens + profile.workload.output_tokens
    assert profile.budget.monthly_usd is None


def test_missing_required_field_is_named() -> None:
    assert problems_of({"tasks": ["text"]}) == ["name: required field is missing"]


def test_wrong_enum_value_lists_allowed_values() -> None:
    [problem] = problems_of({"name": "x", "tasks": ["text"], "data": {"sensitivity": "secret"}})
    assert problem.startswith("data.sensitivity: 'secret' is not allowed")
    assert "confidential" in problem and "regulated" in problem


def test_unknown_key_is_named_with_allowed_keys() -> None:
    [problem] = problems_of({"name": "x", "tasks": ["text"], "workload": {"request_per_day": 5}})
    assert problem.startswith("workload.request_per_day: unknown field")
    assert "requests_per_day" in problem


def test_negative_tokens_are_rejected() -> None:
    [problem] = problems_of({"name": "x", "tasks": ["text"], "workload": {"input_tokens": -1}})
    assert problem.startswith("workload.input_tokens:")


def test_unknown_task_lists_the_tasks() -> None:
    [problem] = problems_of({"name": "x", "tasks": ["poetry"]})
    assert "speech-to-text" in problem and problem.startswith("tasks.0:")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ntasks: [text\nquality: high\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert "line" in info.value.problems[0] and "YAML syntax error" in info.value.problems[0]


def test_a_list_is_not_a_profile() -> None:
    assert "mapping" in problems_of(["name", "tasks"])[0]


def test_air_gapped_cannot_leave_the_premises() -> None:
    problems = problems_of({"name": "x", "tasks": ["text"], "data": {"air_gapped": True, "residency": "eu"}})
    assert "air_gapped" in problems[0]


def test_yaml_round_trip_keeps_every_field() -> None:
    profile = parse_profile({"name": "x", "tasks": ["text", "code"], "quality": "high"})
    import yaml

    again = parse_profile(yaml.safe_load(profile_to_yaml(profile)))
    assert again == profile
