"""Catalog load time and `recommend` latency: uncached parse, disk-cached load, and the whole command.

Run: .venv/bin/python benchmarks/catalog_load.py [--src OTHER_CHECKOUT/src]  (--src times an older checkout with the
same interpreter, for a before/after figure on the same machine). Prints a Markdown block for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAD = """
import os, time
t = time.perf_counter()
from llmpick.catalog import loader
c = loader.{fn}()
print(time.perf_counter() - t, len(c.models), len(c.offerings))
"""


def _run(code: str, src: Path, env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], env=env | {"PYTHONPATH": str(src)}, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cache = tempfile.mkdtemp()
    env = dict(os.environ) | {"XDG_CACHE_HOME": cache, "LLMPICK_CATALOG_OVERLAY": str(Path(cache) / "none.yaml")}
    uncached, cached, command = [], [], []
    counts = ""
    for _ in range(args.runs):
        line = _run(LOAD.format(fn="load_builtin_catalog"), args.src, env | {"LLMPICK_NO_CATALOG_CACHE": "1"})
        seconds, models, offerings = line.split()
        uncached.append(float(seconds))
        counts = f"{models} models, {offerings} offerings"
        cached.append(float(_run(LOAD.format(fn="load_builtin_catalog"), args.src, env).split()[0]))
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "llmpick", "recommend", str(ROOT / "examples/startup.yaml"), "-f", "json"],
            env=env | {"PYTHONPATH": str(args.src)},
            check=True,
            capture_output=True,
        )
        command.append(time.perf_counter() - t)
    ms = lambda xs: f"{statistics.median(xs) * 1000:.0f} ms"  # noqa: E731
    print(f"- {args.src}: {counts}; median of {args.runs}")
    print(f"  - parse and validate (no cache): {ms(uncached)}")
    print(f"  - load from the disk cache: {ms(cached)}")
    print(f"  - `llmpick recommend examples/startup.yaml -f json`, new process: {ms(command)}")


if __name__ == "__main__":
    main()
