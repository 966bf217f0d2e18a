"""Leaderboards in `llmpick catalog refresh`: files the user downloaded, read by the quality importers.

The refresh folder may hold `leaderboards.yaml`, a list of the leaderboard files beside it:

    - source: lmarena-leaderboard-dataset        # an importer of llmpick.quality.importers.REGISTRY
      file: latest-00000-of-00001.parquet         # relative to the folder
      url: https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset/blob/<commit>/...   # where it was published
      as_of: 2026-11-30                           # optional, for sources whose file carries no date
      options: {config: text_style_control}       # optional, importer-specific
      aliases: {gpt-6-astra-high: gpt-6-astra}    # optional: the board's names for catalog ids

Each file becomes one `leaderboards:` snapshot in the overlay, its entries renamed to catalog ids: first by
the file's own `aliases`, then by the shipped data/aliases.yaml, then when the entry's name is a catalog id
(case and punctuation aside). Entries that match none are left out and listed, so the user can name them.
The quality index then rates the catalog's models on the shipped figures plus these (rating.index_for).
"""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmpick.catalog.importers import REGISTRY as CATALOG_IMPORTERS
from llmpick.catalog.importers import Context
from llmpick.errors import CatalogError, first_problem
from llmpick.quality.aliases import to_catalog_ids
from llmpick.quality.figures import snapshot_of
from llmpick.quality.importers import REGISTRY as LEADERBOARD_IMPORTERS
from llmpick.yamlio import load_yaml

MANIFEST = "leaderboards.yaml"
SHOWN_UNMATCHED = 8  # names listed when entries match no catalog model (the count is always given)


class LeaderboardFile(BaseModel):
    """One entry of leaderboards.yaml."""

    model_config = ConfigDict(extra="forbid")

    source: str
    file: str = Field(min_length=1)
    url: str = Field(min_length=1)
    as_of: dt.date | None = None
    note: str = ""
    options: dict[str, str] = Field(default_factory=dict)
    aliases: dict[str, str] = Field(default_factory=dict)


def run(folder: Path | None, ctx: Context) -> None:
    """The catalog refresh's importer: every file leaderboards.yaml lists, as a snapshot in `ctx.leaderboards`."""
    if folder is None or not (folder / MANIFEST).exists():
        return
    known = set(ctx.catalog.models) | set(ctx.models)
    for entry in read_manifest(folder / MANIFEST):
        for target in sorted(set(entry.aliases.values()) - known):
            ctx.log.append(f"{MANIFEST}: {entry.file}: aliases name {target!r}, not a catalog id; it rates no model")
        snapshot, unmatched = import_leaderboard(folder, entry, known)
        if snapshot is None:
            ctx.log.append(f"{entry.file}: no entry of this file names a catalog model; nothing added")
        else:
            ctx.leaderboards.append(snapshot)
            ctx.log.append(
                f"{entry.file}: {len(snapshot['figures'])} figures ({entry.source}, as of {snapshot['as_of']})"
            )
        if unmatched:
            shown = ", ".join(unmatched[:SHOWN_UNMATCHED]) + (", …" if len(unmatched) > SHOWN_UNMATCHED else "")
            ctx.log.append(
                f"{entry.file}: {len(unmatched)} entries match no catalog model and are left out ({shown}); "
                f"name the ones that are catalog models under `aliases:` in {MANIFEST}"
            )


def read_manifest(path: Path) -> list[LeaderboardFile]:
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark is not None else ""
        raise CatalogError(f"{path}:{line} not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(doc, list):
        raise CatalogError(f"{path}: expected a list of leaderboard files (source, file, url)")
    entries = []
    for index, item in enumerate(doc):
        try:
            entry = LeaderboardFile.model_validate(item)
        except ValidationError as exc:
            where, msg = first_problem(exc)
            raise CatalogError(f"{path}: [{index}].{where}: {msg}") from None
        if entry.source not in LEADERBOARD_IMPORTERS:
            raise CatalogError(
                f"{path}: [{index}].source: {entry.source!r} is not a leaderboard importer; "
                f"allowed: {', '.join(sorted(LEADERBOARD_IMPORTERS))}"
            )
        entries.append(entry)
    return entries


def import_leaderboard(
    folder: Path, entry: LeaderboardFile, known: set[str]
) -> tuple[dict[str, Any] | None, list[str]]:
    """The file's snapshot in the overlay's shape (None when no entry matched), and the names left out."""
    path = folder / entry.file
    if not path.exists():
        raise CatalogError(f"{folder / MANIFEST}: {entry.file}: file not found in {folder}")
    importer = LEADERBOARD_IMPORTERS[entry.source]
    parameters = inspect.signature(importer).parameters
    options: dict[str, Any] = {"url": entry.url, **entry.options}
    if entry.as_of is not None:
        options["as_of"] = entry.as_of
    accepted = set(parameters) - {"path"}
    extra = sorted(set(options) - accepted)
    if extra:
        raise CatalogError(
            f"{folder / MANIFEST}: {entry.file}: the {entry.source} importer takes no {', '.join(extra)}; "
            f"it takes {', '.join(sorted(accepted))}"
        )
    for name, value in entry.options.items():
        if "Path" in str(parameters[name].annotation):  # a file beside the leaderboard (LiveBench's categories)
            options[name] = folder / value
    raw = importer(path, **options)
    figures, unmatched = to_catalog_ids(raw, known, entry.aliases)
    if not figures:
        return None, unmatched
    note = entry.note or f"{entry.file}, imported by llmpick catalog refresh ({entry.source})"
    return snapshot_of(figures, source=entry.source, url=entry.url, note=note), unmatched


CATALOG_IMPORTERS.setdefault("leaderboards", run)
