"""Aider's polyglot coding benchmark (github.com/Aider-AI/aider, aider/website/_data/polyglot_leaderboard.yml, Apache-2.0).

Format: a YAML list of runs {model, pass_rate_2, date, ...}: 225 Exercism exercises in six languages,
per cent solved within two tries. A model run several ways (edit formats, thinking budgets) keeps its best run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure
from llmpick.yamlio import load_yaml


def import_snapshot(path: Path, *, url: str = "", as_of: dt.date | None = None) -> list[Figure]:
    try:
        runs = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LlmpickError(f"{path}: not an aider leaderboard YAML file: {exc}") from None
    if not isinstance(runs, list):
        raise LlmpickError(f"{path}: expected a list of benchmark runs")
    best: dict[str, dict] = {}
    for run in runs:
        if not isinstance(run, dict) or "model" not in run or "pass_rate_2" not in run:
            continue
        name = str(run["model"])
        if name not in best or float(run["pass_rate_2"]) > float(best[name]["pass_rate_2"]):
            best[name] = run
    latest = max((_date(r.get("date")) for r in best.values() if r.get("date")), default=None)
    return [
        Figure(name, "aider-polyglot", float(run["pass_rate_2"]), url or str(path), as_of or latest, entry=name)
        for name, run in best.items()
    ]


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
