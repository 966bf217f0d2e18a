"""Checks on one answer: equals, contains, regex, is-json, contains-json, json-schema, similarity, llm-judge,
latency, cost.

Each gives a result with ``passed`` and a score in [0, 1] and a one-line detail. A check that could not be
evaluated (judge unreachable or not understood, price unknown, model missing) has ``passed = None``: it is an
ERROR, counted and shown, and never counts as a pass. Latency and cost checks are their own dimensions: they
decide whether a cell passes but never enter the quality score.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from llmpick.eval import suite as s

JudgeFn = Callable[[list[dict[str, str]]], Awaitable[str]]


DIMENSION = {"latency": "latency", "cost": "cost"}  # every other check type measures the answer's quality


def dimension_of(check_type: str) -> str:
    return DIMENSION.get(check_type, "quality")


@dataclass
class Answer:
    text: str
    latency_s: float
    ttft_s: float | None
    cost_usd: float | None
    prompt: str = ""


@dataclass
class Outcome:
    type: str
    passed: bool | None  # None: the check could not be evaluated (an error, never a pass)
    score: float | None
    detail: str
    weight: float = 1.0

    @property
    def status(self) -> str:
        return "error" if self.passed is None else ("pass" if self.passed else "fail")

    @property
    def dimension(self) -> str:
        return dimension_of(self.type)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status, "dimension": self.dimension}


def _error(check: Any, detail: str) -> Outcome:
    return Outcome(check.type, None, None, detail, check.weight)


def _binary(check: Any, ok: bool, detail: str, spec: str | None = None) -> Outcome:
    """A pass/fail outcome; a negated check passes when the condition (``spec``) does not hold."""
    if getattr(check, "negate", False):
        ok = not ok
        detail = f"must not {spec or detail}: " + ("it does not" if ok else f"it does ({detail})")
    return Outcome(check.type, ok, 1.0 if ok else 0.0, detail, check.weight)


def _equals(check: s.Equals, answer: Answer) -> Outcome:
    got, want = answer.text.strip(), check.value.strip()
    if check.ignore_case:
        got, want = got.lower(), want.lower()
    return _binary(check, got == want, f"equals {check.value!r}", f"equal {check.value!r}")


def _contains(check: s.Contains, answer: Answer) -> Outcome:
    wanted = [check.value] if isinstance(check.value, str) else check.value
    text = answer.text.lower() if check.ignore_case else answer.text
    missing = [w for w in wanted if (w.lower() if check.ignore_case else w) not in text]
    detail = f"contains {wanted!r}" + (f"; missing {missing!r}" if missing else "")
    return _binary(check, not missing, detail, f"contain {wanted!r}")


def _regex(check: s.Regex, answer: Answer) -> Outcome:
    found = re.search(check.pattern, answer.text, re.IGNORECASE if check.ignore_case else 0)
    return _binary(check, found is not None, f"matches /{check.pattern}/", f"match /{check.pattern}/")


def extract_json(text: str) -> Any:
    """The answer as JSON: the whole text, else a fenced ```json block, else the outermost {...} or [...]."""
    candidates = [text.strip()]
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    if fenced:
        candidates.append(fenced.group(1).strip())
    for open_, close in (("{", "}"), ("[", "]")):
        start, end = text.find(open_), text.rfind(close)
        if 0 <= start < end:
            candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise ValueError("no JSON found in the answer")


def _is_json(check: s.IsJson, answer: Answer) -> Outcome:
    """Strict: the whole answer (surrounding blanks aside) is one JSON value."""
    try:
        json.loads(answer.text.strip())
    except ValueError:
        return _binary(
            check, False, "the answer is not JSON as a whole (contains-json accepts JSON inside text)", "be JSON"
        )
    return _binary(check, True, "the answer is valid JSON", "be JSON")


def _contains_json(check: s.ContainsJson, answer: Answer) -> Outcome:
    try:
        extract_json(answer.text)
    except ValueError as exc:
        return _binary(check, False, str(exc), "contain JSON")
    return _binary(check, True, "contains valid JSON", "contain JSON")


def _json_schema(check: s.JsonSchema, answer: Answer) -> Outcome:
    import jsonschema

    try:
        value = extract_json(answer.text)
    except ValueError as exc:
        return _binary(check, False, str(exc))
    errors = sorted(jsonschema.validators.validator_for(check.schema_)(check.schema_).iter_errors(value), key=str)
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
        return _binary(check, False, f"schema: {where}: {errors[0].message}")
    return _binary(check, True, "matches the JSON schema")


def _latency(check: s.Latency, answer: Answer) -> Outcome:
    problems = []
    if check.max_s is not None and answer.latency_s > check.max_s:
        problems.append(f"took {answer.latency_s:.2f} s > {check.max_s:g} s")
    if check.max_ttft_s is not None and (answer.ttft_s is None or answer.ttft_s > check.max_ttft_s):
        got = "no token" if answer.ttft_s is None else f"{answer.ttft_s:.2f} s"
        problems.append(f"first token {got} > {check.max_ttft_s:g} s")
    return _binary(check, not problems, "; ".join(problems) or "within the latency limits")


def _cost(check: s.Cost, answer: Answer) -> Outcome:
    if answer.cost_usd is None:
        return _error(check, "price unknown for this endpoint: the cost check cannot be evaluated")
    ok = answer.cost_usd <= check.max_usd
    return _binary(check, ok, f"${answer.cost_usd:.6f} {'<=' if ok else '>'} ${check.max_usd:g}")


async def _similarity(check: s.Similarity, answer: Answer) -> Outcome:
    from llmpick.eval.similarity import SimilarityUnavailable, cosine

    try:
        value = await asyncio.to_thread(cosine, answer.text, check.reference)
    except SimilarityUnavailable as exc:
        return _error(check, str(exc))
    ok = value >= check.threshold
    return Outcome(
        check.type, ok, max(0.0, value), f"similarity {value:.3f} (threshold {check.threshold:g})", check.weight
    )


JUDGE_SYSTEM = (
    "You grade an AI assistant's answer against a rubric. Reply with JSON only: "
    '{"score": <integer 0-10>, "reason": "<one sentence>"}'
)
# Sent as response_format so servers with structured output (llama.cpp, OpenAI, vLLM) force the verdict's shape.
VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 10}, "reason": {"type": "string"}},
    "required": ["score", "reason"],
}


async def _judge(check: s.LlmJudge, answer: Answer, judge: JudgeFn | None) -> Outcome:
    if judge is None:
        return _error(check, "no judge endpoint configured")
    messages = [
        {"role": "system", "content": JUDGE_SYSTEM},
        {"role": "user", "content": f"Rubric:\n{check.rubric}\n\nQuestion:\n{answer.prompt}\n\nAnswer:\n{answer.text}"},
    ]
    try:
        reply = await judge(messages)
    except Exception as exc:  # the judge failing is an error of this check, never a pass
        return _error(check, f"judge failed: {exc}")
    score, reason = parse_verdict(reply)
    if score is None:
        return _error(check, f"judge reply not understood: {reply[:120]!r}")
    ok = score >= check.threshold
    return Outcome(check.type, ok, score, f"judge {score * 10:.0f}/10: {reason}", check.weight)


def parse_verdict(reply: str) -> tuple[float | None, str]:
    try:
        data = extract_json(reply)
        if isinstance(data, dict) and "score" in data:
            return min(1.0, max(0.0, float(data["score"]) / 10)), str(data.get("reason", ""))
    except (ValueError, TypeError):
        pass
    found = re.search(r"(\d+(?:\.\d+)?)\s*/\s*10", reply)
    if found:
        return min(1.0, float(found.group(1)) / 10), reply.strip()[:200]
    return None, ""


_SYNC: dict[str, Callable[[Any, Answer], Outcome]] = {
    "equals": _equals,
    "contains": _contains,
    "regex": _regex,
    "is-json": _is_json,
    "contains-json": _contains_json,
    "json-schema": _json_schema,
    "latency": _latency,
    "cost": _cost,
}


async def evaluate(checks: list[Any], answer: Answer, judge: JudgeFn | None = None) -> list[Outcome]:
    out: list[Outcome] = []
    for check in checks:
        try:
            if check.type == "similarity":
                out.append(await _similarity(check, answer))
            elif check.type == "llm-judge":
                out.append(await _judge(check, answer, judge))
            else:
                out.append(_SYNC[check.type](check, answer))
        except Exception as exc:  # a broken check is an error of that check, never fatal, never a pass
            out.append(_error(check, f"could not evaluate: {exc}"))
    return out


@dataclass(frozen=True)
class Verdict:
    """A cell's result from its checks.

    passed: every check passed (None when a check could not be evaluated, or there are none);
    quality_passed: every quality check passed (latency and cost left out; None as above);
    score: the weighted mean score of the quality checks; errors: checks that could not be evaluated.
    """

    passed: bool | None
    quality_passed: bool | None
    score: float | None
    errors: int


def summarise(outcomes: list[Outcome]) -> Verdict:
    errors = sum(1 for o in outcomes if o.passed is None)
    quality = [o for o in outcomes if o.dimension == "quality"]
    q_errors = any(o.passed is None for o in quality)
    passed = _all(outcomes)
    quality_passed = _all(quality)
    scored = [o for o in quality if o.score is not None and o.passed is not None]
    total = sum(o.weight for o in scored)
    score = sum(o.weight * (o.score or 0.0) for o in scored) / total if total and not q_errors else None
    return Verdict(passed, quality_passed, score, errors)


def _all(outcomes: list[Outcome]) -> bool | None:
    """False when a check failed; None when none failed but one could not be evaluated (or there are none)."""
    if any(o.passed is False for o in outcomes):
        return False
    if not outcomes or any(o.passed is None for o in outcomes):
        return None
    return True
