"""Entry point: assembles the command groups. Each module adds its own commands."""

from __future__ import annotations

import typer

from llmpick import __version__
from llmpick.cli import catalog, decisions, deploy, evaluate, profile, recommend, sizing, web
from llmpick.cli import plan as plan_cli

app = typer.Typer(
    name="llmpick",
    help="Choose the right LLM: openness, task, precision and deployment — sourced, costed, explained.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"llmpick {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """llmpick: an LLM decision advisor."""


# Each command group lives in its own module; heavy dependencies (web server, SDKs) load inside the commands.
for module in (recommend, profile, catalog, sizing, decisions, web, evaluate, deploy):
    module.register(app)
plan_cli.register(app)  # `llmpick plan MODEL`
