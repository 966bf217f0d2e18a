"""LMArena's leaderboard dataset (huggingface.co/datasets/lmarena-ai/leaderboard-dataset), one config's split.

Format: rows of model_name, rating, rating_lower, rating_upper, vote_count, rank, category,
leaderboard_publish_date -- the 'latest' split holds one publish date, 'full' every one. Read from
the parquet file (needs pyarrow: pip install 'llmpick[quality]') or from a CSV export of it.
Configs read: text_style_control and text (→ lmarena-text, category 'overall'; 'coding' →
lmarena-coding, 'math' → lmarena-math), vision_style_control and vision (→ lmarena-vision),
text_to_image (→ lmarena-text-to-image). The newest publish date in the file is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure

CATEGORIES: dict[tuple[str, str], str] = {
    ("text", "overall"): "lmarena-text",
    ("text", "coding"): "lmarena-coding",
    ("text", "math"): "lmarena-math",
    ("vision", "overall"): "lmarena-vision",
    ("text_to_image", "overall"): "lmarena-text-to-image",
}
COLUMNS = {"model_name", "rating", "category", "leaderboard_publish_date"}


def import_snapshot(path: Path, *, config: str = "text_style_control", url: str = "") -> list[Figure]:
    """Figures of the newest publish date in one config's file (parquet or CSV)."""
    arena = config.removesuffix("_style_control")
    rows = _read(path)
    if not rows or not rows[0].keys() >= COLUMNS:
        raise LlmpickError(f"{path}: expected the columns {', '.join(sorted(COLUMNS))}")
    newest = max(str(r["leaderboard_publish_date"])[:10] for r in rows)
    figures = []
    for row in rows:
        benchmark = CATEGORIES.get((arena, str(row["category"])))
        if benchmark is None or str(row["leaderboard_publish_date"])[:10] != newest:
            continue
        name = str(row["model_name"])
        figures.append(
            Figure(
                name,
                benchmark,
                round(float(row["rating"]), 1),
                url or str(path),
                dt.date.fromisoformat(newest),
                entry=name,
            )
        )
    return figures


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        if path.suffix == ".parquet":
            try:
                import pyarrow.parquet as pq
            except ImportError:
                raise LlmpickError(
                    "reading parquet needs pyarrow: pip install 'llmpick[quality]' (or export the split to CSV)"
                ) from None
            return list(pq.read_table(path).to_pylist())
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise LlmpickError(f"{path}: cannot read: {exc}") from None
    except Exception as exc:  # pyarrow raises its own error types for a file that is not parquet
        if isinstance(exc, LlmpickError):
            raise
        raise LlmpickError(f"{path}: not a readable parquet file: {exc}") from None
