"""Report figures, escaping, the store's schema version, and feeding results back into a recommendation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmpick.engine.result import Recommendation
from llmpick.errors import LlmpickError
from llmpick.eval.endpoints import Endpoint, LocalTarget, RouteRef, endpoints_for_routes, parse_endpoint_option
from llmpick.eval.report import Workload, build, money, percentile, render_html, render_text, wilson
from llmpick.eval.rerank import apply_eval, load_results, measured_decode, record_decode
from llmpick.eval.store import SCHEMA_VERSION, Store

EVIL = "<script>alert('x')</script>"


def _store(tmp_path: Path) -> tuple[Store, int]:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    api = Endpoint(
        "2.gpt@openai",
        "openai",
        "gpt",
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
        input_per_mtok=1.0,
        output_per_mtok=4.0,
        route=RouteRef(2, "gpt", "saas-api", "openai"),
    )
    local = Endpoint(
        "1.llama@ollama",
        "openai",
        "llama",
        "http://127.0.0.1:11434/v1",
        route=RouteRef(1, "llama", "local", None, "ollama", "rtx-4090"),
    )
    suite = {"tests": [{"id": "t1", "prompt": EVIL}, {"id": "t2", "prompt": "two"}]}
    run_id, _ = store.open_run("k", "demo", {"endpoints": [api.describe(), local.describe()], "suite": suite})
    for i, test in enumerate(("t1", "t2")):
        store.save_cell(
            run_id,
            {
                "test_id": test,
                "endpoint": api.name,
                "repeat": 0,
                "status": "ok",
                "output": EVIL,
                "latency_s": 1.0 + i,
                "ttft_s": 0.2,
                "tokens_per_s": 80.0,
                "input_tokens": 100,
                "output_tokens": 50,
                "usage_source": "reported",
                "cost_usd": 0.0003,
                "passed": True,
                "score": 1.0,
                "assertions": [{"type": "contains", "passed": True, "score": 1.0, "detail": EVIL}],
            },
        )
    store.save_cell(
        run_id,
        {
            "test_id": "t1",
            "endpoint": local.name,
            "repeat": 0,
            "status": "ok",
            "output": "meh",
            "latency_s": 3.0,
            "ttft_s": 0.5,
            "tokens_per_s": 30.0,
            "output_tokens": 40,
            "usage_source": "counted",
            "passed": False,
            "score": 0.0,
        },
    )
    store.save_cell(
        run_id,
        {
            "test_id": "t2",
            "endpoint": local.name,
            "repeat": 0,
            "status": "error",
            "error_kind": "timeout",
            "error": "no complete answer within 60 s",
        },
    )
    store.finish_run(run_id)
    return store, run_id


def test_store_schema_version_and_one_result_per_cell(tmp_path: Path) -> None:
    store, run_id = _store(tmp_path)
    assert store.version() == SCHEMA_VERSION
    again = {"test_id": "t1", "endpoint": "1.llama@ollama", "repeat": 0, "status": "ok"}
    assert store.save_cell(run_id, again) is False  # a cell is stored once
    assert Store(f"sqlite:///{tmp_path / 'db.sqlite'}").version() == SCHEMA_VERSION  # reopening migrates nothing


def test_summary_figures(tmp_path: Path) -> None:
    store, run_id = _store(tmp_path)
    # the profile's request sizes (1,000 in / 300 out), not the suite's 100 / 50, project the monthly cost
    results = build(store, run_id, Workload(30_000, 1000, 300))
    api, local = results.endpoints
    assert (api.passed, api.pass_rate, api.latency_p50_s, api.cost_per_request_usd) == (2, 1.0, 1.5, 0.0003)
    assert api.latency_p95_s == pytest.approx(1.95)
    assert api.monthly_cost_usd == pytest.approx((1000 * 1.0 + 300 * 4.0) / 1e6 * 30_000)
    assert api.monthly_cost_measured_output_usd == pytest.approx((1000 * 1.0 + 50 * 4.0) / 1e6 * 30_000)
    assert "1,000 in / 300 out" in (api.monthly_basis or "") and "30,000" in (api.monthly_basis or "")
    assert api.quality is not None and (api.quality.passed, api.quality.n) == (2, 2)
    assert local.quality is not None and (local.quality.passed, local.quality.n) == (0, 2)  # a timeout is the model's
    assert (local.ok, local.errors, local.error_kinds, local.pass_rate) == (1, 1, {"timeout": 1}, 0.0)
    assert local.cost_per_request_usd is None and local.monthly_cost_usd is None
    assert percentile([], 50) is None and percentile([3.0], 95) == 3.0


def test_html_escapes_every_user_string(tmp_path: Path) -> None:
    store, run_id = _store(tmp_path)
    results = build(store, run_id)
    page = render_html(results)
    assert EVIL not in page and "&lt;script&gt;" in page
    assert "<script" not in page
    text = render_text(results)
    assert "t1" in text and "ERR timeout" in text


def test_results_round_trip_and_rerank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, run_id = _store(tmp_path)
    path = tmp_path / "results.json"
    path.write_text(build(store, run_id, Workload(30_000, 100, 50)).to_json())
    results = load_results(path)
    rec = Recommendation.model_validate(_recommendation())
    out = apply_eval(rec, results)
    gpt, llama, other = out.recommendations
    assert [r.model for r in out.recommendations] == ["gpt", "llama", "unmeasured"]
    assert [r.rank for r in out.recommendations] == [1, 2, 3]
    # quality is the lower end of the Wilson interval: 2/2 is good evidence, not proof
    assert gpt.scores["quality"] == pytest.approx(round(wilson(2, 2)[0], 3)) and llama.scores["quality"] == 0.0
    assert gpt.reasons[0].startswith("measured on suite 'demo': quality 100% (2/2, 95% CI 34%–100%)")
    assert "latency p50 1.5 s" in gpt.reasons[0] and "timeout×1" in llama.reasons[0]
    assert gpt.monthly_cost_usd == 500.0  # cost and speed stay the engine's: only quality is replaced
    assert llama.decode_tokens_per_s is None and gpt.scores["cost"] == 0.8
    assert any("quality measured on 2 answer(s)" in c for c in gpt.caveats)
    assert any("not evaluated" in c for c in other.caveats) and other.score == 0.5
    assert rec.recommendations[0].model == "llama"  # the input is not changed
    assert "1 of 3" not in out.assumptions[-2] and "2 of 3 route(s) evaluated" in out.assumptions[-2]
    assert "uneven" in out.assumptions[-1]


def test_load_results_errors(tmp_path: Path) -> None:
    with pytest.raises(LlmpickError, match="not found"):
        load_results(tmp_path / "none.json")
    (tmp_path / "x.json").write_text(json.dumps({"schema": "other"}))
    with pytest.raises(LlmpickError, match="not llmpick eval results"):
        load_results(tmp_path / "x.json")


def test_measured_decode_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMPICK_MEASURED_DECODE", str(tmp_path / "d.json"))
    assert measured_decode("rtx-4090", "ollama", "llama") is None
    record_decode("rtx-4090", "ollama", "llama", 123.456, suite="s")
    assert measured_decode("rtx-4090", "ollama", "llama") == 123.46
    assert measured_decode("rtx-4090", "vllm", "llama") is None


def test_routes_map_to_endpoints_and_cli_forms() -> None:
    rec = Recommendation.model_validate(_recommendation())
    found, skipped = endpoints_for_routes(rec, None, local=[LocalTarget.parse("llama=http://h:1/v1#llama3.1:8b")])
    assert [(e.name, e.model, e.base_url) for e in found] == [("1.llama@ollama", "llama3.1:8b", "http://h:1/v1")]
    assert {s.route for s in skipped} == {"2.gpt@openai", "3.unmeasured@groq"}
    with pytest.raises(ValueError, match="name the catalog model this server runs"):
        LocalTarget.parse("http://h:1/v1")  # one server cannot stand for every local route
    with pytest.raises(ValueError, match="not an http"):
        LocalTarget.parse("llama=h:1/v1")
    ep = parse_endpoint_option("claude=https://api.anthropic.com#claude-x")
    assert (ep.kind, ep.model, ep.api_key_env) == ("anthropic", "claude-x", "ANTHROPIC_API_KEY")
    oai = parse_endpoint_option("oai=https://api.openai.com/v1#gpt-x")
    assert oai.api_key_env == "OPENAI_API_KEY" and not oai.local  # the SDK's own default variable
    local = parse_endpoint_option("mine=http://127.0.0.1:8080/v1#m", {"mine": "MY_KEY"})
    assert local.api_key_env == "MY_KEY" and local.local
    for bad in ("nourl", "x=notaurl"):
        with pytest.raises(ValueError):
            parse_endpoint_option(bad)


def test_money_and_wilson() -> None:
    assert [money(v) for v in (0.3, 0.0, 1234.5, 12.5, 0.00042, None)] == [
        "$0.30",
        "$0.00",
        "$1,234",
        "$12.50",
        "$0.00042",
        "–",
    ]
    low, high = wilson(0, 10)
    assert low == 0.0 and 0.27 < high < 0.32
    low, high = wilson(7, 13)
    assert 0.25 < low < 0.30 and 0.76 < high < 0.81


def _route(rank: int, model: str, deployment: str, **extra: Any) -> dict[str, Any]:
    return {
        "rank": rank,
        "model": model,
        "name": model,
        "openness": "open-weight",
        "license": "x",
        "tasks": ["text"],
        "deployment": deployment,
        "score": 0.8 - rank / 10,
        "monthly_cost_usd": 500.0,
        "scores": {"quality": 0.6, "cost": 0.8, "speed": 0.7, "privacy": 1.0},
        **extra,
    }


def _recommendation() -> dict[str, Any]:
    v = {"choice": "x"}
    return {
        "schema": "llmpick.recommendation/1",
        "catalog_as_of": "2026-11-01",
        "catalog_version": "t",
        "profile_name": "p",
        "framework": {
            "openness": {**v, "choice": "open-weight"},
            "task": {"tasks": ["text"]},
            "precision": {**v, "choice": "prompting"},
            "deployment": {**v, "choice": "local"},
            "speed": {**v, "choice": "fast"},
        },
        "recommendations": [
            _route(1, "llama", "local", runtime="ollama", hardware="rtx-4090"),
            _route(2, "gpt", "saas-api", provider="openai"),
            _route(3, "unmeasured", "hosted-open", provider="groq"),
        ],
    }


def test_provider_routes_use_catalog_base_url_model_id_and_price() -> None:
    import datetime as dt

    from llmpick.catalog.catalog import Catalog
    from llmpick.catalog.schema import Compliance, Offering, Price, Provider, Source
    from llmpick.eval.suite import ProviderOverride

    sources = {"s": Source(url="https://example.com/pricing", as_of=dt.date(2026, 11, 1))}
    providers = {
        "openai": Provider(
            id="openai",
            name="OpenAI",
            kind="saas-api",
            api_base_url="https://api.openai.com/v1",
            openai_compatible=True,
            compliance=Compliance(source="s"),
            sources=sources,
        ),
        "groq": Provider(
            id="groq",
            name="Groq",
            kind="hosted-open",
            api_base_url=None,
            openai_compatible=True,
            compliance=Compliance(source="s"),
            sources=sources,
        ),
    }
    offering = Offering(
        model="gpt",
        provider="openai",
        api_model_id="gpt-5-mini-2026-08-07",
        sources=sources,
        price=Price(source="s", input_per_mtok=0.25, output_per_mtok=2.0),
    )
    catalog = Catalog("t", dt.date(2026, 11, 1), {}, providers, [offering], {}, {})
    rec = Recommendation.model_validate(_recommendation())
    found, skipped = endpoints_for_routes(rec, catalog, providers={"groq": ProviderOverride(api_key_env="MY_GROQ")})
    (gpt,) = found
    assert (gpt.kind, gpt.model, gpt.base_url, gpt.api_key_env) == (
        "openai",
        "gpt-5-mini-2026-08-07",
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
    )
    assert gpt.cost(1000, 500) == pytest.approx((1000 * 0.25 + 500 * 2.0) / 1e6)
    assert "no API base URL for groq" in next(s.reason for s in skipped if s.route.endswith("@groq"))
    assert "--local" in next(s.reason for s in skipped if s.route.endswith("@ollama"))


def test_main_cli_registers_eval() -> None:
    from typer.testing import CliRunner

    from llmpick.cli.main import app

    result = CliRunner().invoke(app, ["eval", "run", "--help"])
    assert result.exit_code == 0 and "--routes" in result.output and "--fail-under" in result.output
    group = CliRunner().invoke(app, ["eval", "--help"])
    assert group.exit_code == 0 and all(c in group.output for c in ("runs", "show", "clear-cache"))


def test_an_endpoint_on_a_catalog_providers_api_gets_the_offerings_price(catalog) -> None:  # type: ignore[no-untyped-def]
    from llmpick.catalog.prices import offering_price
    from llmpick.eval.endpoints import with_catalog_price

    offering = next(
        o
        for o in catalog.offerings
        if o.provider == "openai" and (q := offering_price(o, catalog.as_of)) and q.has_token_prices
    )
    priced = with_catalog_price(parse_endpoint_option(f"x=https://api.openai.com/v1#{offering.api_model_id}"), catalog)
    assert priced.input_per_mtok is not None and priced.price_source
    unknown = with_catalog_price(parse_endpoint_option("x=http://127.0.0.1:8080/v1#m"), catalog)
    assert unknown.input_per_mtok is None


def test_a_dated_snapshot_is_the_model_asked_for_but_another_name_is_not() -> None:
    from llmpick.eval.report import same_model

    assert same_model("gpt-4o-mini-2024-07-18", "gpt-4o-mini") and same_model("smollm2", "smollm2")
    assert not same_model("qwen3-8b", "smollm2") and not same_model("gpt-4o", "gpt-4o-mini")
