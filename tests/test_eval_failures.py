"""Retries, timeouts and per-cell failure, against a local server that misbehaves on purpose.

The server picks its behaviour from the requested model name, so one run can hit every failure mode.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from llmpick.eval.endpoints import Endpoint
from llmpick.eval.runner import Runner, RunOptions, execute
from llmpick.eval.store import Store
from llmpick.eval.suite import parse_suite

SECRET = "sk-test-SECRET-1234567890abcdef"
HITS: Counter[str] = Counter()


def _chunk(text: str | None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class Misbehaving(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *_args: object) -> None:
        pass

    def _json(self, status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> None:
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

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        model = body["model"]
        HITS[model] += 1
        if model == "ok" or (model == "flaky" and HITS[model] > 2):
            self._stream([_chunk("Hello"), _chunk(" world"), _chunk(None, "stop"), b"data: [DONE]\n\n"])
        elif model == "grader":
            verdict = json.dumps({"score": 9, "reason": "polite"})
            self._stream([_chunk(verdict), _chunk(None, "stop"), b"data: [DONE]\n\n"])
        elif model == "flaky":
            self._json(429, {"error": {"message": "slow down"}}, {"retry-after": "0"})
        elif model == "broken":
            self._json(503, {"error": {"message": "overloaded"}})
        elif model == "auth":
            self._json(401, {"error": {"message": f"Incorrect API key provided: {SECRET}"}})
        elif model == "missing":
            self._json(404, {"error": {"message": "The model `missing` does not exist"}})
        elif model == "garbage":
            self._stream([b"data: {not json at all\n\n", b"data: [DONE]\n\n"])
        elif model == "empty":
            self._stream([b"data: [DONE]\n\n"])
        elif model == "slow":
            time.sleep(5)
            self._stream([_chunk("late"), b"data: [DONE]\n\n"])
        elif model == "steady":
            time.sleep(0.05)
            self._stream([_chunk("steady answer"), _chunk(None, "stop"), b"data: [DONE]\n\n"])
        else:
            self._json(400, {"error": {"message": "unknown"}})


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SUITE = """
name: failures
params: {max_tokens: 16}
tests:
  - id: hello
    prompt: Say hello.
    assert:
      - {type: contains, value: hello}
  - id: again
    prompt: Say hello again.
