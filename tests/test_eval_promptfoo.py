"""A promptfoo config read as an llmpick suite: the common parts map, anything else is an error naming its key."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmpick.cli.main import app
from llmpick.eval.suite import SuiteError, parse_suite

# The shape of promptfoo's own getting-started config, with the assertion types teams use most.
PROMPTFOO = """\
# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json
description: Help-desk replies
prompts:
  - "You are a help-desk agent. Answer briefly: {{question}}"
  - label: chat
    raw: |
      [{"role": "system", "content": "Answer in one sentence."},
       {"role": "user", "content": "{{question}}"}]
providers:
  - id: openai:chat:ok
    label: local-ok
    config:
      apiBaseUrl: BASE_URL
      temperature: 0
      max_tokens: 64
  - id: openai:chat:paris
    label: paris-bot
    config:
      apiBaseUrl: BASE_URL
      temperature: 0
      max_tokens: 64
defaultTest:
  options:
    provider:
      id: openai:chat:judge-pf
      config: {apiBaseUrl: BASE_URL}
  assert:
    - type: latency
      threshold: 30000
tests:
  - description: Greets the user
    vars: {question: Say hello}
    assert:
      - type: icontains
        value: hello
      - type: not-contains
        value: guarantee
      - type: llm-rubric
        value: Is polite
  - description: Knows the capital
    vars: {question: 'What is the capital of France?'}
    assert:
      - type: equals
        value: Paris
      - type: regex
        value: "^[A-Z]"
      - type: similar
        value: Paris is the capital.
        threshold: 0.6
  - description: Answers JSON when asked
    vars: {question: 'Reply with {"ok": true}'}
    assert:
      - type: contains-json
      - type: is-json
        value: {type: object, required: [ok]}
      - type: cost
        threshold: 0.01
"""


def test_a_promptfoo_config_maps_to_a_suite() -> None:
    suite = parse_suite(PROMPTFOO.replace("BASE_URL", "http://127.0.0.1:9/v1"), "promptfooconfig.yaml")
    assert suite.name == "Help-desk replies"
    assert [t.id for t in suite.tests] == [
        "greets-the-user.p1",
        "greets-the-user.p2",
        "knows-the-capital.p1",
        "knows-the-capital.p2",
        "answers-json-when-asked.p1",
        "answers-json-when-asked.p2",
    ]  # prompts × tests, as promptfoo runs them
    assert set(suite.endpoints) == {"local-ok", "paris-bot"}
    assert suite.endpoints["local-ok"].base_url == "http://127.0.0.1:9/v1" and suite.params.max_tokens == 64
    assert suite.judge is not None and suite.judge.model == "judge-pf"
    first = suite.tests[0]
    assert suite.messages(first)[-1]["content"] == "You are a help-desk agent. Answer briefly: Say hello"
    assert [m["role"] for m in suite.messages(suite.tests[1])] == ["system", "user"]
    kinds = [(a.type, getattr(a, "negate", None), getattr(a, "ignore_case", None)) for a in first.assert_]
    assert kinds == [("contains", False, True), ("contains", True, False), ("llm-judge", None, None)]
    assert suite.assert_[0].type == "latency" and suite.assert_[0].max_s == 30.0
    json_checks = [a.type for a in suite.tests[4].assert_]
    assert json_checks == ["contains-json", "json-schema", "cost"]
    similar = suite.tests[2].assert_[2]
    assert (similar.type, similar.threshold) == ("similarity", 0.6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("  - type: equals\n        value: Paris", "  - type: javascript\n        value: output === 'Paris'"),
            "tests.1.assert.0.type (line 43): 'javascript' assertions run code",
        ),
        (("description: Help-desk replies", "description: x\nscenarios: []"), "scenarios (line 3): promptfoo key"),
        (
            ("  - id: openai:chat:paris", "  - id: bedrock:claude"),
            "providers.1.id (line 16): provider 'bedrock:claude'",
        ),
        (
            (
                "      temperature: 0\n      max_tokens: 64\ndefaultTest",
                "      temperature: 0\n      max_tokens: 64\n      frequency_penalty: 1\ndefaultTest",
            ),
            "providers.1.config.frequency_penalty",
        ),
        (
            ("        value: Paris\n", "        value: Paris\n        transform: output.trim()\n"),
            "tests.1.assert.0.transform",
        ),
        (("  - type: regex", "  - type: levenshtein"), "promptfoo assertion type 'levenshtein' is not mapped"),
        (("vars: {question: Say hello}", "vars: {question: [Say hello, Hi]}"), "tests.0.vars.question"),
    ],
)
def test_what_cannot_be_mapped_is_an_error_naming_the_key(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in PROMPTFOO
    with pytest.raises(SuiteError) as caught:
        parse_suite(PROMPTFOO.replace(old, new), "promptfooconfig.yaml")
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert "read as a promptfoo config" in str(caught.value)


def test_a_rubric_without_a_grader_is_an_error() -> None:
    text = PROMPTFOO.replace(
        "  options:\n    provider:\n      id: openai:chat:judge-pf\n      config: {apiBaseUrl: BASE_URL}\n", ""
    )
    with pytest.raises(SuiteError, match="llm-rubric needs a grader"):
        parse_suite(text)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from tests.test_eval_strict import Server

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_a_promptfoo_config_runs_end_to_end(server: str, tmp_path: Path) -> None:
    config = tmp_path / "promptfooconfig.yaml"
    text = PROMPTFOO.replace("BASE_URL", server)
    # the similarity check needs the optional embedding model: leave it out so this runs everywhere
    text = text.replace("      - type: similar\n        value: Paris is the capital.\n        threshold: 0.6\n", "")
    config.write_text(text)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(
        app, ["eval", str(config), "--no-progress", "--format", "json", "-o", str(out), "--fail-under", "0.5"]
    )
    assert result.exit_code == 1, result.output
    assert "gate failed: paris-bot: pass rate 33% (2/6" in result.output  # only the capital test, both prompts
    data = json.loads(out.read_text())
    rates = {e["name"]: (e["passed"], e["cells"]) for e in data["endpoints"]}
    assert rates == {"paris-bot": (2, 6), "local-ok": (2, 6)}
    greet = next(c for c in data["cells"] if c["endpoint"] == "local-ok" and c["test"] == "greets-the-user.p1")
    assert greet["passed"] is True and {a["type"] for a in greet["assertions"]} == {"latency", "contains", "llm-judge"}
    cost = next(c for c in data["cells"] if c["test"] == "answers-json-when-asked.p1")["assertions"][-1]
    assert cost["type"] == "cost" and cost["status"] == "error"  # no price for these endpoints: not a pass
