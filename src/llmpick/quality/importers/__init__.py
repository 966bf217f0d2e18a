"""Importers: read a leaderboard file the user downloaded (no network) into figures.

Each takes the file's path and returns figures named with the source's own model names; the
aliases in data/aliases.yaml turn those into catalog ids when the snapshot is written
(`python -m llmpick.quality.snapshot`). REGISTRY is what `llmpick catalog refresh` plugs in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from llmpick.quality.figures import Figure
from llmpick.quality.importers import (
    aider_polyglot,
    arena_catalog,
    arena_daily,
    arena_history,
    epoch_eci,
    livebench,
    lmarena_dataset,
    mteb_results,
    open_asr,
)

Importer = Callable[..., list[Figure]]

REGISTRY: dict[str, Importer] = {
    "lmarena-arena-catalog": arena_catalog.import_snapshot,
    "lmarena-leaderboard-dataset": lmarena_dataset.import_snapshot,
    "arena-ai-daily": arena_daily.import_snapshot,
    "arena-history": arena_history.import_snapshot,
    "aider-polyglot": aider_polyglot.import_snapshot,
    "open-asr-leaderboard": open_asr.import_snapshot,
    "mteb-results": mteb_results.import_snapshot,
    "livebench": livebench.import_snapshot,
    "epoch-eci": epoch_eci.import_snapshot,
}


def import_file(source: str, path: Path, **options: object) -> list[Figure]:
    """Run the importer registered for `source` on one file."""
    if source not in REGISTRY:
        from llmpick.errors import LlmpickError

        raise LlmpickError(f"unknown quality source {source!r}; allowed: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[source](path, **options)