"""


def test_every_failure_stays_in_its_cell(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_KEY", SECRET)
    suite = parse_suite(SUITE)
    names = ["ok", "flaky", "broken", "auth", "missing", "garbage", "empty", "slow"]
    endpoints = [Endpoint(n, "openai", n, server, api_key_env="TEST_KEY") for n in names]
    endpoints.append(Endpoint("unreachable", "openai", "ok", f"http://127.0.0.1:{_free_port()}/v1"))
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    options = RunOptions(timeout_s=2.5, retries=2, backoff_s=0.01, progress=False, use_cache=False)
    run_id, resumed = execute(suite, endpoints, store, options)
    assert not resumed
    cells = {(c["endpoint"], c["test_id"]): c for c in store.cells(run_id)}
    assert len(cells) == len(endpoints) * 2  # every cell recorded, the run went on
    kinds = {name: cells[(name, "hello")]["error_kind"] for name in [*names, "unreachable"]}
    assert kinds == {
        "ok": None,
        "flaky": None,
        "broken": "server",
        "auth": "auth",
        "missing": "not-found",
        "garbage": "malformed",
        "empty": "malformed",
        "slow": "timeout",
        "unreachable": "unreachable",
    }
    assert cells[("ok", "hello")]["output"] == "Hello world"
    assert cells[("ok", "hello")]["passed"] is True
    assert cells[("ok", "again")]["passed"] is None  # no checks: measured, not judged
    flaky = [cells[("flaky", t)] for t in ("hello", "again")]
    assert {c["status"] for c in flaky} == {"ok"} and max(c["attempts"] for c in flaky) >= 2  # retried after 429
    assert cells[("broken", "hello")]["attempts"] == 3  # 1 try + 2 retries on 503
    assert cells[("auth", "hello")]["attempts"] == 1  # a 401 is not retried
    for cell in cells.values():
        assert SECRET not in (cell["error"] or "") and "1234567890" not in (cell["error"] or "")
    assert store.run(run_id)["finished_at"] is not None


def test_missing_key_variable_is_a_cell_error(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    run_id, _ = execute(
        parse_suite(SUITE),
        [Endpoint("x", "openai", "ok", server, api_key_env="NO_SUCH_KEY_VAR")],
        store,
        RunOptions(progress=False, retries=0),
    )
    cells = store.cells(run_id)
    assert {c["error_kind"] for c in cells} == {"config"}
    assert "NO_SUCH_KEY_VAR" in cells[0]["error"]


def test_cancelled_run_resumes_without_losing_or_repeating_a_cell(server: str, tmp_path: Path) -> None:
    tests = "\n".join(f"  - {{id: t{i}, prompt: 'question {i}'}}" for i in range(12))
    suite = parse_suite(f"name: resume\ntests:\n{tests}\n")
    endpoints = [Endpoint("steady", "openai", "steady", server)]
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    options = RunOptions(concurrency=1, progress=False, use_cache=False)
    from llmpick.eval.runner import run_key

    run_id, _ = store.open_run(run_key(suite, endpoints, options), suite.name, {"endpoints": [endpoints[0].describe()]})

    async def interrupted() -> None:
        task = asyncio.create_task(Runner(suite, endpoints, store, options).run(run_id))
        while len(store.done(run_id)) < 4:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    before_hits = HITS["steady"]
    asyncio.run(interrupted())
    first = {(c["test_id"], c["id"], c["finished_at"]) for c in store.cells(run_id)}
    assert 4 <= len(first) < 12
    assert store.run(run_id)["finished_at"] is None
    calls_first = HITS["steady"] - before_hits

    resumed_id, resumed = execute(suite, endpoints, store, options)
    assert (resumed_id, resumed) == (run_id, True)
    cells = store.cells(run_id)
    assert sorted(c["test_id"] for c in cells) == sorted(f"t{i}" for i in range(12))  # none lost, none twice
    assert first <= {(c["test_id"], c["id"], c["finished_at"]) for c in cells}  # finished cells untouched
    # only the unfinished cells were called again (the one cancelled mid-call may be called twice)
    assert HITS["steady"] - before_hits - calls_first <= 12 - len(first) + 1
    assert store.run(run_id)["finished_at"] is not None


def test_identical_calls_are_cached_unless_no_cache(server: str, tmp_path: Path) -> None:
    suite = parse_suite(SUITE)
    endpoints = [Endpoint("steady", "openai", "steady", server)]
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    first, _ = execute(suite, endpoints, store, RunOptions(progress=False))
    hits = HITS["steady"]
    second, resumed = execute(suite, endpoints, store, RunOptions(progress=False))
    assert second != first and not resumed  # a finished run is not resumed: a new one starts
    assert HITS["steady"] == hits and all(c["cached"] for c in store.cells(second))
    third, _ = execute(suite, endpoints, store, RunOptions(progress=False, use_cache=False))
    assert HITS["steady"] == hits + 2 and not any(c["cached"] for c in store.cells(third))


def test_llm_judge_through_a_judge_endpoint_with_progress_bar(server: str, tmp_path: Path) -> None:
    suite = parse_suite(
        f"name: judged\njudge: {{model: grader, base_url: '{server}'}}\n"
        "tests:\n  - id: a\n    prompt: hi\n    assert: [{type: llm-judge, rubric: polite, threshold: 0.8}]\n"
    )
    from llmpick.eval.endpoints import from_config

    assert suite.judge is not None
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    run_id, _ = execute(
        suite,
        [Endpoint("ok", "openai", "ok", server)],
        store,
        RunOptions(progress=True),
        judge=from_config("(judge)", suite.judge),
    )
    (cell,) = store.cells(run_id)
    assert cell["passed"] is True and cell["score"] == 0.9
    assert cell["assertions"][0]["detail"] == "judge 9/10: polite"
