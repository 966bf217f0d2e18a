"""Entry point: assembles the command groups. Each module adds its own commands.

`app` holds every command (the tests and the generated docs use it). The `llmpick` command itself runs `run()`,
which imports only the module of the command it was asked for: the engine, the web server and the eval SDKs
take a second to import together, and `llmpick recommend` needs none but the engine.
"""

from __future__ import annotations

import gc
import importlib
import sys
from types import ModuleType

import typer

# Which module registers each top-level command (kept in step with the modules by tests/test_cli.py).
COMMAND_MODULES: dict[str, str] = {
    "recommend": "recommend",
    "validate": "profile",
    "init": "profile",
    "presets": "profile",
    "catalog": "catalog",
    "estimate": "sizing",
    "fit": "sizing",
    "cost": "sizing",
    "finetune": "sizing",
    "decisions": "decisions",
    "serve": "web",
    "eval": "evaluate",
    "deploy": "deploy",
    "plan": "plan",
}


def _version(value: bool) -> None:
    if value:
        from llmpick import __version__

        typer.echo(f"llmpick {__version__}")
        raise typer.Exit()


def build_app(modules: list[str] | None = None) -> typer.Typer:
    """The command-line app with the given command modules registered (all of them by default)."""
    app = typer.Typer(
        name="llmpick",
        help="Choose the right LLM: openness, task, precision and deployment — sourced, costed, explained.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def root(
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
    ) -> None:
        """llmpick: an LLM decision advisor."""

    for name in modules if modules is not None else list(dict.fromkeys(COMMAND_MODULES.values())):
        module: ModuleType = importlib.import_module(f"llmpick.cli.{name}")
        module.register(app)
    return app


def run(argv: list[str] | None = None) -> None:
    """`llmpick …`: the app with just the asked command's module, or every module for help and unknown names."""
    args = sys.argv[1:] if argv is None else argv
    module = COMMAND_MODULES.get(args[0]) if args else None
    if module not in LONG_RUNNING:
        # A one-shot command holds the catalog (a hundred thousand objects) until it exits: the cycle collector
        # would walk it again and again for garbage the exit frees anyway.
        gc.disable()
    build_app([module] if module else None)(args=args, prog_name="llmpick")


LONG_RUNNING = {"web", "evaluate"}  # a server, and eval runs of many calls: they keep collecting


_FULL: list[typer.Typer] = []


def __getattr__(name: str) -> typer.Typer:
    """`llmpick.cli.main.app`, every command registered, built on first use (importing this module stays cheap)."""
    if name != "app":
        raise AttributeError(name)
    if not _FULL:
        _FULL.append(build_app())
    return _FULL[0]
