"""What every command shares: error reporting (exit code 2), output files written whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from llmpick.errors import LlmpickError, ProfileError

P = ParamSpec("P")
R = TypeVar("R")

BAD_INPUT = 2
err_console = Console(stderr=True, highlight=False)


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"


def fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(BAD_INPUT)


def require_extra(extra: str, *modules: str) -> None:
    """Stop with a clear message (exit 2) when an optional extra's packages are not installed."""
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise fail(f"this command needs the '{extra}' extra ({', '.join(missing)} missing): pip install 'llmpick[{extra}]'")


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn llmpick's own errors into a clear message on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ProfileError as exc:
            err_console.print(f"[bold red]error:[/] {escape(exc.source)} is not a valid profile:", soft_wrap=True)
            for problem in exc.problems:
                err_console.print(f"  - {problem}", soft_wrap=True, markup=False)
            raise typer.Exit(BAD_INPUT) from None
        except LlmpickError as exc:
            raise fail(str(exc)) from None

    return wrapper


def write_output(text: str, output: Path | None) -> None:
    """Print, or write the file atomically: a failure never leaves a half-written file."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with _atomic(output) as handle:
        handle.write(text)
    err_console.print(f"wrote {output}")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def _atomic(path: Path) -> Iterator[Any]:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file (0644 under umask 022)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
