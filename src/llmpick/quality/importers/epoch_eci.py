"""Epoch AI's Capabilities Index (ECI): epoch_capabilities_index.csv in Epoch's benchmark data download,
https://epoch.ai/data/benchmark_data.zip (CC BY 4.0: "free to use, distribute, and reproduce provided the source
and authors are credited", the README in the download).

Format: CSV, a row per `Model version` (an API id, often with a reasoning setting after an underscore:
`gpt-5.5-pro_unknown`, `claude-opus-4-8_high`) and its `ECI Score` (empty for a model Epoch lists but has not
scored). ECI combines dozens of benchmarks on one scale by a fit over the models they share (an item-response
model), so it is read as one benchmark of general capability (→ epoch-eci, text).

The settings of one model are one entry when Epoch gives them all the same score (its newer downloads score the
model, not the setting): the name without the setting, which is often the catalog's own id. Where the settings'
scores differ (older downloads), each stays an entry of its own, named as in the file: which one a catalog model
is, is the aliases' choice, never a guess. The file carries no date of its own: the caller gives the date read.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure

BENCHMARK = "epoch-eci"
NAME, SCORE = "Model version", "ECI Score"
# the reasoning settings Epoch appends to a model version (thinking budgets are written like `_32K`)
SETTING = re.compile(r"_(?:none|minimal|low|medium|high|xhigh|max|unknown|\d+K)$")


def import_snapshot(path: Path, *, url: str = "", as_of: dt.date | None = None) -> list[Figure]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LlmpickError(f"{path}: cannot read: {exc}") from None
    if not rows or NAME not in rows[0] or SCORE not in rows[0]:
        raise LlmpickError(f"{path}: expected Epoch's columns {NAME!r} and {SCORE!r}")
    scored: dict[str, dict[str, float]] = {}  # model without its setting → {the file's name: score}
    for row in rows:
        name, score = (row.get(NAME) or "").strip(), (row.get(SCORE) or "").strip()
        if not name or not score:
            continue
        try:
            value = round(float(score), 2)
        except ValueError:
            raise LlmpickError(f"{path}: {name}: {SCORE} {score!r} is not a number") from None
        scored.setdefault(SETTING.sub("", name), {})[name] = value
    source = url or str(path)
    figures = []
    for model, settings in scored.items():
        if len(set(settings.values())) == 1:
            figures.append(Figure(model, BENCHMARK, next(iter(settings.values())), source, as_of, entry=model))
        else:
            figures += [Figure(name, BENCHMARK, value, source, as_of, entry=name) for name, value in settings.items()]
    return figures
