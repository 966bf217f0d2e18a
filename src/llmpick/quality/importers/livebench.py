"""LiveBench (livebench.ai): the leaderboard tables its site publishes, github.com/LiveBench/livebench.github.io.

Format: public/table_<release>.csv (a row per model, a column per task, scores 0..100) and
public/categories_<release>.json ({category: [task columns]}); <release> is the question set's
release date. As the site does, a category's score is the mean of its tasks and the global average
the mean of the categories. Read: the global average (→ livebench, text), 'Coding' (→
livebench-coding, code) and 'Reasoning' (→ livebench-reasoning, reasoning). A model missing any
task of a category gets no figure for it (a mean over fewer tasks is another measure). The tables
carry no date of their own: the caller gives the date of the commit read.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure

CATEGORIES = {"Coding": "livebench-coding", "Reasoning": "livebench-reasoning"}
GLOBAL = "livebench"


def import_snapshot(
    path: Path, *, as_of: dt.date | None = None, url: str = "", categories: Path | None = None
) -> list[Figure]:
    """Figures from one table_<release>.csv; its categories_<release>.json sits beside it unless named."""
    categories = categories or path.with_name(path.name.replace("table_", "categories_")).with_suffix(".json")
    try:
        groups: dict[str, list[str]] = json.loads(categories.read_text(encoding="utf-8"))
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, json.JSONDecodeError, csv.Error) as exc:
        raise LlmpickError(f"{path}: not a LiveBench table with its categories file: {exc}") from None
    figures = []
    for row in rows:
        name = row.get("model", "").strip()
        means = {c: _mean(row, cols) for c, cols in groups.items()}
        for category, benchmark in CATEGORIES.items():
            mean = means.get(category)
            if mean is not None:
                figures.append(Figure(name, benchmark, round(mean, 2), url or str(path), as_of, entry=name))
        if means and all(v is not None for v in means.values()):
            value = sum(v for v in means.values() if v is not None) / len(means)
            figures.append(Figure(name, GLOBAL, round(value, 2), url or str(path), as_of, entry=name))
    return figures


def _mean(row: dict[str, str], columns: list[str]) -> float | None:
    try:
        values = [float(row[c]) for c in columns]
    except (KeyError, TypeError, ValueError):
        return None
    return sum(values) / len(values) if values else None
