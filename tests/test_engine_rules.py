"""Each hard constraint, pinned by a profile that breaks it and the reason the engine gives."""

from __future__ import annotations

from typing import Any

from llmpick.engine import recommend
from llmpick.engine.candidates import SELF_RUN
from llmpick.engine.result import Exclusion, Recommendation
from tests.conftest import make_profile


def excluded_by(rec: Recommendation, rule: str) -> list[Exclusion]:
    return [e for e in rec.excluded if rule in e.rules]


def reasons(rec: Recommendation, rule: str) -> str:
    return " | ".join(r for e in excluded_by(rec, rule) for r in e.reasons)


def assert_never_recommended(rec: Recommendation, **route: Any) -> None:
    for r in rec.recommendations:
        assert not all(getattr(r, k) == v for k, v in route.items()), r


def test_a_text_only_model_is_excluded_when_vision_is_needed() -> None:
    rec = recommend(make_profile(tasks=["text", "vision"]))
    assert "does not do vision" in reasons(rec, "task")
    assert all("vision" in r.tasks or "multimodal" in r.tasks for r in rec.recommendations)


def test_changing_the_architecture_needs_open_source() -> None:
    rec = recommend(make_profile(customization={"modify_architecture": True}, team={"ml_expertise": "strong"}))
    assert "needs an open-source model" in reasons(rec, "openness")
    assert {r.openness for r in rec.recommendations} == {"open-source"}


def test_fine_tuning_excludes_hosts_that_cannot_serve_your_adapters() -> None:
    rec = recommend(
        make_profile(domain={"expertise": "expert", "labeled_examples": 5000}, team={"ml_expertise": "strong"})
    )
    assert rec.framework.precision.choice in ("lora", "qlora")
    assert "fine-tunes the model" in reasons(rec, "fine-tuning")


def test_air_gapped_excludes_every_network_route() -> None:
    rec = recommend(make_profile(data={"air_gapped": True, "residency": "on-premises"}))
    assert "air-gapped" in reasons(rec, "air-gap")
    assert all(r.provider is None for r in rec.recommendations)


def test_on_premises_residency_excludes_apis_and_rented_gpus() -> None:
    rec = recommend(
        make_profile(data={"residency": "on-premises"}, infrastructure={"gpus": [{"model": "l40s", "count": 2}]})
    )
    text = reasons(rec, "residency")
    assert "third-party API" in text
    assert all(r.deployment in ("local", "self-hosted") for r in rec.recommendations)


def test_eu_residency_needs_a_provider_that_keeps_data_in_the_eu() -> None:
    rec = recommend(make_profile(data={"residency": "eu"}))
    assert "EU data residency" in reasons(rec, "residency")


def test_regulated_data_needs_zero_data_retention_at_third_parties() -> None:
    rec = recommend(make_profile(data={"sensitivity": "regulated"}))
    assert "zero data retention" in reasons(rec, "data-sensitivity")


def test_a_hipaa_profile_never_gets_a_provider_without_a_baa(catalog: Any) -> None:
    rec = recommend(make_profile(data={"compliance": ["hipaa"]}))
    assert "Business Associate Agreement" in reasons(rec, "compliance")
    for r in rec.recommendations:
        if r.provider:
            assert catalog.provider(r.provider).compliance.hipaa_baa is True


def test_user_count_above_the_licence_threshold_excludes_the_model() -> None:
    rec = recommend(make_profile(license={"commercial_use": True, "monthly_active_users": 800_000_000}))
    assert "700,000,000" in reasons(rec, "license")
    assert not any(r.model.startswith("llama") and r.provider is None for r in rec.recommendations)


def test_non_commercial_licences_are_excluded_for_commercial_use(catalog: Any) -> None:
    rec = recommend(make_profile())
    text = reasons(rec, "license")
    assert "does not allow commercial use" in text
    for r in rec.recommendations:
        lic = catalog.model(r.model).license
        assert lic.commercial_use is not False and not lic.research_only
        # an imported record that does not say (null) passes only on a host's API, under the host's terms
        # (constraints._license); running its weights yourself needs the licence read first
        assert lic.commercial_use or r.deployment not in SELF_RUN, f"{r.model} {r.deployment}"


def test_context_longer_than_the_window_excludes_the_model() -> None:
    rec = recommend(make_profile(workload={"context_tokens": 400_000}))
    assert "tokens of context" in reasons(rec, "context")
    assert all((r.context_window or 0) >= 400_000 for r in rec.recommendations)


def test_a_model_too_large_for_the_device_is_excluded_with_the_memory_it_needs() -> None:
    rec = recommend(
        make_profile(
            infrastructure={"device": {"model": "rtx-3070"}}, data={"air_gapped": True, "residency": "on-premises"}
        )
    )
    assert "does not fit" in reasons(rec, "hardware-fit")
    assert all(r.memory_gb is not None and r.memory_gb <= 8 for r in rec.recommendations)


def test_quality_two_tiers_below_is_excluded() -> None:
    rec = recommend(make_profile(quality="frontier"))
    assert "quality is frontier" in reasons(rec, "quality")


def test_ultra_fast_excludes_slow_routes() -> None:
    rec = recommend(make_profile(speed="ultra-fast"))
    assert "speed is ultra-fast" in reasons(rec, "speed")


def test_routes_over_the_monthly_budget_are_excluded() -> None:
    rec = recommend(make_profile(budget={"monthly_usd": 5}, workload={"requests_per_day": 20000}))
    assert "budget.monthly_usd is $5" in reasons(rec, "budget")
    for r in rec.recommendations:
        if r.monthly_cost_usd is None:
            assert any("budget cannot be checked" in c for c in r.caveats)
        else:
            assert r.monthly_cost_usd <= 5


def test_retired_models_are_excluded_naming_their_successor() -> None:
    rec = recommend(make_profile())
    assert "was shut down" in reasons(rec, "status")


def test_profile_exclusions_are_honoured() -> None:
    rec = recommend(make_profile(preferences={"exclude": ["openai"]}))
    assert "preferences.exclude lists openai" in reasons(rec, "excluded-by-profile")
    assert all(r.provider != "openai" for r in rec.recommendations)


def test_when_nothing_fits_it_says_what_to_relax() -> None:
    rec = recommend(make_profile(data={"residency": "on-premises"}, budget={"upfront_usd": 0}))
    assert rec.recommendations == []
    assert rec.infeasible is not None
    constraints = [getattr(r, "constraint", r) for r in rec.infeasible.relax]
    assert any(c in ("data.residency", "budget") for c in constraints)
