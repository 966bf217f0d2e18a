"""`llmpick plan`: the reverse question — which hardware runs a model at a target speed, and upgrade steps."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.cli.main import app
from llmpick.sizing.plan import plan
from llmpick.sizing.specs import ModelSpec


def spec(model_id: str) -> ModelSpec:
    found = ModelSpec.from_model(load_builtin_catalog().model(model_id))
    assert found is not None
    return found


def test_every_option_meets_the_target_and_local_ones_are_cheapest_first() -> None:
    result = plan(spec("llama-3.3-70b-instruct"), load_builtin_catalog().hardware.values(), target_tps=15)
    assert result.local and result.rented
    assert all(o.meets_target and o.per_user_tps >= 15 and o.estimate.fits for o in result.local + result.rented)
    assert all(not o.estimate.below_4bit for o in result.local)
    prices = [o.purchase_usd or 0 for o in result.local]
    assert prices == sorted(prices)


def test_a_higher_target_needs_more_or_faster_hardware() -> None:
    hardware = list(load_builtin_catalog().hardware.values())
    easy = plan(spec("qwen3-32b"), hardware, target_tps=5)
    hard = plan(spec("qwen3-32b"), hardware, target_tps=40)
    assert (easy.local[0].purchase_usd or 0) < (hard.local[0].purchase_usd or 0)


def test_near_misses_get_memory_upgrade_steps() -> None:
    result = plan(spec("llama-3.3-70b-instruct"), load_builtin_catalog().hardware.values(), target_tps=15)
    assert any("GB → fits at" in line for line in result.upgrades)


def test_plan_cli_json_and_bad_input() -> None:
    runner = CliRunner()
    out = runner.invoke(
        app, ["plan", "gpt-oss-120b", "--target-tps", "20", "--quantization", "MXFP4", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["rented"] and all(row["quantization"] == "mxfp4" for row in data["rented"])
    assert runner.invoke(app, ["plan", "gpt-oss-120b", "--target-tps", "0"]).exit_code == 2
    assert runner.invoke(app, ["plan", "no-such-model"]).exit_code == 2
    assert runner.invoke(app, ["plan", "gpt-oss-120b", "-q", "q9"]).exit_code == 2
