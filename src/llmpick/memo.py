"""Answers remembered per catalog record: what the engine derives from a record alone, asked by every run.

A thousand routes share a few hundred models, offerings and devices, and the catalog's records are immutable
once loaded, so a derived fact (a model's sizing view, its standing on a day, its rating) is computed once per
record. Records are keyed by identity (hashing a pydantic record would cost more than the answer); each entry
keeps its records alive and compares them (identity first, so a hit is cheap), so an id reused by a new
object after the old one is freed never returns a stale answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class RecordMemo(Generic[V]):
    """`get(records, extra, compute)`: compute's answer for these record objects and plain extra key parts."""

    def __init__(self, limit: int = 100_000) -> None:
        self._entries: dict[Hashable, tuple[tuple[object, ...], V]] = {}
        self._limit = limit  # many days or catalogs in one process: start afresh rather than grow without end

    def get(self, records: tuple[object, ...], extra: Hashable, compute: Callable[[], V]) -> V:
        key = (tuple(map(id, records)), extra)
        hit = self._entries.get(key)
        if hit is not None and hit[0] == records:  # tuple equality tries `is` before `==`
            return hit[1]
        if len(self._entries) >= self._limit:
            self._entries.clear()
        value = compute()
        self._entries[key] = (records, value)
        return value

    def clear(self) -> None:
        self._entries.clear()
