"""`llmpick decisions list|show|delete|rerun`: the decision records, from the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from llmpick.cli.common import CATALOG_OPTION, OutputFormat, active_catalog, reports_errors, require_extra, write_output
from llmpick.render.text import money

decisions_app = typer.Typer(
    help="Saved decisions: list, show, delete, re-run against the current catalog.", no_args_is_help=True
)
DB_HELP = "Decision database URL (default: $LLMPICK_DB, else SQLite in the user data folder)."


def register(app: typer.Typer) -> None:
    app.add_typer(decisions_app, name="decisions")


def _store(db: str | None):  # type: ignore[no-untyped-def]
    require_extra("web", "sqlalchemy")
    from llmpick.store.decisions import DecisionStore

    return DecisionStore.open(db)


@decisions_app.command("list")
@reports_errors
def list_command(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
) -> None:
    """Decisions, newest first."""
    items = _store(db).list(limit=limit)
    if output_format is OutputFormat.JSON:
        write_output(json.dumps([i.to_json_dict() for i in items], indent=2, ensure_ascii=False), None)
        return
    table = Table(title=f"{len(items)} decision(s)")
    table.add_column("id", no_wrap=True)
    for col in ("when (UTC)", "name", "best route", "monthly", "catalog"):
        table.add_column(col, overflow="fold")
    for d in items:
        table.add_row(
            d.id,
            d.created_at,
            d.name,
            d.best_route or "—",
            money(d.monthly_cost_usd),
            f"{d.catalog_version} ({d.catalog_as_of})",
        )
    Console().print(table)


@decisions_app.command("show")
@reports_errors
def show_command(
    decision_id: str = typer.Argument(..., metavar="ID"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
) -> None:
    """One decision: its profile and its recommendation."""
    decision = _store(db).get(decision_id)
    if output_format is OutputFormat.JSON:
        write_output(json.dumps(decision.to_json_dict(), indent=2, ensure_ascii=False), None)
        return
    from llmpick.render.terminal import render_terminal

    console = Console()
    console.print(
        f"[bold]{decision.name}[/] — decision {decision.id}, {decision.created_at}, catalog {decision.catalog_version}",
        markup=True,
        highlight=False,
    )
    render_terminal(decision.recommendation(), console)


@decisions_app.command("delete")
@reports_errors
def delete_command(
    decision_id: str = typer.Argument(..., metavar="ID"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Delete a decision."""
    _store(db).delete(decision_id)
    Console(stderr=True).print(f"deleted decision {decision_id}")


@decisions_app.command("rerun")
@reports_errors
def rerun_command(
    decision_id: str = typer.Argument(..., metavar="ID"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    save: bool = typer.Option(False, "--save", help="Keep the new result as a new decision."),
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Run a decision's profile against the current catalog and show what changed."""
    store = _store(db)
    rec, diff = store.rerun(decision_id, active_catalog(catalog_files))
    saved = store.save(store.get(decision_id).profile(), rec) if save else None
    if output_format is OutputFormat.JSON:
        doc = {"recommendation": rec.to_json_dict(), "diff": diff.model_dump(mode="json"), "saved_as": saved}
        write_output(json.dumps(doc, indent=2, ensure_ascii=False), None)
        return
    console = Console()
    console.print(f"[bold]What changed[/] (catalog {diff.old_catalog} → {diff.new_catalog}):", highlight=False)
    for line in diff.summary:
        console.print(f"  - {line}", markup=False, highlight=False)
    if saved:
        console.print(f"saved the new result as decision {saved}")
