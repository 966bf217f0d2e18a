"""What every command shares: error reporting (exit code 2), output files written whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer

from llmpick.errors import LlmpickError, ProfileError

if TYPE_CHECKING:
    from rich.console import Console

    from llmpick.catalog.catalog import Catalog

P = ParamSpec("P")
R = TypeVar("R")

BAD_INPUT = 2


class _ErrConsole:
    """stderr's rich console, made on first use: a command that prints JSON and succeeds never imports rich."""

    _console: Console | None = None

    def print(self, *objects: Any, **options: Any) -> None:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False)
        self._console.print(*objects, **options)


err_console = _ErrConsole()


def escape(text: str) -> str:
    """Text shown as it is in rich markup (rich imported only when a message is printed)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


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
        raise fail(
            f"this command needs the '{extra}' extra ({', '.join(missing)} missing): pip install 'llmpick[{extra}]'"
        )


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


STALE_AFTER_DAYS = 30

# One `--catalog` option for every command that reads the catalog (repeatable; applied after the refresh overlay
# and $LLMPICK_CATALOG).
CATALOG_HELP = "Catalog override file(s) (YAML), applied on top of the built-in catalog and the refresh overlay."


CATALOG_OPTION: Any = typer.Option([], "--catalog", help=CATALOG_HELP)


def active_catalog(overrides: list[Path] | None = None, *, today: date | None = None) -> Catalog:
    """The active catalog (built-in + refresh overlay + $LLMPICK_CATALOG + --catalog), with a warning on stderr
    when its data is older than 30 days."""
    from llmpick.catalog.loader import load_active_catalog

    catalog = load_active_catalog(overrides or None)
    warn_if_stale(catalog, today=today)
    return catalog


def warn_if_stale(catalog: Catalog, *, today: date | None = None) -> None:
    age = ((today or date.today()) - catalog.as_of).days
    if age > STALE_AFTER_DAYS:
        err_console.print(
            f"[yellow]warning:[/] catalog {escape(catalog.version)} is {age} days old (as of {catalog.as_of}); "
            "prices and models may have changed — run `llmpick catalog refresh`",
            soft_wrap=True,
        )


AS_OF_HELP = "Evaluate lifecycle and prices on this date (YYYY-MM-DD; default: today). Same date, same answer."
AS_OF_OPTION: Any = typer.Option(None, "--as-of", help=AS_OF_HELP, metavar="DATE")


def parse_as_of(value: str | None) -> date | None:
    """--as-of: a YYYY-MM-DD date, or None for today; exit 2 naming the option otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of: {value!r} is not a date (use YYYY-MM-DD, e.g. 2026-12-02)") from None
