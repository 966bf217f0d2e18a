"""The suite file: the documented example loads; malformed suites say which field, on which line."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmpick.eval.suite import SuiteError, load_suite, parse_suite

ROOT = Path(__file__).resolve().parents[1]


def _problems(text: str) -> list[str]:
    with pytest.raises(SuiteError) as info:
        parse_suite(text, "s.yaml")
    return info.value.problems


def test_example_suite_loads_and_renders() -> None:
    suite = load_suite(ROOT / "examples" / "suite.yaml")
    assert len(suite.tests) == 5
    ticket = next(t for t in suite.tests if t.id == "json-ticket")
    messages = suite.messages(ticket)
    assert messages[0] == {"role": "system", "content": "You are a concise, friendly support assistant for Acme Cloud."}
    assert "dashboard has been down" in messages[1]["content"] and "{{" not in messages[1]["content"]
    assert suite.params_for(ticket).max_tokens == 80 and suite.params_for(ticket).temperature == 0
    assert [c.type for c in suite.checks(ticket)] == ["latency", "is-json", "json-schema"]


def test_messages_form_and_test_system_override() -> None:
    suite = parse_suite("""
name: s
system: default
tests:
  - id: a
    system: mine
    messages:
      - {role: user, content: hi}
      - {role: assistant, content: hello}
      - {role: user, content: bye}
""")
    assert [m["role"] for m in suite.messages(suite.tests[0])] == ["system", "user", "assistant", "user"]
    assert suite.messages(suite.tests[0])[0]["content"] == "mine"


def test_unknown_field_names_field_and_line() -> None:
    problems = _problems("name: s\ntests:\n  - id: a\n    prompt: hi\n    asert: []\n")
    assert problems == ["tests.0.asert (line 5): unknown field"]


def test_unknown_assertion_type_lists_the_allowed() -> None:
    (problem,) = _problems(
        "name: s\ntests:\n  - id: a\n    prompt: hi\n    assert:\n      - type: contain\n        value: x\n"
    )
    assert problem.startswith("tests.0.assert.0 (line 6): unknown assertion type 'contain'") and "contains" in problem


def test_missing_required_value_and_bad_regex() -> None:
    problems = _problems(
        "name: s\ntests:\n  - id: a\n    prompt: hi\n    assert:\n      - type: contains\n"
        "      - type: regex\n        pattern: '(['\n"
    )
    assert "tests.0.assert.0.value (line 6): required field is missing" in problems
    assert any(p.startswith("tests.0.assert.1.pattern (line 8): invalid regular expression") for p in problems)


def test_undefined_variable_duplicate_id_and_missing_judge() -> None:
    assert "undefined variable(s): who" in _problems("name: s\ntests:\n  - {id: a, prompt: 'hi {{who}}'}\n")[0]
    assert "used twice" in _problems("name: s\ntests:\n  - {id: a, prompt: x}\n  - {id: a, prompt: y}\n")[0]
    judge = "name: s\ntests:\n  - id: a\n    prompt: x\n    assert: [{type: llm-judge, rubric: polite}]\n"
    assert "names no judge" in _problems(judge)[0]


def test_prompt_xor_messages_yaml_errors_and_key_values() -> None:
    assert "exactly one of prompt or messages" in _problems("name: s\ntests:\n  - {id: a}\n")[0]
    assert _problems("name: s\ntests: [\n")[0].startswith("line ")
    assert _problems("- a\n") == ["the suite must be a YAML mapping (name, tests, …)"]
    bad_key = "name: s\nendpoints:\n  x: {model: m, api_key_env: sk-abc123}\ntests:\n  - {id: a, prompt: x}\n"
    assert "NAME of an environment variable" in _problems(bad_key)[0]
    with pytest.raises(SuiteError, match="file not found"):
        load_suite(Path("/nonexistent/suite.yaml"))
