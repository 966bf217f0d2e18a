"""Verdicts a CTO would sign: unrated is a state, lifecycle by date, coherent verdicts, hybrids that pay,
speed decided once, every documented field used, fine-tuning planned, several serving engines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from llmpick.catalog.catalog import Catalog
from llmpick.engine import recommend
from llmpick.engine.candidates import Setting, _server_estimates
from llmpick.engine.recommend import start_run
from llmpick.engine.result import Recommendation
from llmpick.engine.stages import split_stages
from llmpick.sizing.specs import ModelSpec
from tests.conftest import make_profile

AS_OF = dt.date(2026, 12, 2)
CONTRACT = Path(__file__).parent / "data" / "recommendation.schema.json"


def _excluded(rec: Recommendation, model: str, rule: str) -> list[str]:
    return [r for e in rec.excluded if e.model == model and rule in e.rules for r in e.reasons]


# ---------------------------------------------------------------- unrated is a state, not a pass


def test_an_unrated_model_meets_no_quality_floor_above_basic() -> None:
    profile = make_profile(
        workload={"requests_per_day": 50, "peak_concurrency": 1}, infrastructure={"device": {"model": "rtx-3090"}}
    )
    rec = recommend(profile, top=20, as_of=AS_OF)
    assert all(r.quality_rated for r in rec.recommendations)
    assert "unrated" in " ".join(_excluded(rec, "smollm2-135m-instruct", "quality"))


def test_unrated_models_come_back_when_the_profile_allows_them_and_are_labelled() -> None:
    profile = make_profile(
        workload={"requests_per_day": 50, "peak_concurrency": 1},
        infrastructure={"device": {"model": "rtx-3090"}},
        quality_unrated="allow",
        preferences={"prefer": ["smollm2-135m-instruct"]},
    )
    rec = recommend(profile, top=50, as_of=AS_OF)
    unrated = [r for r in rec.recommendations if not r.quality_rated]
    assert unrated
    assert all(r.quality_tier is None and any("unrated" in c for c in r.caveats) for r in unrated)


def test_the_basic_floor_admits_unrated_models() -> None:
    rec = recommend(make_profile(quality="basic", workload={"peak_concurrency": 1}), top=50, as_of=AS_OF)
    assert not _excluded(rec, "smollm2-135m-instruct", "quality")


# ---------------------------------------------------------------- lifecycle per offering, by date


def test_an_offering_shut_down_by_the_as_of_date_is_never_recommended(catalog: Catalog) -> None:
    profile = make_profile(quality="high", team={"ml_expertise": "none"})
    before = recommend(profile, catalog, top=50, as_of=dt.date(2026, 11, 1))
    after = recommend(profile, catalog, top=50, as_of=dt.date(2026, 12, 2))
    gone = [r for r in before.recommendations if r.shutdown_on and r.shutdown_on <= "2026-12-02"]
    for route in gone:
        assert not any(r.model == route.model and r.provider == route.provider for r in after.recommendations)
    for route in after.recommendations:
        assert route.status != "retired"


def test_an_offering_shutting_down_soon_says_when() -> None:
    rec = recommend(make_profile(quality="high", preferences={"prefer": ["gpt-5"]}), top=50, as_of=dt.date(2026, 12, 2))
    soon = [r for r in rec.recommendations if r.shutdown_on and r.shutdown_on > "2026-12-02"]
    for route in soon:
        assert any("shuts down" in c and route.shutdown_on in c for c in route.caveats), route.caveats


def test_an_api_retirement_never_removes_the_open_weights_you_run_yourself() -> None:
    for day in (dt.date(2024, 1, 1), dt.date(2026, 12, 2), dt.date(2030, 1, 1)):
        rec = recommend(
            make_profile(
                workload={"requests_per_day": 80, "peak_concurrency": 1},
                infrastructure={"device": {"model": "rtx-3090"}},
                quality_unrated="allow",
                preferences={"prefer": ["mistral-nemo"]},
            ),
            top=50,
            as_of=day,
        )
        assert not [
            e for e in rec.excluded if e.model == "mistral-nemo" and e.deployment == "local" and "status" in e.rules
        ]


def test_the_same_profile_catalog_and_date_give_the_same_output(catalog: Catalog) -> None:
    profile = make_profile(quality="high", workload={"requests_per_day": 5000, "peak_concurrency": 10})
    one = recommend(profile, catalog, as_of=AS_OF).to_json_dict()
    two = recommend(profile, catalog, as_of=AS_OF).to_json_dict()
    assert one == two
    assert one["as_of"] == "2026-12-02"


# ---------------------------------------------------------------- coherent verdicts


def test_verdicts_follow_the_constraints_when_nothing_fits() -> None:
    rec = recommend(
        make_profile(
            data={"sensitivity": "regulated", "residency": "on-premises"},
            workload={"requests_per_day": 40000, "input_tokens": 3000, "output_tokens": 500, "peak_concurrency": 40},
            quality="frontier",
            infrastructure={"device": {"model": "rtx-3070"}},
        ),
        as_of=AS_OF,
    )
    assert not rec.recommendations and rec.infeasible
    assert rec.framework.openness.choice in ("open-weight", "open-source")
    assert rec.framework.deployment.choice in ("local", "self-hosted")
    for relax in rec.infeasible.relax:
        if not isinstance(relax, str):
            assert relax.unlocks >= 1


# ---------------------------------------------------------------- hybrid only when it pays

HELPDESK = {
    "data": {"sensitivity": "confidential", "sensitive_fraction": 0.4, "residency": "on-premises"},
    "workload": {"requests_per_day": 6000, "input_tokens": 1000, "output_tokens": 250},
    "quality": "high",
    "infrastructure": {"gpus": [{"model": "l40s", "count": 1}]},
}


def test_a_sensitivity_split_is_shown_with_what_it_gains_over_the_single_route() -> None:
    rec = recommend(make_profile(**HELPDESK), as_of=AS_OF)
    hybrid = rec.hybrid
    assert hybrid is not None and len(hybrid.routes) == 2
    private, public = hybrid.routes
    assert private.sensitive and private.use.deployment in ("self-hosted", "local")
    assert not public.sensitive and public.use.deployment in ("saas-api", "hosted-open")
    assert hybrid.single_route_cost_usd is not None and hybrid.monthly_cost_usd is not None
    assert any("against the best single route" in r for r in hybrid.reasons)
    assert hybrid.monthly_cost_usd == pytest.approx(
        private.use.monthly_cost_usd + public.use.monthly_cost_usd, abs=0.02
    )


def test_a_split_that_only_adds_cost_is_not_shown() -> None:
    rec = recommend(
        make_profile(
            data={"sensitivity": "confidential", "sensitive_fraction": 0.3},
            workload={"requests_per_day": 12000, "input_tokens": 1200, "output_tokens": 300, "peak_concurrency": 12},
            infrastructure={"gpus": [{"model": "l40s", "count": 1}]},
        ),
        as_of=AS_OF,
    )
    # the best single route already keeps the confidential share safe: a split would only add cost
    assert rec.hybrid is None


def test_a_budget_split_stays_within_the_budget_it_exists_for() -> None:
    plans = 0
    for budget in (50, 150, 400, 1000):
        rec = recommend(
            make_profile(
                quality="frontier",
                workload={"requests_per_day": 20000, "input_tokens": 2000, "output_tokens": 500},
                budget={"monthly_usd": budget},
            ),
            as_of=AS_OF,
        )
        if rec.hybrid is not None:
            plans += 1
            assert rec.hybrid.monthly_cost_usd is not None and rec.hybrid.monthly_cost_usd <= budget, budget
            premium, routine = rec.hybrid.routes
            assert premium.share + routine.share == pytest.approx(1.0)
    assert plans >= 1  # the grid reaches the case it exists for (at $150 a plan is made)


def test_no_budget_split_when_the_premium_route_fits_the_budget_alone() -> None:
    rec = recommend(
        make_profile(quality="high", workload={"requests_per_day": 100}, budget={"monthly_usd": 100000}), as_of=AS_OF
    )
    assert rec.hybrid is None


# ---------------------------------------------------------------- speed decided once


def test_the_speed_verdict_is_the_target_routes_are_judged_against() -> None:
    rec = recommend(make_profile(quality="frontier", domain={"expertise": "expert"}), as_of=AS_OF)
    assert rec.framework.speed.choice == "slow" and rec.framework.speed.source == "inferred"
    rag = recommend(make_profile(domain={"knowledge_base": True}), as_of=AS_OF)
    assert rag.framework.speed.choice == "moderate" and rag.framework.speed.min_tokens_per_s == 15
    for route in rag.recommendations:
        if route.decode_tokens_per_s is not None and route.decode_tokens_per_s < 15:
            assert any("below the moderate target" in c for c in route.caveats)


def test_a_time_to_first_token_target_excludes_routes_that_cannot_meet_it() -> None:
    profile = make_profile(
        speed_targets={"ttft_ms": 200},
        workload={"input_tokens": 8000, "peak_concurrency": 1, "requests_per_day": 100},
        infrastructure={"device": {"model": "apple-m4", "memory_gb": 16}},
    )
    rec = recommend(profile, top=20, as_of=AS_OF)
    assert rec.framework.speed.ttft_ms == 200
    for route in rec.recommendations:
        if route.time_to_first_token_s is not None:
            assert route.time_to_first_token_s <= 0.2
    assert any("speed" in e.rules and "first token" in " ".join(e.reasons) for e in rec.excluded)


def test_unknown_speed_ranks_below_measured_speed_when_latency_decides() -> None:
    rec = recommend(
        make_profile(speed="ultra-fast", workload={"requests_per_day": 50000, "peak_concurrency": 50}),
        top=10,
        as_of=AS_OF,
    )
    known = [i for i, r in enumerate(rec.recommendations) if r.decode_tokens_per_s is not None]
    unknown = [i for i, r in enumerate(rec.recommendations) if r.decode_tokens_per_s is None]
    assert known
    for route in rec.recommendations:
        if route.decode_tokens_per_s is None:
            assert route.scores["speed"] < 0.5
    if unknown:
        assert min(known) < min(unknown)


# ---------------------------------------------------------------- every documented field is read


def test_a_team_on_aws_with_hipaa_gets_its_own_cloud_first() -> None:
    rec = recommend(
        make_profile(
            industry="healthcare",
            data={"sensitivity": "regulated", "compliance": ["hipaa"], "residency": "us"},
            workload={"requests_per_day": 1500, "input_tokens": 2500, "output_tokens": 400, "peak_concurrency": 6},
            quality="high",
            team={"ml_expertise": "none", "needs_vendor_support": True},
            infrastructure={"cloud": "aws"},
        ),
        as_of=AS_OF,
    )
    assert rec.recommendations[0].provider == "aws-bedrock"


def test_industry_raises_sensitivity_and_says_so() -> None:
    base = make_profile(data={"sensitivity": "internal"}, workload={"requests_per_day": 2000})
    bank = make_profile(industry="banking", data={"sensitivity": "internal"}, workload={"requests_per_day": 2000})
    a, b = recommend(base, as_of=AS_OF), recommend(bank, as_of=AS_OF)
    assert any("industry is banking" in line for line in b.assumptions)
    assert a.to_json_dict() != b.to_json_dict()


CHANGES: dict[str, dict[str, Any]] = {
    "industry": {"industry": "government"},
    "data.sensitivity": {"data": {"sensitivity": "regulated"}},
    "data.compliance": {"data": {"compliance": ["hipaa"]}},
    "data.residency": {"data": {"residency": "eu"}},
    "data.air_gapped": {"data": {"air_gapped": True}, "infrastructure": {"gpus": [{"model": "l40s", "count": 2}]}},
    "data.sensitive_fraction": {
        "data": {"sensitivity": "confidential", "sensitive_fraction": 0.4, "residency": "on-premises"},
        "quality": "high",
        "infrastructure": {"gpus": [{"model": "l40s", "count": 1}]},
    },
    "workload.audience": {
        "workload": {"audience": "customer-facing"},
        "infrastructure": {"gpus": [{"model": "l40s", "count": 4}]},
    },
    "workload.requests_per_day": {"workload": {"requests_per_day": 50000}},
    "workload.input_tokens": {"workload": {"input_tokens": 20000}},
    "workload.output_tokens": {"workload": {"output_tokens": 3000}},
    "workload.peak_concurrency": {"workload": {"peak_concurrency": 60}},
    "workload.context_tokens": {"workload": {"context_tokens": 300000}},
    "workload.hours_per_day": {
        "workload": {"hours_per_day": 8},
        "infrastructure": {"gpus": [{"model": "l40s", "count": 1}]},
    },
    "workload.cacheable_input_fraction": {"workload": {"cacheable_input_fraction": 0.9}},
    "workload.batch_fraction": {"workload": {"batch_fraction": 0.9}},
    "speed": {"speed": "ultra-fast"},
    "speed_targets.ttft_ms": {"speed_targets": {"ttft_ms": 100}},
    "speed_targets.tokens_per_s": {"speed_targets": {"tokens_per_s": 400}},
    "quality": {"quality": "frontier"},
    "quality_unrated": {"quality_unrated": "allow", "quality": "high"},
    "domain.expertise": {"domain": {"expertise": "expert", "labeled_examples": 1000}},
    "domain.knowledge_base": {"domain": {"knowledge_base": True}},
    "domain.knowledge_changes": {"domain": {"knowledge_base": True, "knowledge_changes": "often"}},
    "customization.modify_architecture": {"customization": {"modify_architecture": True}},
    "budget.monthly_usd": {"budget": {"monthly_usd": 5}},
    "budget.upfront_usd": {"budget": {"upfront_usd": 0}, "workload": {"peak_concurrency": 1, "requests_per_day": 100}},
    "team.ml_expertise": {"team": {"ml_expertise": "none"}},
    "team.time_to_market": {"team": {"time_to_market": "fast"}},
    "team.needs_vendor_support": {"team": {"needs_vendor_support": True}},
    # with vendor support wanted, managed offerings lead and the cloud's own ones gain; in the bare
    # profile the top routes are open models on hosts outside any cloud, which a cloud leaves alone
    "infrastructure.cloud": {"infrastructure": {"cloud": "azure"}, "team": {"needs_vendor_support": True}},
    "infrastructure.gpus": {"infrastructure": {"gpus": [{"model": "h100-sxm-80gb", "count": 2}]}},
    "infrastructure.device": {"infrastructure": {"device": {"model": "apple-m4-max"}}},
    "license.commercial_use": {"license": {"commercial_use": False}, "quality": "basic"},
    "license.monthly_active_users": {"license": {"monthly_active_users": 900_000_000}},
    "preferences.avoid_vendor_lock_in": {"preferences": {"avoid_vendor_lock_in": True}},
    "preferences.exclude": {"preferences": {"exclude": ["openai", "anthropic", "google-ai-studio"]}},
    "assumptions.gpu_utilization": {
        "assumptions": {"gpu_utilization": 0.2},
        "infrastructure": {"gpus": [{"model": "l40s", "count": 2}]},
    },
    "assumptions.ops_staff_usd_per_month": {
        "assumptions": {"ops_staff_usd_per_month": 9000},
        "data": {"residency": "on-premises"},
    },
    "assumptions.power_usd_per_kwh": {"assumptions": {"power_usd_per_kwh": 0.5}, "data": {"residency": "on-premises"}},
}


def _base(**extra: Any) -> dict[str, Any]:
    return {"workload": {"requests_per_day": 3000, "peak_concurrency": 4}, **extra}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_every_documented_field_changes_the_answer(field: str, catalog: Catalog) -> None:
    change = CHANGES[field]
    base = dict(_base())
    changed: dict[str, Any] = json.loads(json.dumps(base))
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(changed.get(key), dict):
            changed[key] = {**changed[key], **value}
        else:
            changed[key] = value
    # the comparison profile shares every section the change needs except the field itself
    reference = {k: v for k, v in changed.items()}
    leaf = field.split(".")
    if len(leaf) == 2 and isinstance(reference.get(leaf[0]), dict):
        section = dict(reference[leaf[0]])
        section.pop(leaf[1], None)
        reference[leaf[0]] = section
    else:
        reference.pop(leaf[0], None)
    a = recommend(make_profile(**reference), catalog, as_of=AS_OF).to_json_dict()
    b = recommend(make_profile(**changed), catalog, as_of=AS_OF).to_json_dict()
    assert a != b, f"{field}: changing it changed nothing"


# ---------------------------------------------------------------- fine-tuning is planned


def test_a_fine_tuning_strategy_gives_each_route_a_training_plan() -> None:
    rec = recommend(
        make_profile(
            domain={"expertise": "expert", "labeled_examples": 5000},
            team={"ml_expertise": "strong"},
            infrastructure={"gpus": [{"model": "rtx-5090", "count": 1}]},
        ),
        as_of=AS_OF,
    )
    assert rec.framework.precision.choice in ("lora", "qlora")
    assert rec.recommendations
    first = rec.recommendations[0]
    assert first.training is not None and first.training.hardware is not None
    assert first.training.memory_gb_per_gpu is not None


# ---------------------------------------------------------------- several serving engines


def test_more_than_one_serving_engine_is_sized_on_a_data_centre_gpu(catalog: Catalog) -> None:
    profile = make_profile()
    run, profile, _ = start_run(profile, catalog, AS_OF)
    setting: Setting = run.setting()
    spec = ModelSpec.from_model(catalog.model("llama-3.1-8b-instruct"))
    assert spec is not None
    found = _server_estimates(profile, setting, spec, catalog.hardware["h100-sxm-80gb"], 1, 4)
    assert {e.runtime for e in found} >= {"vllm", "sglang"}


# ---------------------------------------------------------------- the JSON contract


def _props(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["$defs"][name]["properties"] if name in schema.get("$defs", {}) else schema["properties"]


def test_the_json_contract_only_grows() -> None:
    """Fields are added, never renamed or removed, within llmpick.recommendation/1 (frozen in tests/data)."""
    frozen = json.loads(CONTRACT.read_text(encoding="utf-8"))
    current = Recommendation.model_json_schema(by_alias=True)
    for name in ["Recommendation", *frozen.get("$defs", {})]:
        old = _props(frozen, name)
        new = _props(current, name)
        missing = sorted(set(old) - set(new))
        assert not missing, f"{name}: fields removed or renamed: {missing}"


def test_every_stage_of_a_voice_pipeline_has_a_route_and_the_pipeline_a_total(catalog: Catalog) -> None:
    rec = recommend(make_profile(tasks=["speech-to-text", "text", "text-to-speech"]), catalog, as_of=AS_OF)
    assert rec.pipeline and all(stage.routes for stage in rec.pipeline)
    if (
        all(s.routes[0].monthly_cost_usd is not None for s in rec.pipeline)
        and rec.recommendations[0].monthly_cost_usd is not None
    ):
        assert rec.pipeline_monthly_cost_usd is not None


def test_stage_split_is_stable() -> None:
    stages = split_stages(make_profile(tasks=["text-to-speech", "text", "speech-to-text"]).tasks)
    assert [s.name for s in stages][0] == "text"


def test_an_on_premises_voice_agent_self_hosts_every_stage() -> None:
    rec = recommend(
        make_profile(
            tasks=["speech-to-text", "text", "text-to-speech"],
            data={"sensitivity": "regulated", "residency": "on-premises"},
            workload={"requests_per_day": 500, "peak_concurrency": 2},
            infrastructure={"gpus": [{"model": "l40s", "count": 2}]},
            quality_unrated="allow",
        ),
        as_of=AS_OF,
    )
    assert rec.recommendations and rec.pipeline
    for stage in rec.pipeline:
        assert stage.routes, stage.stage
        assert all(r.deployment in ("self-hosted", "local") for r in stage.routes)
        assert all(r.runtime in ("faster-whisper", "whisper-cpp", "melotts") for r in stage.routes)
    assert rec.pipeline_monthly_cost_usd is not None


def test_a_pipeline_budget_applies_to_the_whole_pipeline() -> None:
    # each stage fits $40 alone (about $29 and $12); together they do not
    over = recommend(
        make_profile(tasks=["text", "embeddings"], workload={"requests_per_day": 20000}, budget={"monthly_usd": 40}),
        as_of=AS_OF,
    )
    assert over.pipeline_monthly_cost_usd is not None and over.pipeline_monthly_cost_usd > 40
    assert any("pipeline's #1 routes together cost" in r for r in over.framework.task.reasons)
    within = recommend(
        make_profile(tasks=["text", "embeddings"], workload={"requests_per_day": 20000}, budget={"monthly_usd": 100}),
        as_of=AS_OF,
    )
    assert within.pipeline_monthly_cost_usd is not None and within.pipeline_monthly_cost_usd <= 100
    assert not any("pipeline's #1 routes together cost" in r for r in within.framework.task.reasons)
