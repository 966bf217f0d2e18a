"""LMArena text ratings over time, as charted by github.com/mayerwin/AI-Arena-History (MIT).

The repository reads LMArena's own dataset (huggingface.co/datasets/lmarena-ai/leaderboard-dataset,
config 'text', file full-00000-of-00001.parquet, category 'overall') every day and keeps, per lab,
the curve of its flagship models. Format: data.js = `const CHART_DATA_HIGHEST = {lab: [{date,
model_name, rating}]}; const CHART_DATA_LATEST = {...};` -- two curves per lab (its best-rated
flagship, its newest flagship), a row only where the curve changes.

Two things make it its own benchmark (`lmarena-text-raw`), fitted onto the index rather than
equated with the style-controlled `lmarena-text`: the 'text' config ranks models differently from
'text_style_control', and the repository merges a model's modes (-thinking, -reasoning, OpenAI's
-high/-medium/-low) into one name, keeping the best-rated mode. Only labs' flagships appear.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure

BENCHMARK = "lmarena-text-raw"
_CONST = re.compile(r"const\s+(CHART_DATA_\w+)\s*=\s*")


def import_snapshot(path: Path, *, as_of: dt.date | None = None, url: str = "") -> list[Figure]:
    """The rating each charted model held on `as_of` (default: the newest date in the file)."""
    curves = _read(path)
    rows = [(lab, row) for doc in curves.values() for lab, series in doc.items() for row in series]
    if not rows:
        return []
    day = as_of or max(_date(r["date"]) for _, r in rows)
    held: dict[str, float] = {}
    for doc in curves.values():
        for series in doc.values():
            # rows are change points: the curve holds its last row on or before the day
            before = [r for r in series if _date(r["date"]) <= day]
            if before:
                last = max(before, key=lambda r: r["date"])
                held[str(last["model_name"])] = round(float(last["rating"]), 1)
    return [Figure(name, BENCHMARK, value, url or str(path), day, entry=name) for name, value in held.items()]


def _read(path: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LlmpickError(f"{path}: cannot read: {exc}") from None
    decoder = json.JSONDecoder()
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for match in _CONST.finditer(text):
        try:
            value, _ = decoder.raw_decode(text, match.end())
        except json.JSONDecodeError as exc:
            raise LlmpickError(f"{path}: {match.group(1)} is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise LlmpickError(f"{path}: {match.group(1)} should map labs to rows")
        out[match.group(1)] = value
    if not out:
        raise LlmpickError(f"{path}: not an AI-Arena-History data.js (no `const CHART_DATA_... =`)")
    return out


def _date(value: object) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])
