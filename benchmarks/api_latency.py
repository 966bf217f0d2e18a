"""Latency of POST /api/v1/recommend under concurrent clients on loopback.

Starts `uvicorn` (the real server, its own process) on 127.0.0.1:<free port> over a throw-away
SQLite database, sends a bounded number of requests (the shipped presets in turn) from N
concurrent clients, stops at the count or the time limit, and writes p50/p95 latency, throughput
and errors into BENCHMARKS.md between <!-- api:start --> and <!-- api:end -->.

    .venv/bin/python benchmarks/api_latency.py [--clients 20] [--requests 400] [--seconds 120] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sections import write_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

from llmpick.presets import list_presets

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- api:start -->", "<!-- api:end -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, db: Path) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn; from llmpick.web.app import create_app; "
        f"uvicorn.run(create_app({f'sqlite:///{db}'!r}), host='127.0.0.1', port={port}, log_level='warning')"
    )
    return subprocess.Popen([sys.executable, "-c", code])


async def wait_ready(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{base}/api/v1/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")


async def run(base: str, clients: int, total: int, seconds: float) -> dict[str, object]:
    bodies = [p.profile.model_dump(mode="json") for p in list_presets()]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    issued = 0
    stop_at = time.monotonic() + seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal issued
        while issued < total and time.monotonic() < stop_at:
            body = bodies[issued % len(bodies)]
            issued += 1
            started = time.perf_counter()
            try:
                r = await client.post(f"{base}/api/v1/recommend", json=body)
                if r.status_code != 200:
                    errors[f"HTTP {r.status_code}"] = errors.get(f"HTTP {r.status_code}", 0) + 1
                    continue
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        wall = time.perf_counter() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) >= 2 else latencies * 99
    return {
        "clients": clients,
        "sent": issued,
        "ok": len(latencies),
        "errors": errors,
        "wall_s": wall,
        "p50_ms": q[49] * 1000 if q else None,
        "p95_ms": q[94] * 1000 if q else None,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else None,
        "max_ms": latencies[-1] * 1000 if latencies else None,
        "throughput_rps": len(latencies) / wall if wall else 0.0,
    }


def section(result: dict[str, object], single_ms: float) -> str:
    errors = result["errors"] or {}
    err_text = "none" if not errors else ", ".join(f"{k}: {v}" for k, v in errors.items())  # type: ignore[union-attr]
    return "\n".join(
        [
            START,
            "## Web API: `POST /api/v1/recommend` under concurrent clients",
            "",
            f"`benchmarks/api_latency.py`, {time.strftime('%Y-%m-%d')}: one uvicorn process on 127.0.0.1, "
            f"{result['clients']} concurrent clients over loopback, the {len(list_presets())} shipped presets in turn "
            f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}).",
            "",
            "| requests ok / sent | errors | p50 | p95 | mean | max | throughput | one at a time (median) |",
            "|---|---|---|---|---|---|---|---|",
            f"| {result['ok']} / {result['sent']} | {err_text} | {result['p50_ms']:.0f} ms | {result['p95_ms']:.0f} ms | "
            f"{result['mean_ms']:.0f} ms | {result['max_ms']:.0f} ms | {result['throughput_rps']:.1f} req/s | {single_ms:.0f} ms |",
            "",
            "The engine is CPU-bound Python, so one process answers about one recommendation at a time: under "
            "concurrency the latency is mostly queueing (p50 ≈ clients ÷ throughput). More throughput needs more "
            "worker processes (`uvicorn --workers N` with the app factory), not more threads.",
            END,
        ]
    )


async def single(base: str, rounds: int = 1) -> float:
    """Median latency of one request at a time, over every preset."""
    bodies = [p.profile.model_dump(mode="json") for p in list_presets()]
    times = []
    async with httpx.AsyncClient(timeout=120) as client:
        for body in bodies * rounds:
            started = time.perf_counter()
            (await client.post(f"{base}/api/v1/recommend", json=body)).raise_for_status()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="stop after this many requests")
    parser.add_argument("--seconds", type=float, default=120, help="…or after this long")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp) / "bench.sqlite")
        base = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(wait_ready(base))
            asyncio.run(single(base))  # warm up: catalog and price tables load on first use
            alone = asyncio.run(single(base, 2))
            result = asyncio.run(run(base, args.clients, args.requests, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=15)
    text = section(result, alone)
    print(text)
    if not args.no_write:
        write_section("api", text.replace(START, "").replace(END, ""), args.output)
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
