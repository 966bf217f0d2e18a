"""Hugging Face's Open ASR leaderboard (github.com/huggingface/open_asr_leaderboard, scripts/data/en_shortform.csv, Apache-2.0).

Format: CSV with `model` (HF repo id) and `Avg. WER` (per cent, mean over eight English test sets).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure


def import_snapshot(path: Path, *, url: str = "", as_of: dt.date | None = None) -> list[Figure]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise LlmpickError(f"{path}: cannot read: {exc}") from None
    if not rows or "model" not in rows[0] or "Avg. WER" not in rows[0]:
        raise LlmpickError(f"{path}: expected the columns 'model' and 'Avg. WER'")
    seen: dict[str, Figure] = {}
    for row in rows:
        name = row["model"].strip()
        if name and row["Avg. WER"].strip() and name not in seen:
            seen[name] = Figure(name, "open-asr-wer", float(row["Avg. WER"]), url or str(path), as_of, entry=name)
    return list(seen.values())
