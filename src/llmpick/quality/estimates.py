"""The one estimate allowed: a smaller model of the same release, capped at its measured larger siblings.

Rule: model M has no figure for the task; siblings S share M's catalog family and release date, have
more total parameters than M, and are measured. M is estimated at the lowest score among those S
(so never above a measured family member), with low confidence and the sibling named in the basis.
Successors, predecessors and `supersedes` are never used: they are lifecycle, not quality.
"""

from __future__ import annotations

import datetime as dt

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Model
from llmpick.memo import RecordMemo
from llmpick.quality.index import Entry, TaskIndex


def same_release_estimate(model: Model, index: TaskIndex, catalog: Catalog) -> tuple[float, Model, Entry] | None:
    size = model.parameters.total_b if model.parameters else None
    if size is None or model.release.date is None:
        return None
    siblings = [
        (index.entries[s.id], s)
        for s in _releases(catalog).get((model.family, model.release.date), ())
        if s.id != model.id
        and s.parameters is not None
        and s.parameters.total_b is not None
        and s.parameters.total_b > size
        and s.id in index.entries
    ]
    if not siblings:
        return None
    entry, sibling = min(siblings, key=lambda pair: pair[0].score)
    return entry.score, sibling, entry


_RELEASES: RecordMemo[dict[tuple[str | None, dt.date], list[Model]]] = RecordMemo(limit=8)


def _releases(catalog: Catalog) -> dict[tuple[str | None, dt.date], list[Model]]:
    """The catalog's models grouped by (family, release date), once per catalog: every unrated model asks."""

    def group() -> dict[tuple[str | None, dt.date], list[Model]]:
        found: dict[tuple[str | None, dt.date], list[Model]] = {}
        for m in catalog.models.values():
            if m.release.date is not None:
                found.setdefault((m.family, m.release.date), []).append(m)
        return found

    return _RELEASES.get((catalog,), None, group)
