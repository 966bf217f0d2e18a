"""What every view needs: the catalog, the decision store, the page templates, who may reach the app, and a
cache of recommendations (on ``app.state``)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fastapi import Request

from llmpick.catalog.catalog import Catalog
from llmpick.store.decisions import DecisionStore
from llmpick.web.security import Access

T = TypeVar("T")
RESULT_CACHE_SIZE = 512  # recommendations are ~50-90 KB as JSON, a few hundred KB as objects: ~100 MB at most


class LRUCache(Generic[T]):
    """A bounded, thread-safe least-recently-used cache (the engine runs in a thread pool)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> T | None:
        """The cached value, or None (counted as neither hit nor miss: `get_or_compute` follows a None)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return None

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = compute()  # outside the lock: two threads may compute the same key once each, never wrong
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class AppState:
    catalog: Catalog
    store: DecisionStore
    templates: Any  # fastapi.templating.Jinja2Templates
    access: Access
    results: LRUCache[Any] = field(default_factory=lambda: LRUCache(RESULT_CACHE_SIZE))


def state(request: Request) -> AppState:
    return request.app.state.llmpick  # type: ignore[no-any-return]
