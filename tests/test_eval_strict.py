"""Strict semantics, the judge, the cache and the CLI gate, against a local server that misbehaves on purpose.

The server (a real HTTP server on 127.0.0.1) picks its behaviour from the requested model name: empty and
cut-off answers, multi-token chunks without usage, a judge that answers prose, a judge that rejects one
structured-output form, 429 with a long Retry-After, a server that answers as another model. It counts
calls and the most requests in flight per model, and keeps the response_format each judge call asked for.
"""

from __future__ import annotations

import json
import stat
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from llmpick.cli.main import app
from llmpick.eval import runner as runner_module
from llmpick.eval.endpoints import Endpoint, from_config
from llmpick.eval.report import build
from llmpick.eval.runner import RunOptions, execute
from llmpick.eval.store import Store
from llmpick.eval.suite import parse_suite

HITS: Counter[str] = Counter()
IN_FLIGHT: Counter[str] = Counter()
MAX_IN_FLIGHT: Counter[str] = Counter()
FORMATS: dict[str, list[Any]] = defaultdict(list)
LOCK = threading.Lock()


def _chunk(text: str | None, finish: str | None = None, model: str = "m") -> bytes:
    delta = {"content": text} if text is not None else {}
    body = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def _answer(text: str, model: str, finish: str = "stop") -> list[bytes]:
    return [_chunk(text, None, model), _chunk(None, finish, model), b"data: [DONE]\n\n"]


class Server(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *_args: object) -> None:
        pass

    def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, parts: list[bytes]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        for part in parts:
            self.wfile.write(part)
            self.wfile.flush()

    def do_GET(self) -> None:  # noqa: N802
        self._json(200, {"object": "list", "data": [{"id": "served-name", "object": "model"}]})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        model = body["model"]
        with LOCK:
            HITS[model] += 1
            IN_FLIGHT[model] += 1
            MAX_IN_FLIGHT[model] = max(MAX_IN_FLIGHT[model], IN_FLIGHT[model])
        try:
            self._reply(model, body)
        finally:
            with LOCK:
                IN_FLIGHT[model] -= 1

    def _reply(self, model: str, body: dict[str, Any]) -> None:
        if model in ("ok", "served-name"):
            time.sleep(0.05)
            self._stream(_answer("Hello world, says Paris", model))
        elif model == "paris":  # a bot that answers Paris to everything
            self._stream(_answer("Paris", model))
        elif model == "blank":  # llama.cpp interrupted by a newer request: no content, no finish reason
            self._stream([_chunk(None, None, model), b"data: [DONE]\n\n"])
        elif model == "cut":
            self._stream(_answer("Hello, the first step is", model, finish="length"))
        elif model == "multi":  # long chunks and no usage: a chunk is not a token here
            text = "This chunk carries many tokens at once. "
            self._stream([_chunk(text, None, model)] * 3 + [_chunk(None, "stop", model), b"data: [DONE]\n\n"])
        elif model == "other":
            self._stream(_answer("Hello", "some-other-model"))
        elif model == "retry-long":
            if HITS[model] % 2 == 1:
                self._json(429, {"error": {"message": "slow down"}}, {"retry-after": "120"})
            else:
                self._stream(_answer("Hello", model))
        elif model.startswith("judge"):
            FORMATS[model].append(body.get("response_format"))
            form = (body.get("response_format") or {}).get("type")
            if model == "judge-prose":
                self._stream(_answer("I think the answer is quite good overall.", model))
            elif model == "judge-old" and form == "json_schema":  # llama-cpp-python style: only json_object
                self._json(422, {"error": {"message": "response_format type must be text or json_object"}})
            else:
                time.sleep(0.1)
                self._stream(_answer(json.dumps({"score": 9, "reason": "polite"}), model))
        else:
            self._json(400, {"error": {"message": "unknown model"}})


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def _run(suite_text: str, endpoints: list[Endpoint], tmp_path: Path, **options: Any) -> tuple[Store, int]:
    suite = parse_suite(suite_text)
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    judge = from_config("(judge)", suite.judge) if suite.judge else None
    opts = RunOptions(**{"progress": False, "retries": 1, "backoff_s": 0.01, "timeout_s": 20, **options})
    run_id, _ = execute(suite, endpoints, store, opts, judge)
    return store, run_id


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _judged_suite(judge_url: str, judge_model: str, n: int = 1, concurrency: int | None = None) -> str:
    tests = [
        {"id": f"t{i}", "prompt": f"Say hello ({i}).", "assert": [{"type": "llm-judge", "rubric": "polite"}]}
        for i in range(n)
    ]
    judge: dict[str, Any] = {"base_url": judge_url, "model": judge_model}
    if concurrency:
        judge["concurrency"] = concurrency
    data = {"name": "judged", "assert": [{"type": "latency", "max_s": 60}], "judge": judge, "tests": tests}
    return yaml.safe_dump(data)


