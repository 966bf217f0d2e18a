"""LMArena's own leaderboard export (github.com/lmarena/arena-catalog, data/leaderboard-*.json).

Format: {category: {model_name: {rating, rating_q025, rating_q975}}}. The file carries no date or
kind, so the caller names the benchmark family by file (text, vision or image) and the date of
the data (the commit message says it, e.g. 'Update leaderboard scores with 12/11 data').
Categories read: 'full' (overall), plus 'coding' and 'math' for the text arena.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure

# (arena file kind, category) → benchmark id
CATEGORIES: dict[tuple[str, str], str] = {
    ("text", "full"): "lmarena-text",
    ("text", "coding"): "lmarena-coding",
    ("text", "math"): "lmarena-math",
    ("vision", "full"): "lmarena-vision",
    ("image", "full"): "lmarena-text-to-image",
}


def import_snapshot(
    path: Path, *, kind: str | None = None, as_of: dt.date | None = None, url: str = ""
) -> list[Figure]:
    """Figures from one leaderboard-<kind>[-style-control].json file."""
    kind = kind or _kind_from_name(path.name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LlmpickError(f"{path}: not an LMArena leaderboard JSON file: {exc}") from None
    if not isinstance(doc, dict) or "full" not in doc:
        raise LlmpickError(f"{path}: expected categories at the top level, with 'full' among them")
    figures = []
    for (file_kind, category), benchmark in CATEGORIES.items():
        if file_kind != kind or category not in doc:
            continue
        for name, row in doc[category].items():
            figures.append(Figure(name, benchmark, round(float(row["rating"]), 1), url or str(path), as_of, entry=name))
    return figures


def _kind_from_name(name: str) -> str:
    for kind in ("text", "vision", "image"):
        if name.startswith(f"leaderboard-{kind}"):
            return kind
    raise LlmpickError(f"{name}: cannot tell the arena (text, vision or image) from the file name; pass kind=")
