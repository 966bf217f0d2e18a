"""The recommendation contract: shape, determinism, traceable numbers, hybrid plans, pipelines."""

from __future__ import annotations

import json

from llmpick.engine import SCHEMA, recommend
from llmpick.presets import load_preset
from tests.conftest import make_profile

ROUTE_KEYS = {
    "rank",
    "model",
    "name",
    "openness",
    "license",
    "tasks",
    "deployment",
    "provider",
    "runtime",
    "hardware",
    "quantization",
    "memory_gb",
    "context_window",
    "decode_tokens_per_s",
    "monthly_cost_usd",
    "score",
    "reasons",
    "caveats",
}


def test_json_has_every_field_of_the_contract() -> None:
    doc = recommend(load_preset("startup")).to_json_dict()
    assert doc["schema"] == SCHEMA
    assert {"catalog_as_of", "framework", "recommendations", "hybrid", "excluded", "infeasible"} <= set(doc)
    assert set(doc["framework"]) == {"openness", "task", "precision", "deployment", "speed"}
    assert "steps" in doc["framework"]["precision"] and "tasks" in doc["framework"]["task"]
    for route in doc["recommendations"]:
        assert set(route) >= ROUTE_KEYS
    for ex in doc["excluded"]:
        assert {"model", "provider", "deployment", "reasons"} <= set(ex)


def test_same_profile_same_answer() -> None:
    profile = load_preset("healthcare-legal")
    first = json.dumps(recommend(profile).to_json_dict(), sort_keys=True)
    second = json.dumps(recommend(profile).to_json_dict(), sort_keys=True)
    assert first == second


def test_every_api_cost_line_adds_up_to_the_route_total() -> None:
    rec = recommend(load_preset("productivity"))
    for route in rec.recommendations:
        if route.monthly_cost_usd is not None and route.cost_breakdown:
            assert abs(sum(c.usd for c in route.cost_breakdown) - route.monthly_cost_usd) < 0.05
            assert all(c.basis for c in route.cost_breakdown)


def test_ranks_are_in_score_order() -> None:
    rec = recommend(load_preset("productivity"))
    scores = [r.score for r in rec.recommendations]
    assert scores == sorted(scores, reverse=True)
    assert [r.rank for r in rec.recommendations] == list(range(1, len(scores) + 1))


def test_sensitive_share_gets_a_hybrid_plan() -> None:
    profile = make_profile(
        data={"sensitivity": "confidential", "sensitive_fraction": 0.4, "residency": "on-premises"},
        workload={"requests_per_day": 6000, "input_tokens": 1000, "output_tokens": 250},
        quality="high",
        infrastructure={"gpus": [{"model": "l40s", "count": 1}]},
    )
    hybrid = recommend(profile).hybrid
    assert hybrid is not None and len(hybrid.routes) == 2
    sensitive = [r for r in hybrid.routes if r.sensitive]
    assert sensitive and sensitive[0].use.deployment in ("local", "self-hosted")
    assert sensitive[0].share == 0.4
    assert any(not r.sensitive and r.use.provider for r in hybrid.routes)


def test_speech_text_speech_is_a_pipeline() -> None:
    rec = recommend(make_profile(tasks=["speech-to-text", "text", "text-to-speech"]))
    assert len(rec.framework.task.pipeline) == 3
    assert rec.framework.task.pipeline[0].startswith("speech-to-text")
    # the primary (language) routes are ranked in `recommendations`; the other stages get their own shortlist
    assert [p.stage for p in rec.pipeline] == ["speech-to-text", "text-to-speech"]
    assert all("speech-to-text" in r.tasks for r in rec.pipeline[0].routes)
    assert all("text-to-speech" in r.tasks for r in rec.pipeline[1].routes)


def test_speech_to_text_profile_gets_speech_models() -> None:
    rec = recommend(make_profile(tasks=["speech-to-text"]))
    assert rec.recommendations
    assert all("speech-to-text" in r.tasks for r in rec.recommendations)


def test_break_even_compares_api_and_self_hosting() -> None:
    rec = recommend(make_profile(workload={"requests_per_day": 50000}, team={"ml_expertise": "strong"}))
    assert rec.break_even is not None
    assert rec.cost_curves and all(len(c.points) > 3 for c in rec.cost_curves)


def test_to_json_writes_the_document_of_the_dict() -> None:
    from llmpick.presets import list_presets

    for preset in list_presets():
        rec = recommend(preset.profile)
        doc = rec.to_json_dict()
        assert json.loads(rec.to_json()) == doc, preset.name
        assert json.loads(rec.to_json(indent=2)) == doc, preset.name
        assert "\n" not in rec.to_json()
