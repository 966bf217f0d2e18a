"""Results worth keeping between runs: parsed data files, fitted constants, the parsed catalog.

Each entry is a pickle in the user cache folder, named by a hash of everything it was computed from (file
contents, package versions, the code that computes it), so a changed input is a new entry and an old one is
never read by mistake. A missing, unreadable or read-only folder only costs speed. The cache holds only what
llmpick itself computed from its own inputs; set LLMPICK_NO_CACHE=1 to bypass it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import ParamSpec, TypeVar

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
NO_CACHE_ENV = "LLMPICK_NO_CACHE"
CACHE_DIR_ENV = "LLMPICK_CACHE_DIR"


def cache_dir() -> Path:
    """$LLMPICK_CACHE_DIR, else the user cache folder (e.g. ~/.cache/llmpick)."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen)
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


KEEP = 8  # entries of one kind kept by default: an upgrade or an edited input leaves the old ones unread


def read(kind: str, key: str) -> object | None:
    """The entry, or None when there is none (or it cannot be read). A read marks the entry as recently used."""
    if disabled():
        return None
    path = cache_dir() / f"{kind}-{key}.pickle"
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)
    except Exception:  # missing, truncated or from an incompatible version: recompute
        return None
    with contextlib.suppress(OSError):  # a read-only folder: eviction may then take a used entry first
        os.utime(path)
    return found  # type: ignore[no-any-return]


def write(kind: str, key: str, value: object, *, keep: int = KEEP) -> None:
    """Store an entry atomically (a reader never sees half a file), then delete the least recently used entries
    of its kind beyond `keep`."""
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
        return  # a read-only folder, or a value that cannot be pickled: only speed is lost
    evict(kind, keep)


def evict(kind: str, keep: int) -> None:
    """Delete the least recently used entries of `kind` beyond `keep` (written or read last: the newest mtime)."""
    try:
        entries = sorted(cache_dir().glob(f"{kind}-*.pickle"), key=lambda f: f.stat().st_mtime_ns)
        for old in entries[: max(0, len(entries) - keep)]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or vanished folder: only disk space is lost


def memo(
    kind: str, parts: Iterable[str | bytes], compute: Callable[[], T], check: type | None = None, *, keep: int = KEEP
) -> T:
    """`compute()`, or its stored result for the same inputs. `check`: the type the stored value must have;
    `keep`: how many entries of this kind to keep (one per input is stored)."""
    key = key_of(parts)
    found = read(kind, key)
    if found is not None and (check is None or isinstance(found, check)):
        return found  # type: ignore[return-value]
    value = compute()
    write(kind, key, value, keep=keep)
    return value


def files_stamp(folder: Path, pattern: str) -> list[bytes]:
    """The contents of the files under `folder` matching `pattern` (recursively), in path order."""
    return [f.read_bytes() for f in sorted(Path(folder).rglob(pattern))]


def installed_stamp(package: str) -> str:
    """The size and time of every module of an installed package, read without importing it or importlib.metadata
    (a twentieth of a second at start-up): a new release, or an edited source tree, is a new stamp."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"{package}: not installed"
    modules = sorted(Path(spec.origin).parent.glob("*.py"))
    return ";".join(f"{m.name}:{s.st_size}:{s.st_mtime_ns}" for m in modules for s in [m.stat()])


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
    """A pure function's answers kept between runs, in shards: a shard is read on first use and written back at
    exit when this process added to it.

    For answers that are cheap to keep and costly to recompute in every new process (sizing a thousand routes
    takes longer than starting Python). `stamp` names everything the answers depend on, as for `memo`. A shard
    holds the answers for one shape of question (a profile's workload sizes), so a run reads only what it can
    use; the least recently used shards beyond `keep` are deleted, and a shard is emptied at `limit` entries.
    """

    MISSING = object()

    def __init__(
        self, kind: str, stamp: Callable[[], Iterable[str | bytes]], *, limit: int = 20_000, keep: int = 32
    ) -> None:
        self._kind, self._stamp, self._limit, self._keep = kind, stamp, limit, keep
        self._stamp_parts: list[str | bytes] | None = None
        self._shards: dict[Hashable, dict[object, object]] = {}
        self._added: set[Hashable] = set()
        self._saved_at_exit = False
        self._from_disk = True  # False after `forget`: a shard asked later starts empty too

    def get(self, shard: Hashable, key: object) -> object:
        """The stored answer, or `StoredTable.MISSING`."""
        return self._shard(shard).get(key, self.MISSING)

    def put(self, shard: Hashable, key: object, value: object) -> None:
        rows = self._shard(shard)
        if len(rows) >= self._limit:
            rows.clear()
        rows[key] = value
        self._added.add(shard)

    def save(self) -> None:
        """Write back the shards this process added to (another process's additions are merged in)."""
        for shard in sorted(self._added, key=repr):
            key = self._key(shard)
            on_disk = read(self._kind, key)
            rows = self._shards[shard]
            if isinstance(on_disk, dict) and len(on_disk) + len(rows) <= self._limit:
                rows = {**on_disk, **rows}
            write(self._kind, key, rows, keep=self._keep)
        self._added.clear()

    def forget(self) -> None:
        """Start this process afresh, as a new process with nothing stored would (benchmarks)."""
        self._shards.clear()
        self._added.clear()
        self._from_disk = False

    def reload(self) -> None:
        """Read the stored shards again on next use (as a new process would), dropping unsaved answers."""
        self._shards.clear()
        self._added.clear()
        self._from_disk = True

    def remembers(self, shape: tuple[str, ...]) -> Callable[[Callable[P, R]], Callable[P, R]]:
        """Decorate a pure function whose `shape` arguments (keywords; a default applies when one is not given)
        name the shard: its answers are kept here. The other arguments, with the keywords in name order, are the
        key."""

        def decorate(func: Callable[P, R]) -> Callable[P, R]:
            import inspect

            defaults = {name: inspect.signature(func).parameters[name].default for name in shape}

            @functools.wraps(func)
            def remembered(*args: P.args, **kwargs: P.kwargs) -> R:
                shard = tuple(kwargs.get(name, defaults[name]) for name in shape)
                key = (args, tuple(sorted((k, v) for k, v in kwargs.items() if k not in shape)))
                found = self.get(shard, key)
                if found is not self.MISSING:
                    return found  # type: ignore[return-value]
                value = func(*args, **kwargs)
                self.put(shard, key, value)
                return value

            return remembered

        return decorate

    def _key(self, shard: Hashable) -> str:
        if self._stamp_parts is None:
            self._stamp_parts = list(self._stamp())
        return key_of([*self._stamp_parts, repr(shard)])

    def _shard(self, shard: Hashable) -> dict[object, object]:
        rows = self._shards.get(shard)
        if rows is None:
            found = read(self._kind, self._key(shard)) if self._from_disk else None
            rows = self._shards[shard] = found if isinstance(found, dict) else {}
            if not self._saved_at_exit:
                import atexit

                atexit.register(self.save)
                self._saved_at_exit = True
        return rows