# --- 1. checks that cannot be evaluated ------------------------------------------------------------------


def test_an_unreachable_judge_is_an_error_never_a_pass_and_fails_the_gate(server: str, tmp_path: Path) -> None:
    suite = tmp_path / "dead.yaml"
    suite.write_text(_judged_suite("http://127.0.0.1:1/v1", "gpt-judge", n=2))
    base = [str(suite), "--endpoint", f"A={server}#ok", "--retries", "0", "--no-progress", "--format", "json"]
    result = _cli("eval", *base, "-o", str(tmp_path / "r.json"), "--fail-under", "0.5")
    assert result.exit_code == 1, result.output
    assert "gate failed: A: pass rate 0% (0/2" in result.output
    data = json.loads((tmp_path / "r.json").read_text())
    (summary,) = data["endpoints"]
    assert summary["passed"] == 0 and summary["check_errors"] == 2 and summary["quality"] is None
    assert "could not be evaluated" in summary["not_evaluated"]
    for cell in data["cells"]:
        assert cell["passed"] is None and cell["check_errors"] == 1
        judge = next(a for a in cell["assertions"] if a["type"] == "llm-judge")
        assert judge["status"] == "error" and "judge failed: unreachable" in judge["detail"]
    table = _cli("eval", *base[:-2], "--format", "table")  # the same run re-rendered from the cache
    assert table.exit_code == 0 and "ERR check×1" in table.output and "1 cell(s) had checks" not in table.output
    assert "2 cell(s) had checks that could not be evaluated" in table.output


def test_a_judge_reply_that_is_not_understood_is_an_error(server: str, tmp_path: Path) -> None:
    store, run_id = _run(_judged_suite(server, "judge-prose"), [Endpoint("A", "openai", "ok", server)], tmp_path)
    (cell,) = store.cells(run_id)
    assert cell["passed"] is None and cell["check_errors"] == 1
    assert "judge reply not understood" in cell["assertions"][1]["detail"]


def test_the_judge_asks_for_structured_output_and_falls_back_to_the_form_the_server_takes(
    server: str, tmp_path: Path
) -> None:
    store, run_id = _run(_judged_suite(server, "judge-old", n=2), [Endpoint("A", "openai", "ok", server)], tmp_path)
    assert all(c["passed"] is True for c in store.cells(run_id))
    forms = [f["type"] if f else None for f in FORMATS["judge-old"]]
    assert forms[0] == "json_schema" and forms[-1] == "json_object"  # the accepted form is kept
    assert forms.count("json_object") == 2 and None not in forms
    assert FORMATS["judge-old"][-1]["schema"]["required"] == ["score", "reason"]


def test_judge_concurrency_is_honoured_and_verdicts_are_cached(server: str, tmp_path: Path) -> None:
    text = _judged_suite(server, "judge-one", n=6, concurrency=1)
    store, first = _run(text, [Endpoint("A", "openai", "ok", server, concurrency=6)], tmp_path)
    assert HITS["judge-one"] == 6 and MAX_IN_FLIGHT["judge-one"] == 1
    store, second = _run(text, [Endpoint("A", "openai", "ok", server, concurrency=6)], tmp_path)
    assert second != first and HITS["judge-one"] == 6  # cached answers and cached verdicts: no call at all
    assert all(c["cached"] and c["passed"] for c in store.cells(second))


# --- 5/6. answers that are not answers, the cache, local timing -------------------------------------------


def test_empty_and_cut_off_answers_fail_and_errors_are_never_cached(server: str, tmp_path: Path) -> None:
    suite = "name: s\ntests:\n  - {id: a, prompt: hi, assert: [{type: contains, value: hello}]}\n"
    endpoints = [Endpoint(m, "openai", m, server) for m in ("blank", "cut", "multi")]
    store, run_id = _run(suite, endpoints, tmp_path)
    cells = {c["endpoint"]: c for c in store.cells(run_id)}
    assert (cells["blank"]["status"], cells["blank"]["error_kind"]) == ("error", "empty")
    assert cells["cut"]["finish_reason"] == "length" and cells["cut"]["passed"] is False
    assert any(a["type"] == "complete" and a["passed"] is False for a in cells["cut"]["assertions"])
    assert cells["multi"]["usage_source"] == "estimated" and cells["multi"]["output_tokens"] > 3
    blank_hits = HITS["blank"]
    store, again = _run(suite, endpoints, tmp_path)
    assert HITS["blank"] == blank_hits + 1  # the empty answer was not cached: asked again; the others were
    assert {c["endpoint"]: c["cached"] for c in store.cells(again)} == {"blank": False, "cut": True, "multi": True}
    results = build(store, again)
    blank = next(e for e in results.endpoints if e.name == "blank")
    assert blank.quality is not None and blank.quality.passed == 0  # an empty answer is the model's failure


