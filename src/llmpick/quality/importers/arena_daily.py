"""Daily snapshots of the Arena (arena.ai) leaderboards, github.com/oolong-tea-2026/arena-ai-leaderboards (MIT).

Format: data/<date>/<board>.json = {meta: {leaderboard, source_url, fetched_at}, models: [{model, score, ci, votes}]}.
The page lists the top entries of each board only (about 50), so lower-ranked models are absent, not unrated.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure

BOARDS = {
    "text": "lmarena-text",
    "code": "arena-code",  # arena.ai's code arena (WebDev): apps built from a prompt, judged by people
    "vision": "lmarena-vision",
    "text-to-image": "lmarena-text-to-image",
}


def import_snapshot(path: Path, *, url: str = "") -> list[Figure]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        meta, rows = doc["meta"], doc["models"]
        board = meta["leaderboard"]
        as_of = dt.datetime.fromisoformat(meta["fetched_at"]).date()
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise LlmpickError(
            f"{path}: not an arena-ai-leaderboards snapshot (meta.leaderboard, meta.fetched_at, models): {exc}"
        ) from None
    if board not in BOARDS:
        return []
    source = url or meta.get("source_url") or str(path)
    return [
        Figure(r["model"], BOARDS[board], float(r["score"]), source, as_of, entry=r["model"])
        for r in rows
        if r.get("score") is not None
    ]
