"""`llmpick estimate | fit | cost | finetune` through the real app: JSON keys, tables, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.cli.main import app

runner = CliRunner()
CUSTOM_GPU = ["--memory-gb", "24", "--bandwidth-gb-s", "1008", "--tflops", "330"]
KEYS = (
    "memory_gb",
    "fits",
    "decode_tokens_per_s",
    "prefill_tokens_per_s",
    "time_to_first_token_s",
    "throughput_tokens_per_s",
    "max_context",
    "max_concurrency",
    "basis",
)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def any_hardware(kind: str | None = None) -> str:
    ids = sorted(h.id for h in load_builtin_catalog().hardware.values() if kind is None or h.kind.value == kind)
    if not ids:
        pytest.skip(f"no {kind or ''} hardware in the catalog yet")
    return ids[0]


def any_open_model() -> str:
    ids = sorted(
        m.id
        for m in load_builtin_catalog().models.values()
        if m.is_open and m.parameters and m.parameters.total_b and m.parameters.total_b < 20
    )
    if not ids:
        pytest.skip("no sized open model in the catalog yet")
    return ids[0]


def test_estimate_json_on_a_custom_spec() -> None:
    code, out = run(
        "estimate",
        "--params-b",
        "8",
        "--layers",
        "32",
        "--kv-heads",
        "8",
        "--head-dim",
        "128",
        *CUSTOM_GPU,
        "--format",
        "json",
    )
    assert code == 0, out
    data = json.loads(out)
    for key in KEYS:
        assert key in data
    assert data["fits"] is True and data["quantization"] == "gguf-q4_k_m"
    assert data["best_quantization"] == "fp16"


def test_estimate_table_on_catalog_ids() -> None:
    code, out = run(
        "estimate", "--model", any_open_model(), "--hardware", any_hardware("datacenter-gpu"), "--count", "2"
    )
    assert code == 0, out
    assert "decode (single stream)" in out and "basis" in out


def test_estimate_moe_custom_and_concurrency() -> None:
    code, out = run(
        "estimate",
        "--params-b",
        "46.7",
        "--active-params-b",
        "12.9",
        "--memory-gb",
        "80",
        "--bandwidth-gb-s",
        "3350",
        "--kind",
        "datacenter-gpu",
        "--concurrency",
        "8",
        "-f",
        "json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["runtime"] == "vllm" and data["concurrency"] == 8
    assert data["throughput_tokens_per_s"] > data["decode_tokens_per_s"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--params-b", "0", *CUSTOM_GPU], "--params-b"),
        (["--params-b", "-8", *CUSTOM_GPU], "--params-b"),
        (["--params-b", "8", "--memory-gb", "0", "--bandwidth-gb-s", "100"], "--memory-gb"),
        (["--params-b", "8", "--hardware", "no-such-gpu"], "unknown hardware 'no-such-gpu'"),
        (["--model", "no-such-model", *CUSTOM_GPU], "unknown model 'no-such-model'"),
        (
            ["--params-b", "8", *CUSTOM_GPU, "--quantization", "awq-4bit"],
            "--quantization: llama-cpp cannot run awq-4bit",
        ),
        (["--params-b", "8", *CUSTOM_GPU, "--quantization", "q4"], "--quantization: unknown"),
        (["--params-b", "8", *CUSTOM_GPU, "--runtime", "mlx-lm"], "--runtime: mlx-lm does not run on nvidia"),
        (["--params-b", "8", *CUSTOM_GPU, "--runtime", "lamma"], "--runtime: unknown runtime 'lamma'; did you mean"),
        (["--params-b", "8", *CUSTOM_GPU, "--count", "0"], "--count"),
        (["--params-b", "8", *CUSTOM_GPU, "--context", "-1"], "--context"),
        (["--params-b", "8"], "--hardware"),
        ([*CUSTOM_GPU], "--model or --params-b"),
    ],
)
def test_estimate_bad_input_exits_2_naming_the_option(args: list[str], message: str) -> None:
    code, out = run("estimate", *args)
    assert code == 2
    assert message in " ".join(out.split())


def test_closed_model_has_no_size() -> None:
    closed = sorted(m.id for m in load_builtin_catalog().models.values() if not m.is_open)
    if not closed:
        pytest.skip("no closed model in the catalog")
    code, out = run("estimate", "--model", closed[0], *CUSTOM_GPU)
    assert code == 2 and "--params-b" in out


def test_fit_ranks_catalog_models() -> None:
    code, out = run("fit", *CUSTOM_GPU, "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    ranks = [row["rank"] for row in data["models"]]
    assert ranks == list(range(1, len(ranks) + 1))
    for row in data["models"]:
        assert row["memory_gb"] > 0 and row["quantization"]
    code, out = run("fit", "--hardware", any_hardware(), "--task", "code")
    assert code == 0, out


def test_fit_bad_input() -> None:
    assert run("fit", "--hardware", "nope")[0] == 2
    assert run("fit", *CUSTOM_GPU, "--count", "0")[0] == 2
    assert run("fit", *CUSTOM_GPU, "--task", "dancing")[0] == 2


def test_cost_lists_routes_and_break_even(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("name: costs\ntasks: [text]\nworkload: {requests_per_day: 5000, peak_concurrency: 4}\n")
    code, out = run("cost", str(profile), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["routes"] and data["assumptions"]
    priced = [r for r in data["routes"] if r["monthly_cost_usd"] is not None]
    assert priced == sorted(priced, key=lambda r: r["monthly_cost_usd"])
    for route in priced:
        assert route["monthly_cost_usd"] == pytest.approx(sum(line["usd"] for line in route["lines"]), abs=0.05)
    code, out = run("cost", str(profile))
    assert code == 0 and "assumptions" in out


def test_cost_for_one_model_and_bad_input(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("name: costs\ntasks: [text]\n")
    code, out = run("cost", str(profile), "--model", any_open_model(), "-f", "json")
    assert code == 0, out
    assert run("cost", str(profile), "--model", "no-such-model")[0] == 2
    assert run("cost", str(tmp_path / "missing.yaml"))[0] == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntasks: [text]\nassumptions: {gpu_utilization: 2}\n")
    assert run("cost", str(bad))[0] == 2


def test_finetune_one_device_and_the_catalog() -> None:
    code, out = run("finetune", "--params-b", "8", "--method", "qlora", *CUSTOM_GPU, "-f", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["results"][0]["fits"] is True and data["results"][0]["memory_gb"] < 24
    code, out = run("finetune", "--model", any_open_model(), "--method", "lora")
    assert code == 0, out
    code, out = run("finetune", "--params-b", "8", "--method", "dpo", *CUSTOM_GPU)
    assert code == 2 and "--method" in out


def test_estimate_shows_what_eval_measured_on_the_same_hardware(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmpick.sizing.measured import record_decode

    monkeypatch.setenv("LLMPICK_MEASURED_DECODE", str(tmp_path / "measured.json"))
    args = ["estimate", "--model", "llama-3.1-8b-instruct", "--hardware", "rtx-4090", "--format", "json"]
    before = json.loads(CliRunner().invoke(app, args).stdout)
    assert before["measured_decode_tokens_per_s"] is None
    record_decode("rtx-4090", before["runtime"], "llama-3.1-8b-instruct", 118.5)
    after = json.loads(CliRunner().invoke(app, args).stdout)
    assert after["measured_decode_tokens_per_s"] == 118.5


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["--quantization", "Q4_K_M"], "gguf-q4_k_m"),
        (["--quantization", "q4_k_m"], "gguf-q4_k_m"),
        (["--runtime", "llama.cpp", "--quantization", "IQ4_XS"], "gguf-iq4_xs"),
        (["--runtime", "vLLM", "--quantization", "FP8", "--kv-precision", "FP8"], "fp8"),
    ],
)
def test_estimate_takes_the_spellings_people_type(args: list[str], shown: str) -> None:
    code, out = run("estimate", "--params-b", "8", *CUSTOM_GPU, *args, "--format", "json")
    assert code == 0, out
    assert json.loads(out)["quantization"] == shown


def test_gpt_oss_120b_on_vllm_defaults_to_mxfp4_and_fits_one_h100() -> None:
    code, out = run(
        "estimate", "--model", "gpt-oss-120b", "--hardware", "h100-sxm-80gb", "--runtime", "vllm", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0 and data["quantization"] == "mxfp4" and data["fits"]
    assert 58 < data["weights_gb"] < 63  # the 60.8 GiB checkpoint


def test_a_custom_mac_can_say_it_is_an_m1() -> None:
    args = ["--params-b", "8", "--memory-gb", "32", "--bandwidth-gb-s", "400", "--kind", "apple", "--format", "json"]
    m1 = json.loads(run("estimate", *args, "--device-name", "Apple M1 Max")[1])
    later = json.loads(run("estimate", *args, "--device-name", "Apple M3 Max")[1])
    assert m1["decode_tokens_per_s"] != later["decode_tokens_per_s"]  # M1 chips have their own constants
    assert any("apple-m1" in line for line in m1["basis"])


@pytest.mark.parametrize("spelling", ["H100 SXM5 80GB", "NVIDIA H100 SXM5 80GB", "H100-SXM-80GB"])
def test_hardware_by_its_name_with_or_without_the_vendor(spelling: str) -> None:
    code, out = run("estimate", "--model", "gpt-oss-20b", "--hardware", spelling, "--format", "json")
    assert code == 0 and json.loads(out)["device_id"] == "h100-sxm-80gb"
