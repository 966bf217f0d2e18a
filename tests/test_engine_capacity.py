"""Costs and capacity that match reality: how a route gets its hardware, what it costs, how much it carries."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from llmpick.catalog.catalog import Catalog
from llmpick.engine import recommend
from llmpick.engine.cost_report import cost_report
from llmpick.engine.costing import cost_function
from llmpick.engine.recommend import start_run
from llmpick.engine.stages import split_stages
from llmpick.presets import list_presets
from llmpick.profile import Profile
from tests.conftest import make_profile

AS_OF = dt.date(2026, 12, 2)

PRODUCTION = {
    "data": {"sensitivity": "confidential", "compliance": ["soc2"]},
    "workload": {"requests_per_day": 30000, "input_tokens": 2000, "output_tokens": 300, "peak_concurrency": 25},
    "quality": "good",
}


def test_a_production_service_with_no_hardware_is_never_sent_to_a_bought_gaming_card() -> None:
    rec = recommend(make_profile(**PRODUCTION), as_of=AS_OF)
    assert rec.service == "service"
    for route in rec.recommendations:
        assert not (route.acquisition == "bought" and route.deployment == "local"), route.name
        assert not (route.hardware or "").startswith("rtx-") or route.acquisition == "owned"


def test_a_personal_workload_may_buy_a_desktop_but_not_with_a_zero_hardware_budget() -> None:
    personal = {"workload": {"requests_per_day": 100, "peak_concurrency": 1}}
    buy = recommend(make_profile(**personal), top=20, as_of=AS_OF)
    assert any(r.acquisition == "bought" and r.deployment == "local" for r in buy.recommendations)
    none = recommend(make_profile(**personal, budget={"upfront_usd": 0}), top=20, as_of=AS_OF)
    assert not any(r.acquisition == "bought" for r in none.recommendations)


def test_servers_are_bought_only_when_the_profile_allows_spending_on_hardware() -> None:
    no_word = recommend(make_profile(**PRODUCTION), top=20, as_of=AS_OF)
    assert not any(r.acquisition == "bought" for r in no_word.recommendations)
    allowed = recommend(make_profile(**PRODUCTION, budget={"upfront_usd": 50000}), top=30, as_of=AS_OF)
    bought = [r for r in allowed.recommendations if r.acquisition == "bought"]
    for route in bought:
        assert route.deployment == "self-hosted"
        assert any(line.item == "hardware (amortised)" for line in route.cost_breakdown)
        assert any(line.item == "operations staff" for line in route.cost_breakdown)


def test_every_route_in_the_json_says_how_it_gets_its_hardware() -> None:
    rec = recommend(make_profile(infrastructure={"device": {"model": "rtx-4090"}}), top=10, as_of=AS_OF)
    for route in rec.recommendations:
        assert route.acquisition == ("api" if route.provider else "owned")
        if route.deployment in ("local", "self-hosted"):
            assert route.replicas is not None and route.replicas >= 1


def test_an_owned_card_costs_the_same_way_whichever_field_declares_it(catalog: Catalog) -> None:
    personal = {"workload": {"requests_per_day": 200, "input_tokens": 500, "output_tokens": 200, "peak_concurrency": 1}}
    as_device = recommend(
        make_profile(**personal, infrastructure={"device": {"model": "rtx-4090"}}), top=20, as_of=AS_OF
    )
    as_gpus = recommend(
        make_profile(**personal, infrastructure={"gpus": [{"model": "rtx-4090", "count": 1}]}), top=20, as_of=AS_OF
    )
    for rec in (as_device, as_gpus):
        for route in rec.recommendations:
            if route.acquisition == "owned":
                assert not any(line.item == "operations staff" for line in route.cost_breakdown), route.name
                assert route.monthly_cost_usd is not None and route.monthly_cost_usd < 50, route.cost_breakdown


def test_a_laptop_cannot_carry_a_public_service() -> None:
    rec = recommend(
        make_profile(
            data={"sensitivity": "public"},
            workload={"requests_per_day": 20000, "input_tokens": 3000, "output_tokens": 400, "peak_concurrency": 20},
            infrastructure={"device": {"model": "apple-m4-pro", "memory_gb": 48}},
        ),
        as_of=AS_OF,
    )
    assert rec.recommendations[0].deployment != "local"
    laptop = [e for e in rec.excluded if e.deployment == "local" and "capacity" in e.rules]
    assert laptop and "one request at a time" in laptop[0].reasons[0]


def test_owned_gpus_run_replicas_of_the_smallest_set_that_fits() -> None:
    rec = recommend(
        make_profile(
            industry="banking",
            data={"sensitivity": "confidential", "residency": "on-premises"},
            workload={"requests_per_day": 20000, "input_tokens": 1500, "output_tokens": 400, "peak_concurrency": 32},
            team={"ml_expertise": "strong"},
            infrastructure={"gpus": [{"model": "h100-sxm-80gb", "count": 8}]},
        ),
        top=5,
        as_of=AS_OF,
    )
    for route in rec.recommendations:
        assert route.acquisition == "owned"
        assert route.hardware_count is not None and route.replicas is not None
        assert route.hardware_count * route.replicas <= 8
    small = [r for r in rec.recommendations if r.memory_gb is not None and r.memory_gb < 80]
    assert small and all(r.hardware_count == 1 for r in small)


def test_owned_gpus_that_cannot_carry_the_workload_exclude_the_route_with_the_reason() -> None:
    rec = recommend(
        make_profile(
            data={"residency": "on-premises"},
            workload={
                "requests_per_day": 2_000_000,
                "input_tokens": 2000,
                "output_tokens": 500,
                "peak_concurrency": 400,
            },
            infrastructure={"gpus": [{"model": "l4", "count": 1}]},
        ),
        as_of=AS_OF,
    )
    capacity = [e for e in rec.excluded if "capacity" in e.rules]
    assert capacity and "carrying about" in capacity[0].reasons[0]


def _self_run_routes(profile: Profile, catalog: Catalog):  # type: ignore[no-untyped-def]
    run, profile, _ = start_run(profile, catalog, AS_OF)
    outcome = run.evaluate(profile, split_stages(profile.tasks)[0])
    return run, profile, [c for c in outcome.survivors if c.deployment in ("local", "self-hosted")]


@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_self_run_routes_carry_their_workload_and_cost_never_falls_with_volume(preset: str, catalog: Catalog) -> None:
    profile = next(p.profile for p in list_presets() if p.name == preset)
    run, profile, routes = _self_run_routes(profile, catalog)
    volume = profile.workload.requests_per_day
    for c in routes[:8]:
        assert c.capacity_requests_per_day is not None
        carried = c.capacity_requests_per_day * (c.replicas if c.deployment == "self-hosted" else 1)
        assert carried >= volume * 0.999, c.label
        at = cost_function(c, profile, run.assumptions)
        previous = 0.0
        for requests in (10, 100, 1000, 10_000, 100_000, 1_000_000):
            usd = at(requests)
            if usd is None:  # beyond what the hardware you have (or one machine) can carry: the curve ends
                assert c.acquisition == "owned" or c.deployment == "local", c.label
                break
            assert usd >= previous - 0.01, (c.label, requests, usd, previous)
            previous = usd


def test_cost_curves_end_where_one_machine_runs_out() -> None:
    rec = recommend(
        make_profile(
            workload={"requests_per_day": 100, "input_tokens": 1500, "output_tokens": 400, "peak_concurrency": 1},
            infrastructure={"device": {"model": "apple-m4", "memory_gb": 16}},
        ),
        as_of=AS_OF,
    )
    local = [c for c in rec.cost_curves if c.deployment == "local"]
    assert local
    assert all(max(p.requests_per_day for p in c.points) < 1_000_000 for c in local)


@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_cost_and_recommend_price_the_same_route_the_same(preset: str, catalog: Catalog) -> None:
    profile = next(p.profile for p in list_presets() if p.name == preset)
    rec = recommend(profile, catalog, as_of=AS_OF)
    for route in rec.recommendations[:3]:
        report = cost_report(profile, catalog, model_id=route.model, as_of=AS_OF)
        same = [
            r
            for r in report["routes"]
            if r["deployment"] == route.deployment
            and r["hardware"] == route.hardware
            and (r["where"] == route.provider if route.provider else r["runtime"] == route.runtime)
        ]
        assert same, (route.name, [r["label"] for r in report["routes"]])
        assert same[0]["monthly_cost_usd"] == route.monthly_cost_usd


def test_operations_staff_grows_with_the_servers_run() -> None:
    from llmpick.sizing.cost import operations_cost, resolve_assumptions

    assumptions = resolve_assumptions(None)
    one, _ = operations_cost(1, assumptions)
    eight, _ = operations_cost(8, assumptions)
    sixteen, _ = operations_cost(16, assumptions)
    assert one == eight < sixteen
    assert float(sixteen - eight) == pytest.approx(assumptions.ops_staff_usd_per_extra_node)


def test_a_cheap_local_route_does_not_flatten_every_rented_gpu_to_zero_on_cost() -> None:
    rec = recommend(
        make_profile(
            data={"sensitivity": "confidential", "residency": "eu"},
            workload={"requests_per_day": 300, "peak_concurrency": 1},
            infrastructure={"device": {"model": "apple-m4-max"}},
            quality="high",
        ),
        top=20,
        as_of=AS_OF,
    )
    rented = [r for r in rec.recommendations if r.acquisition == "rented"]
    assert all(r.scores["cost"] > 0 for r in rented)


def test_reserved_pricing_without_a_reserved_rate_says_so(catalog: Catalog) -> None:
    profile = make_profile(
        workload={"requests_per_day": 50000, "peak_concurrency": 20}, assumptions={"reserved_pricing": True}
    )
    run, profile, routes = _self_run_routes(profile, catalog)
    rented = [c for c in routes if c.acquisition == "rented"]
    assert rented
    for c in rented:
        assert c.cost is not None
        reserved_line = any("reserved" in line.basis for line in c.cost.lines)
        assert reserved_line or any("reserved" in note for note in c.cost.notes), c.label


def test_a_zero_budget_keeps_the_laptop_you_own_and_relax_advice_names_real_numbers() -> None:
    rec = recommend(
        make_profile(
            data={"sensitivity": "confidential", "residency": "on-premises"},
            workload={
                "requests_per_day": 30,
                "input_tokens": 1500,
                "output_tokens": 400,
                "peak_concurrency": 1,
                "hours_per_day": 4,
            },
            budget={"monthly_usd": 0, "upfront_usd": 0},
            infrastructure={"device": {"model": "apple-m4", "memory_gb": 16}},
        ),
        as_of=AS_OF,
    )
    assert rec.recommendations and rec.recommendations[0].deployment == "local"
    tight = recommend(
        make_profile(workload={"requests_per_day": 50000}, budget={"monthly_usd": 0, "upfront_usd": 0}),
        as_of=AS_OF,
    )
    for relax in tight.infeasible.relax if tight.infeasible else []:
        text = relax if isinstance(relax, str) else relax.change
        assert "from $0 to at least $0" not in text


def test_rented_gpus_come_from_the_named_cloud_when_it_rents_them(catalog: Catalog) -> None:
    profile = make_profile(
        workload={"requests_per_day": 40000, "peak_concurrency": 30}, infrastructure={"cloud": "aws"}
    )
    _, _, routes = _self_run_routes(profile, catalog)
    rented = [c for c in routes if c.acquisition == "rented" and c.cost and c.cost.total_usd is not None]
    assert rented
    for c in rented:
        basis = next(line.basis for line in c.cost.lines if line.item == "GPU rental")
        has_aws = any(
            (getattr(r, "cloud", None) or r.provider) == "aws" for r in getattr(c.hardware, "rents", []) or []
        )
        if has_aws:
            assert "at aws" in basis, basis
    assert math.isfinite(sum(c.cost.total_usd or 0 for c in rented))
