"""How long `llmpick recommend` takes on the full catalog: engine time per preset and example, and the whole CLI.

Run: python benchmarks/recommend_speed.py [--rounds 5] [--no-write]
Writes its figures into BENCHMARKS.md between <!-- recommend:start --> and <!-- recommend:end -->.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time

from cli_env import installed_env, warm_up
from sections import ROOT, write_section

from llmpick.catalog.loader import builtin_data_dir, load_catalog
from llmpick.collector import settle
from llmpick.engine import recommend
from llmpick.engine.quantize import forget_estimates
from llmpick.engine.recommend import start_run
from llmpick.engine.stages import split_stages
from llmpick.presets import list_presets
from llmpick.profile import Profile, load_profile


def profiles() -> list[tuple[str, Profile]]:
    found = [(f"preset {p.name}", p.profile) for p in list_presets()]
    found += [
        (f"examples/{f.name}", load_profile(f))
        for f in sorted((ROOT / "examples").glob("*.yaml"))
        if f.name != "suite.yaml"
    ]
    return found


def routes_judged(profile: Profile, catalog: object) -> int:
    """How many candidate routes the engine enumerated, sized and judged for the profile's main stage."""
    run, profile, _ = start_run(profile, catalog)  # type: ignore[arg-type]
    outcome = run.evaluate(profile, split_stages(profile.tasks)[0])
    return len(outcome.survivors) + len(outcome.excluded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    catalog = load_catalog(builtin_data_dir())
    load_ms = (time.perf_counter() - started) * 1000
    settle()  # as `llmpick serve` does after its warm-up (llmpick.collector)
    rows = []
    for label, profile in profiles():
        recommend(profile, catalog)  # warm: genai-prices tables, policy and the quality index load once per process
        cold, warm = [], []
        for _ in range(args.rounds):
            forget_estimates()  # sizing from scratch: a workload shape this process (and the disk) has not seen
            t = time.process_time()
            recommend(profile, catalog)
            cold.append((time.process_time() - t) * 1000)
            t = time.process_time()
            recommend(profile, catalog)
            warm.append((time.process_time() - t) * 1000)
        rows.append((label, statistics.median(cold), statistics.median(warm), routes_judged(profile, catalog)))
    distinct = []
    presets = [p.profile for p in list_presets()]
    for i in range(args.rounds * len(presets)):  # a fresh volume each time, as the web benchmark sends
        base = presets[i % len(presets)]
        profile = base.model_copy(
            update={"workload": base.workload.model_copy(update={"requests_per_day": 1000 + 7 * i})}
        )
        t = time.process_time()
        recommend(profile, catalog)
        distinct.append((time.process_time() - t) * 1000)
    cli_times, cli_cpu = [], []
    command = [sys.executable, "-c", CLI, "recommend", "--preset", "startup", "--format", "json"]
    warm_up(command)
    for _ in range(args.rounds):
        t = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True, env=installed_env())
        cli_times.append((time.perf_counter() - t) * 1000)
        cli_cpu.append(float(done.stderr.strip().splitlines()[-1]) * 1000)

    warm_median = statistics.median(r[2] for r in rows)
    cli_median = statistics.median(cli_times) / 1000
    verdicts = (
        f"≤ 40 ms median: {'met' if warm_median <= 40 else 'not met'} in this run; "
        f"the CLI ≤ 0.6 s: {'met' if cli_median <= 0.6 else 'not met'} in this run"
    )
    lines = [
        "## `llmpick recommend` on the full catalog",
        "",
        f"`benchmarks/recommend_speed.py`, {time.strftime('%Y-%m-%d')}: catalog {catalog.version} "
        f"({len(catalog.models)} models, {len(catalog.offerings)} offerings, {len(catalog.hardware)} hardware), "
        f"median of {args.rounds} runs, CPU time of the process (CPython {platform.python_version()}, "
        f"{platform.machine()}; a shared 2-core machine, where CPU time varies far less than wall time).",
        "",
        f"- loading the catalog (parse and validate, no disk cache): {load_ms:.0f} ms wall, once per process",
        f"- the whole command in a new process, `llmpick recommend --preset startup --format json` (catalog, "
        f"data files, fitted constants and sizing answers from the disk cache, bytecode compiled as pip installs it; benchmarks/cli_env.py): median {statistics.median(cli_times):.0f} ms wall, "
        f"{statistics.median(cli_cpu):.0f} ms CPU",
        f"- distinct profiles in one process (each preset with a volume of its own, {len(distinct)} runs): "
        f"median {statistics.median(distinct):.0f} ms, p90 {_p90(distinct):.0f} ms",
        "",
        "| profile | engine, sizing from scratch | engine, sizes seen before | routes judged |",
        "|---|---:|---:|---:|",
        *[f"| {label} | {cold:.0f} ms | {warm:.0f} ms | {n} |" for label, cold, warm, n in rows],
        "",
        f"Median over the profiles: {statistics.median(r[1] for r in rows):.0f} ms from scratch, "
        f"{warm_median:.0f} ms warm. Goals (issue 14): a single uncached recommend {verdicts}. The shared "
        "machine's speed moves by a third within the hour, so one run near a goal says little; see the history "
        "below.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("recommend", text)


# The CLI entry point, reporting its own CPU time on stderr once the command has run.
CLI = (
    "import atexit, sys, time\n"
    "atexit.register(lambda: print(time.process_time(), file=sys.stderr))\n"
    "from llmpick.cli.main import run\n"
    "run(sys.argv[1:])\n"
)


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


if __name__ == "__main__":
    main()
