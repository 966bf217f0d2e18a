"""Latency of POST /api/v1/recommend under concurrent clients on loopback, and the CLI's start-up time.

Starts `llmpick serve --workers N` (the real server, its own processes) on 127.0.0.1:<free port> over a
throw-away SQLite database, then measures, each bounded by a request count and a time limit:

* one request at a time over distinct profiles (nothing cached): the engine's own latency;
* N concurrent clients sending the shipped presets in turn (repeated profiles: the result cache answers);
* N concurrent clients sending profiles that all differ (a fresh volume each time: the engine answers);

and the wall time of `llmpick --help` and `llmpick recommend --preset startup` (median of 5). Writes the
figures into BENCHMARKS.md between <!-- api:start --> and <!-- api:end -->.

    .venv/bin/python benchmarks/api_latency.py [--clients 20] [--workers 2] [--requests 300] [--seconds 90] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from cli_env import installed_env, warm_up
from sections import write_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

from llmpick.presets import list_presets

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- api:start -->", "<!-- api:end -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, db: Path, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "llmpick", "serve", "--port", str(port), "--db", f"sqlite:///{db}"]
    return subprocess.Popen([*command, "--workers", str(workers)], stderr=subprocess.DEVNULL)


async def wait_ready(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{base}/api/v1/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the server did not start")


def presets() -> list[dict[str, Any]]:
    return [p.profile.model_dump(mode="json") for p in list_presets()]


_VOLUMES = itertools.count()  # shared by every load, so that no profile is ever sent twice


def distinct_profiles() -> Callable[[], dict[str, Any]]:
    """Every call a profile no one sent before: a preset with a volume of its own (never a cache hit)."""
    counter = _VOLUMES
    bodies = presets()

    def next_profile() -> dict[str, Any]:
        i = next(counter)
        body = {**bodies[i % len(bodies)]}
        body["workload"] = {**body.get("workload", {}), "requests_per_day": 1000 + 7 * i}
        return body

    return next_profile


def repeated_profiles() -> Callable[[], dict[str, Any]]:
    cycle = itertools.cycle(presets())
    return lambda: next(cycle)


async def load(
    base: str,
    clients: int,
    total: int,
    seconds: float,
    bodies: Callable[[], dict[str, Any]],
    *,
    keep_alive: bool = True,
) -> dict[str, Any]:
    """`clients` concurrent clients, each a request at a time. `keep_alive=False`: a new connection per request,
    as browsers behind a proxy make. Worker processes share one listening socket, and the first to accept takes
    a burst of new connections: kept alive, twenty connections can all stay with one worker while the other
    idles (engine-bound loads then measure one worker); reconnecting spreads the load as requests arrive."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    issued = hits = 0
    stop_at = time.monotonic() + seconds

    host, port = base.removeprefix("http://").split(":")

    async def client_loop() -> None:
        """One client: one keep-alive connection, a request at a time (a small HTTP/1.1 client of its own, so
        that the load generator, on the same two cores, takes little of the CPU it measures)."""
        nonlocal issued, hits
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while issued < total and time.monotonic() < stop_at:
                body = json.dumps(bodies()).encode()
                issued += 1
                started = time.perf_counter()
                if connection is None:
                    connection = await asyncio.open_connection(host, int(port))
                reader, writer = connection
                writer.write(
                    b"POST /api/v1/recommend HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
                    b"Content-Type: application/json\r\nAccept-Encoding: gzip\r\n"
                    + (b"" if keep_alive else b"Connection: close\r\n")
                    + b"Content-Length: "
                    + str(len(body)).encode()
                    + b"\r\n\r\n"
                    + body
                )
                status, length, hit = await _read_response(reader)
                hits += hit
                if not keep_alive:
                    writer.close()
                    connection = None
                if status != 200:
                    errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
                    continue
                latencies.append(time.perf_counter() - started)
                if length == 0:
                    errors["empty body"] = errors.get("empty body", 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
        finally:
            if connection is not None:
                connection[1].close()

    began = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    wall = time.perf_counter() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) >= 2 else latencies * 99
    return {
        "sent": issued,
        "ok": len(latencies),
        "errors": errors,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "max_ms": latencies[-1] * 1000,
        "rps": len(latencies) / wall if wall else 0.0,
        "cache_hits": hits,
    }


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """The status and body length of one response (read whole, Content-Length framed, as the server sends), and
    whether the worker's result cache answered it (its Cache-Status header)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(fields["content-length"])
    await reader.readexactly(length)
    return status, length, fields.get("cache-status") == "llmpick; hit"


async def one_at_a_time(base: str, count: int) -> dict[str, float]:
    """Median and p95 of single requests over distinct profiles (each one computed by the engine)."""
    next_profile = distinct_profiles()
    times = []
    async with httpx.AsyncClient(timeout=120) as client:
        for _ in range(count):
            started = time.perf_counter()
            (await client.post(f"{base}/api/v1/recommend", json=next_profile())).raise_for_status()
            times.append(time.perf_counter() - started)
    times.sort()
    return {"median_ms": statistics.median(times) * 1000, "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000}


def cli_seconds(*args: str, runs: int = 5) -> tuple[float, float]:
    """Median wall time and CPU time (user + system) of a fresh `llmpick …` process (bytecode compiled, disk
    caches filled by one untimed run, as for a user who ran it before)."""
    command = [sys.executable, "-m", "llmpick", *args]
    warm_up(command)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=installed_env())
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server and its worker processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid, *(int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def measured(pid: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``run()``'s figures plus the server's CPU time per successful request (less sensitive to a busy machine)."""
    before = server_cpu_s(pid)
    result = run()
    result["cpu_ms"] = (server_cpu_s(pid) - before) / max(result["ok"], 1) * 1000
    return result