def test_no_cache_neither_reads_nor_writes(server: str, tmp_path: Path) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\ntests:\n  - {id: a, prompt: fresh, assert: [{type: contains, value: Hello}]}\n")
    args = ["eval", str(suite), "--endpoint", f"A={server}#ok", "--no-progress", "--format", "json"]
    assert _cli(*args, "--no-cache").exit_code == 0
    store = Store(f"sqlite:///{tmp_path / '.llmpick' / 'eval.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM call_cache").scalar() == 0
    hits = HITS["ok"]
    assert _cli(*args).exit_code == 0 and HITS["ok"] == hits + 1  # nothing was cached to read
    assert _cli(*args).exit_code == 0 and HITS["ok"] == hits + 1  # now it was
    cleared = _cli("eval", "clear-cache", str(suite))
    assert cleared.exit_code == 0 and "cleared 1 cached call(s)" in cleared.output


def test_local_servers_get_one_call_at_a_time_and_queue_time_is_kept_apart(server: str, tmp_path: Path) -> None:
    tests = "\n".join(f"  - {{id: q{i}, prompt: 'local {i}'}}" for i in range(4))
    suite = tmp_path / "s.yaml"
    suite.write_text(f"name: s\ntests:\n{tests}\n")
    before = MAX_IN_FLIGHT["served-name"]
    result = _cli(
        "eval",
        str(suite),
        "--endpoint",
        f"L={server}#served-name",
        "--no-progress",
        "--no-cache",
        "--format",
        "json",
        "-o",
        str(tmp_path / "r.json"),
    )
    assert result.exit_code == 0, result.output
    assert max(before, 1) == MAX_IN_FLIGHT["served-name"] == 1  # a 127.0.0.1 server: one in flight by default
    data = json.loads((tmp_path / "r.json").read_text())
    assert all(c["queue_s"] is not None for c in data["cells"])
    assert data["endpoints"][0]["served_model_ok"] is True and data["endpoints"][0]["finish_reasons"] == {"stop": 4}


def test_retry_after_is_honoured_up_to_the_cap_and_the_cell_says_so(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "MAX_RETRY_AFTER_S", 0.2)
    started = time.monotonic()
    store, run_id = _run(
        "name: s\ntests:\n  - {id: a, prompt: hi}\n", [Endpoint("R", "openai", "retry-long", server)], tmp_path
    )
    (cell,) = store.cells(run_id)
    assert cell["status"] == "ok" and cell["attempts"] == 2 and time.monotonic() - started < 10
    assert cell["notes"] == ["the server asked to wait 120 s (Retry-After); waited the cap of 0.2 s"]


# --- 7. the CI gate and bad input ------------------------------------------------------------------------


def test_gate_thresholds_junit_and_exit_codes(server: str, tmp_path: Path) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text(
        yaml.safe_dump(
            {
                "name": "gate",
                "tests": [
                    {"id": "hello", "prompt": "hi", "assert": [{"type": "contains", "value": "hello"}]},
                    {"id": "city", "prompt": "capital?", "assert": [{"type": "equals", "value": "Paris"}]},
                ],
            }
        )
    )
    base = ["eval", str(suite), "--endpoint", f"ok={server}#ok", "--endpoint", f"paris={server}#paris", "--no-progress"]
    junit = tmp_path / "junit.xml"
    passing = _cli(*base, "--fail-under", "50%", "--junit", str(junit), "--format", "json", "-o", str(tmp_path / "r"))
    assert passing.exit_code == 0 and "gate passed" in passing.output
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "0")
    paris = next(s for s in root if s.get("name") == "paris")
    failure = paris.find("testcase[@name='hello']/failure")
    assert failure is not None and "contains" in (failure.get("message") or "")
    assert stat.S_IMODE(junit.stat().st_mode) & 0o044 == 0o044  # readable by others, as any report
    failing = _cli(*base, "--fail-under", "0.9")
    assert failing.exit_code == 1 and "gate failed: ok: pass rate 50%" in failing.output
    per_check = _cli(*base, "--fail-under-check", "equals=1")
    assert per_check.exit_code == 1 and "ok: equals 0%" in per_check.output
    for bad in (["--fail-under", "abc"], ["--fail-under", "150%"], ["--fail-under-check", "nonsense=1"]):
        result = _cli(*base, *bad)
        assert result.exit_code == 2 and "error:" in result.output, bad


