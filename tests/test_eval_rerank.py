"""Re-ranking a real recommendation with measured quality: honest, through the engine's weights, self-consistent."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmpick.engine.policy import load_policy
from llmpick.engine.recommend import recommend
from llmpick.engine.result import Recommendation, Route
from llmpick.engine.scoring import weights_for
from llmpick.eval.endpoints import Endpoint, RouteRef
from llmpick.eval.report import EvalResults, build, wilson
from llmpick.eval.rerank import apply_eval, measured_quality
from llmpick.eval.store import Store
from tests.conftest import make_profile


def _key(route: Route) -> tuple[object, ...]:
    """A route's identity: the same model may be listed once per deployment (e.g. local and hosted)."""
    return (route.model, route.deployment, route.provider, route.runtime, route.hardware)


def _ref(route: Route) -> RouteRef:
    return RouteRef(route.rank, route.model, route.deployment, route.provider, route.runtime, route.hardware)


def _results(tmp_path: Path, outcomes: dict[int, list[bool | str]], rec: Recommendation) -> EvalResults:
    """Eval results where the route of rank k answered `outcomes[k]` (True pass, False fail, str an error kind)."""
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    routes = {r.rank: r for r in rec.recommendations}
    endpoints = [
        Endpoint(f"r{k}", "openai", routes[k].model, "http://127.0.0.1:1/v1", route=_ref(routes[k])) for k in outcomes
    ]
    n = max(len(v) for v in outcomes.values())
    suite = {"tests": [{"id": f"t{i}", "prompt": "p"} for i in range(n)]}
    run_id, _ = store.open_run("k", "suite", {"endpoints": [e.describe() for e in endpoints], "suite": suite})
    for endpoint, (_, cells) in zip(endpoints, outcomes.items(), strict=True):
        for i, outcome in enumerate(cells):
            base = {"test_id": f"t{i}", "endpoint": endpoint.name, "repeat": 0, "task": "text"}
            if isinstance(outcome, str):
                store.save_cell(run_id, {**base, "status": "error", "error_kind": outcome, "error": outcome})
                continue
            # every cell also passes a latency check: it must lift nothing
            checks = [
                {"type": "contains", "passed": outcome, "score": float(outcome), "detail": "d"},
                {"type": "latency", "passed": True, "score": 1.0, "detail": "fast"},
            ]
            store.save_cell(
                run_id,
                {
                    **base,
                    "status": "ok",
                    "output": "x",
                    "passed": outcome,
                    "quality_passed": outcome,
                    "check_errors": 0,
                    "score": float(outcome),
                    "assertions": checks,
                },
            )
    store.finish_run(run_id)
    return build(store, run_id)


@pytest.fixture(scope="module")
def profile():  # type: ignore[no-untyped-def]
    return make_profile(quality="high")


@pytest.fixture(scope="module")
def rec(profile) -> Recommendation:  # type: ignore[no-untyped-def]
    out = recommend(profile, top=5)
    assert len(out.recommendations) == 5
    return out


def test_a_model_failing_the_suite_never_rises_above_one_that_passes_more(tmp_path: Path, rec, profile) -> None:  # type: ignore[no-untyped-def]
    # the last route passes 7 of 13 (like SmolLM2-135M on the review's help-desk suite), the first 12 of 13
    results = _results(tmp_path, {1: [True] * 12 + [False], 5: [True] * 7 + [False] * 6}, rec)
    out = apply_eval(rec, results, profile)
    order = [_key(r) for r in out.recommendations]
    assert order.index(_key(rec.recommendations[4])) > order.index(_key(rec.recommendations[0]))
    tiny = next(r for r in out.recommendations if _key(r) == _key(rec.recommendations[4]))
    # nor does it overtake an unevaluated route whose (catalog) quality is higher
    for other in out.recommendations:
        if _key(other) != _key(tiny) and other.scores["quality"] > tiny.scores["quality"]:
            assert other.rank < tiny.rank, (other.model, other.scores, tiny.scores)
    assert tiny.scores["quality"] == pytest.approx(round(wilson(7, 13)[0], 3))
    assert "uneven" in out.assumptions[-1]


def test_only_measured_merit_lifts_a_route(tmp_path: Path, rec, profile) -> None:  # type: ignore[no-untyped-def]
    # a bot that passes 1 of 13 (its latency checks all pass) sinks; nothing is sorted on "was measured"
    results = _results(tmp_path, {2: [True] + [False] * 12}, rec)
    out = apply_eval(rec, results, profile)
    bot = next(r for r in out.recommendations if _key(r) == _key(rec.recommendations[1]))
    assert bot.scores["quality"] < 0.1 and bot.rank > 2
    untouched = [_key(r) for r in out.recommendations if _key(r) != _key(bot)]
    assert untouched == [_key(r) for r in rec.recommendations if _key(r) != _key(bot)]


def test_total_uses_the_engines_weights_for_this_profile(tmp_path: Path, rec, profile) -> None:  # type: ignore[no-untyped-def]
    results = _results(tmp_path, {3: [True] * 20}, rec)
    out = apply_eval(rec, results, profile)
    before = rec.recommendations[2]
    after = next(r for r in out.recommendations if _key(r) == _key(before))
    weights, fired = weights_for(profile, load_policy())
    assert "quality_high" in fired  # the profile raised the quality weight
    total = sum(weights[d] for d in before.scores)
    expected = before.score + weights["quality"] * (after.scores["quality"] - before.scores["quality"]) / total
    assert after.score == pytest.approx(expected, abs=1e-4)
    assert after.scores["quality"] == pytest.approx(round(wilson(20, 20)[0], 3))
    assert after.scores["cost"] == before.scores["cost"] and after.scores["speed"] == before.scores["speed"]


def test_failed_credentials_mean_not_evaluated_not_quality_zero(tmp_path: Path, rec, profile) -> None:  # type: ignore[no-untyped-def]
    results = _results(tmp_path, {1: ["auth", "auth"], 2: ["config", "unreachable"]}, rec)
    assert all(measured_quality(e) is None for e in results.endpoints)
    assert "failed on our side" in (results.endpoints[0].not_evaluated or "")
    out = apply_eval(rec, results, profile)
    assert [r.model for r in out.recommendations] == [r.model for r in rec.recommendations]
    assert [r.score for r in out.recommendations] == [r.score for r in rec.recommendations]
    assert any("not evaluated: every call failed on our side" in c for c in out.recommendations[0].caveats)
    assert "matched no evaluated route" in out.assumptions[-1]


def test_the_verdict_panels_follow_the_re_ranked_list(tmp_path: Path, rec, profile) -> None:  # type: ignore[no-untyped-def]
    results = _results(tmp_path, {1: [False] * 30, 2: [True] * 30}, rec)
    out = apply_eval(rec, results, profile)
    top = out.recommendations[0]
    assert _key(top) != _key(rec.recommendations[0])  # the route that failed every test lost the top place
    assert any(top.model in reason for reason in out.framework.deployment.reasons)
    assert any(top.model in reason or top.name in reason for reason in out.framework.openness.reasons)
    old = rec.recommendations[0]
    old_label = f"{old.model} via {old.provider or old.runtime}"
    assert not any(old_label in reason and "best-scoring" in reason for reason in out.framework.deployment.reasons)