def section(
    workers: int,
    clients: int,
    single: dict[str, float],
    rows: dict[str, dict[str, Any]],
    cli: dict[str, tuple[float, float]],
    load_avg: str,
) -> str:
    lines = [
        "## Web API: `POST /api/v1/recommend`, and the CLI's start-up",
        "",
        f"`benchmarks/api_latency.py`, {time.strftime('%Y-%m-%d')}: `llmpick serve --workers {workers}` on 127.0.0.1, "
        f"{clients} concurrent clients over loopback ({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs shared with other work, load average {load_avg} at the start: treat the figures as "
        "order of magnitude).",
        "",
        f"One request at a time, distinct profiles (the engine every time): median {single['median_ms']:.0f} ms, "
        f"p95 {single['p95_ms']:.0f} ms.",
        "",
        "| load | requests ok / sent | errors | p50 | p95 | max | throughput | server CPU per request | cache hits |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        errors = "none" if not r["errors"] else ", ".join(f"{k}: {v}" for k, v in r["errors"].items())
        lines.append(
            f"| {name} | {r['ok']} / {r['sent']} | {errors} | {r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms | "
            f"{r['max_ms']:.0f} ms | {r['rps']:.1f} req/s | {r['cpu_ms']:.1f} ms | {r['cache_hits']} |"
        )
    lines += [
        "",
        "| command (fresh process, median of 5) | wall time | CPU time |",
        "|---|---|---|",
        *(f"| `llmpick {command}` | {wall:.2f} s | {cpu:.2f} s |" for command, (wall, cpu) in cli.items()),
        "",
        "Server CPU per request is the CPU time the server's processes used during the load, divided by the "
        "requests answered: it depends far less on other work on the machine than the latencies do. "
        "Repeated profiles are answered from the app's result cache (keyed by the profile, the catalog version, "
        "its as-of date and the day; 512 entries, least recently used out). Distinct profiles run the engine, "
        "CPU-bound Python: throughput grows with worker processes (`--workers`, one per core), and under "
        "concurrency the latency is mostly queueing (p50 ≈ clients ÷ throughput). The clients are a small "
        "HTTP/1.1 client of this script's own, asking for gzip as browsers do (httpx, used before, took most of the "
        "two cores it measured); the distinct load reconnects for each request, as browsers behind a proxy do (kept "
        "alive, the connections all stayed with the worker that accepted them first). The CLI runs with its "
        "bytecode compiled, after one untimed run (benchmarks/cli_env.py). Cache hits count the responses marked "
        "`Cache-Status: llmpick; hit`: before measuring, the presets are sent until a whole round of them is "
        "answered from the workers' caches.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=300, help="stop each load after this many requests")
    parser.add_argument("--seconds", type=float, default=90, help="…or after this long")
    parser.add_argument("--single", type=int, default=30, help="single requests to time")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load_avg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp) / "bench.sqlite", args.workers)
        try:
            asyncio.run(wait_ready(base))
            # warm every worker (catalog, price tables), and put the presets in each worker's cache
            asyncio.run(load(base, args.workers * 2, args.workers * 20, 120, distinct_profiles(), keep_alive=False))
            # as many connections as the measured load, each cycling through the presets twice: the kernel hands
            # connections to worker processes unevenly, and a keep-alive connection stays with its worker
            # …until a whole round is answered from the caches (at most five rounds)
            warm = len(presets()) * args.clients * 2
            for _ in range(5):
                if asyncio.run(load(base, args.clients, warm, 120, repeated_profiles()))["cache_hits"] == warm:
                    break
            single = asyncio.run(one_at_a_time(base, args.single))
            rows = {
                "repeated profiles (presets in turn, cached)": measured(
                    server.pid,
                    lambda: asyncio.run(load(base, args.clients, args.requests, args.seconds, repeated_profiles())),
                ),
                "distinct profiles (the engine every time)": measured(
                    server.pid,
                    lambda: asyncio.run(
                        load(base, args.clients, args.requests, args.seconds, distinct_profiles(), keep_alive=False)
                    ),
                ),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    cli = {
        "--help": cli_seconds("--help"),
        "recommend --preset startup": cli_seconds("recommend", "--preset", "startup"),
    }
    text = section(args.workers, args.clients, single, rows, cli, load_avg)
    print(text)
    if not args.no_write:
        write_section("api", text, args.output)
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
