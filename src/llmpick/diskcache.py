"""Results worth keeping between runs: parsed data files, fitted constants, the parsed catalog.

Each entry is a pickle in the user cache folder, named by a hash of everything it was computed from (file
contents, package versions, the code that computes it), so a changed input is a new entry and an old one is
never read by mistake. A missing, unreadable or read-only folder only costs speed. The cache holds only what
llmpick itself computed from its own inputs; set LLMPICK_NO_CACHE=1 to bypass it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
NO_CACHE_ENV = "LLMPICK_NO_CACHE"


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("llmpick"))


def disabled() -> bool:
    return bool(os.environ.get(NO_CACHE_ENV))


def key_of(parts: Iterable[str | bytes]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def read(kind: str, key: str) -> object | None:
    """The entry, or None when there is none (or it cannot be read)."""
    if disabled():
        return None
    try:
        with (cache_dir() / f"{kind}-{key}.pickle").open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]
    except Exception:  # missing, truncated or from an incompatible version: recompute
        return None


def write(kind: str, key: str, value: object) -> None:
    """Store an entry atomically (a reader never sees half a file)."""
    if disabled():
        return
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{kind}-{key}.pickle")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only folder, or a value that cannot be pickled: only speed is lost


def memo(kind: str, parts: Iterable[str | bytes], compute: Callable[[], T], check: type | None = None) -> T:
    """`compute()`, or its stored result for the same inputs. `check`: the type the stored value must have."""
    key = key_of(parts)
    found = read(kind, key)
    if found is not None and (check is None or isinstance(found, check)):
        return found  # type: ignore[return-value]
    value = compute()
    write(kind, key, value)
    return value


def files_stamp(folder: Path, pattern: str) -> list[bytes]:
    """The contents of the files under `folder` matching `pattern` (recursively), in path order."""
    return [f.read_bytes() for f in sorted(Path(folder).rglob(pattern))]


def source_stamp(*modules: str) -> list[bytes]:
    """The source of the named modules: an entry computed by code that has changed since is not reused."""
    import importlib.util

    out: list[bytes] = []
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        out.append(Path(origin).read_bytes() if origin and os.path.exists(origin) else name.encode())
    return out


class StoredTable:
    """A pure function's answers kept between runs: read on first use, written back at exit when it grew.

    For answers that are cheap to keep and costly to recompute in every new process (sizing a thousand routes
    takes longer than starting Python). `stamp` names everything the answers depend on, as for `memo`; the
    table is dropped whole when it reaches `limit` entries (a new profile shape only costs the first run).
    """

    MISSING = object()

    def __init__(self, kind: str, stamp: Callable[[], Iterable[str | bytes]], limit: int = 50_000) -> None:
        self._kind, self._stamp, self._limit = kind, stamp, limit
        self._key: str | None = None
        self._rows: dict[object, object] | None = None
        self._added = 0
        self._saved_at_exit = False

    def get(self, key: object) -> object:
        """The stored answer, or `StoredTable.MISSING`."""
        return self._table().get(key, self.MISSING)

    def put(self, key: object, value: object) -> None:
        rows = self._table()
        if len(rows) >= self._limit:
            rows.clear()
        rows[key] = value
        self._added += 1

    def save(self) -> None:
        """Write the table back when this process added to it (another process's additions are merged in)."""
        if not self._added or self._rows is None or self._key is None:
            return
        on_disk = read(self._kind, self._key)
        rows = {**on_disk, **self._rows} if isinstance(on_disk, dict) and len(on_disk) < self._limit else self._rows
        write(self._kind, self._key, rows)
        self._added = 0

    def forget(self) -> None:
        """Start this process afresh (as a new process with no stored table would)."""
        self._rows, self._added = {}, 0

    def reload(self) -> None:
        """Read the stored table again on next use (as a new process would), dropping unsaved answers."""
        self._rows, self._added = None, 0

    def _table(self) -> dict[object, object]:
        if self._rows is None:
            import atexit

            self._key = key_of(self._stamp())
            found = read(self._kind, self._key)
            self._rows = found if isinstance(found, dict) else {}
            if not self._saved_at_exit:
                atexit.register(self.save)
                self._saved_at_exit = True
        return self._rows
