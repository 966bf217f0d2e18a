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