def test_every_call_failing_exits_non_zero(tmp_path: Path) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\ntests:\n  - {id: a, prompt: hi}\n")
    result = _cli("eval", str(suite), "--endpoint", "down=http://127.0.0.1:1/v1#m", "--retries", "0", "--no-progress")
    assert result.exit_code == 1 and "no call succeeded" in result.output


def test_bad_input_exits_2_naming_the_fix(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text(
        yaml.safe_dump(
            {
                "name": "s",
                "endpoints": {"A": {"base_url": server, "model": "ok"}},
                "tests": [{"id": "a", "prompt": "hi"}],
            }
        )
    )
    dup = _cli("eval", str(suite), "--endpoint", f"A={server}#ok", "--no-progress")
    assert dup.exit_code == 2 and "endpoint name(s) used twice: A" in dup.output and "Traceback" not in dup.output
    assert _cli("eval", str(suite), "--endpoint", "x=notaurl").exit_code == 2
    rec = tmp_path / "rec.json"
    rec.write_text("{}")
    local = _cli("eval", str(suite), "--routes", str(rec), "--local", server)
    assert local.exit_code == 2 and "MODEL=URL" in local.output
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    only = tmp_path / "only.yaml"
    only.write_text("name: s\ntests:\n  - {id: a, prompt: hi}\n")
    nokey = _cli("eval", str(only), "--endpoint", "oai=https://api.openai.com/v1#gpt-x", "--no-progress")
    assert nokey.exit_code == 2 and "not evaluated: environment variable OPENAI_API_KEY is not set" in nokey.output
    broken = tmp_path / "broken.yaml"
    broken.write_text('name: s\ntests:\n  - id: a\n    prompt: "unterminated\n    assert: []\n')
    yaml_error = _cli("eval", str(broken))
    assert yaml_error.exit_code == 2 and "quoted scalar at line 4" in yaml_error.output


def test_a_missing_credential_means_not_evaluated_and_the_rest_still_runs(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\ntests:\n  - {id: a, prompt: hi, assert: [{type: contains, value: Hello}]}\n")
    result = _cli(
        "eval",
        str(suite),
        "--endpoint",
        f"ok={server}#ok",
        "--endpoint",
        f"paid={server}#ok",
        "--key-env",
        "paid=NO_SUCH_KEY",
        "--no-progress",
        "--format",
        "json",
        "-o",
        str(tmp_path / "r"),
    )
    assert result.exit_code == 0 and "skipped paid: not evaluated: environment variable NO_SUCH_KEY" in result.output
    data = json.loads((tmp_path / "r").read_text())
    assert [e["name"] for e in data["endpoints"]] == ["ok"]
    assert data["skipped_routes"][0]["reason"].startswith("not evaluated")


# --- stored runs ------------------------------------------------------------------------------------------


def test_runs_are_listed_and_re_rendered_without_a_call(server: str, tmp_path: Path) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text(
        "name: stored\nsystem: Be brief.\nvars: {who: Ada}\n"
        "tests:\n  - {id: a, prompt: 'stored for {{who}}', assert: [{type: contains, value: Hello}]}\n"
    )
    assert _cli("eval", str(suite), "--endpoint", f"A={server}#ok", "--no-progress").exit_code == 0
    listing = _cli("eval", "runs", str(suite))
    assert listing.exit_code == 0 and "stored" in listing.output and "A" in listing.output
    hits = HITS["ok"]
    html_out = tmp_path / "r.html"
    shown = _cli("eval", "show", "1", "--suite", str(suite), "--format", "html", "-o", str(html_out))
    page = html_out.read_text()
    assert shown.exit_code == 0 and "<h1>llmpick eval: stored</h1>" in page
    assert "system: Be brief.\nuser: stored for Ada" in page  # the prompt as sent, not the template
    as_json = _cli("eval", "show", "1", "--suite", str(suite), "--format", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.output)["run_id"] == 1
    assert "routes (run 1)" in _cli("eval", "show", "1", "--suite", str(suite)).output
    assert HITS["ok"] == hits
    assert stat.S_IMODE(html_out.stat().st_mode) & 0o044 == 0o044
    missing = _cli("eval", "show", "9", "--suite", str(suite))
    assert missing.exit_code == 2 and "no such run" in missing.output
