"""Entry point: assembles the command groups. Each module adds its own commands."""

from __future__ import annotations

import typer

from llmpick import __version__
from llmpick.cli import catalog, profile, recommend

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


for module in (recommend, catalog, profile):
    module.register(app)

# Optional command groups register themselves when their modules are present.
for name in ("sizing", "web", "decisions", "evaluate"):
    try:
        module = __import__(f"llmpick.cli.{name}", fromlist=["register"])
    except ModuleNotFoundError as exc:
        if exc.name != f"llmpick.cli.{name}":
            raise
        continue
    module.register(app)
