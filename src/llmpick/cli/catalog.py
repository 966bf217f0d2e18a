"""`llmpick catalog list|show|compare`: browse the sourced facts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Openness, Task
from llmpick.catalog.views import model_detail, model_summary
from llmpick.cli import quality as quality_cli
from llmpick.cli.common import (
    CATALOG_OPTION,
    OutputFormat,
    active_catalog,
    err_console,
    fail,
    reports_errors,
    write_output,
)
from llmpick.render.columns import Column, width_table

MODEL_COLUMNS = [  # ids are never cut (they are what you type); the rest give way at narrow widths
    Column("id", keep=10),
    Column("openness", keep=8),
    Column("licence", keep=4, shrink_to=12),
    Column("tasks", keep=6, shrink_to=10),
    Column("params (B)", keep=7, justify="right", shrink_to=10),
    Column("context", keep=5, justify="right"),
    Column("released", keep=2),
    Column("status", keep=3),
]

catalog_app = typer.Typer(help="Browse the catalog: models, their facts and their sources.", no_args_is_help=True)
quality_cli.register(catalog_app)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")


@catalog_app.command("list")
@reports_errors
def list_models(
    openness: Openness | None = typer.Option(None, help="open-source, open-weight or proprietary."),
    task: Task | None = typer.Option(None, help="Only models that do this task."),
    commercial: bool = typer.Option(False, "--commercial", help="Only licences that allow commercial use."),
    provider: str | None = typer.Option(None, help="Only models this provider serves (provider id)."),
    max_price: float | None = typer.Option(None, "--max-price", min=0, help="Max output price, $ per million tokens."),
    min_context: int | None = typer.Option(None, "--min-context", min=1, help="Min context window, tokens."),
    active_only: bool = typer.Option(False, "--active", help="Leave out retired models."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """List models, filtered."""
    catalog = active_catalog(catalog_files)
    if provider is not None:
        catalog.provider(provider)  # unknown id → clear error
    models = catalog.filter_models(
        openness=openness,
        task=task,
        commercial_use=True if commercial else None,
        provider=provider,
        max_output_price=max_price,
        min_context=min_context,
        include_retired=not active_only,
    )
    if output_format is OutputFormat.JSON:
        write_output(json.dumps([model_summary(m, catalog) for m in models], indent=2), None)
        return
    rows = []
    for m in models:
        s = model_summary(m, catalog)
        params = (
            ""
            if s["params_b"] is None
            else f"{s['params_b']:g}"
            + (
                f" ({s['active_params_b']:g} active)"
                if s["active_params_b"] and s["active_params_b"] != s["params_b"]
                else ""
            )
        )
        context = f"{s['context_window']:,}" if s["context_window"] else ""
        rows.append(
            [
                m.id,
                s["openness"],
                s["license"],
                ", ".join(s["tasks"]),
                params,
                context,
                s["release_date"] or "",
                s["status"],
            ]
        )
    console = Console()
    table = width_table(
        MODEL_COLUMNS,
        rows,
        width=console.width,
        title=f"{len(models)} models (catalog {catalog.version}, as of {catalog.as_of})",
    )
    console.print(table)


@catalog_app.command("show")
@reports_errors
def show_model(
    model_id: str = typer.Argument(..., metavar="ID"),
    at: str | None = typer.Option(
        None, "--at", metavar="YYYY-MM-DD", help="Day for status and prices (default: today)."
    ),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Every fact about one model, with its source and as-of date; each offering's status and price on a day."""
    catalog = active_catalog(catalog_files)
    model = catalog.model(model_id)
    detail = model_detail(model, catalog, _day(at))
    if output_format is OutputFormat.JSON:
        write_output(json.dumps(detail, indent=2), None)
        return
    console = Console()
    console.print(
        f"[bold]{model.name}[/] ({model.id}) — {model.openness.value}, {model.vendor}; "
        f"{detail['status_at']} on {detail['at']} (catalog {catalog.version}, as of {catalog.as_of})"
    )
    table = Table(show_header=True)
    for col in ("fact group", "facts", "source", "as of"):
        table.add_column(col, overflow="fold")
    for group_name in ("release", "components", "license", "parameters", "architecture", "capabilities", "fine_tuning"):
        group = getattr(model, group_name)
        if group is None:
            table.add_row(group_name, "[dim]unknown[/]", "", "")
            continue
        facts = {k: v for k, v in group.model_dump(mode="json").items() if k != "source" and v not in (None, [], "")}
        src = model.sources[group.source]
        table.add_row(group_name, ", ".join(f"{k}={v}" for k, v in facts.items()), src.url, src.as_of.isoformat())
    for q in model.quality:
        src = model.sources[q.source]
        table.add_row(
            "quality",
            f"{q.benchmark.value}={q.score:g}" + (f" ({q.detail})" if q.detail else ""),
            src.url,
            src.as_of.isoformat(),
        )
    console.print(table)
    if detail["offerings"]:
        offers = Table(title=f"Where to get it, on {detail['at']}")
        for col in ("provider", "api id", "status", "$ in / out per M tokens", "other price", "speed", "price source"):
            offers.add_column(col, overflow="fold")
        for o in detail["offerings"]:
            p = o["price"] or {}
            tokens = (
                f"{p.get('input_per_mtok', '?')} / {p.get('output_per_mtok', '?')}"
                if "input_per_mtok" in p or "output_per_mtok" in p
                else ""
            )
            other = ", ".join(f"{k}={p[k]}" for k in ("per_audio_minute", "per_million_chars", "per_image") if k in p)
            sp = o["speed"] or {}
            life = o["lifecycle"]
            verb = "since" if life["status"] == "retired" else "shuts down"
            status = life["status"] + (f", {verb} {life['shutdown_on']}" if life["shutdown_on"] else "")
            notes = [c["description"] for c in o["upcoming_price_changes"]]
            notes += ["price rises with prompt length"] if p.get("tiered") else []
            notes += [p["time_of_day"]] if p.get("time_of_day") else []
            offers.add_row(
                o["provider"],
                o["api_model_id"],
                status,
                tokens + "".join(f"\n[dim]{n}[/]" for n in notes),
                other,
                f"{sp.get('output_tokens_per_s') or ''}",
                p.get("source", "[dim]no price known[/]"),
            )
        console.print(offers)


@catalog_app.command("compare")
@reports_errors
def compare_models(
    model_ids: list[str] = typer.Argument(..., metavar="ID ID…"),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Compare 2–4 models side by side."""
    if not 2 <= len(model_ids) <= 4:
        raise fail(f"compare takes 2 to 4 model ids; got {len(model_ids)}")
    catalog = active_catalog(catalog_files)
    rows = [model_summary(catalog.model(i), catalog) for i in model_ids]
    if output_format is OutputFormat.JSON:
        write_output(json.dumps(rows, indent=2), None)
        return
    table = Table(title="Comparison")
    table.add_column("fact")
    for row in rows:
        table.add_column(row["id"], overflow="fold")
    for key in (
        "name",
        "vendor",
        "openness",
        "license",
        "commercial_use",
        "tasks",
        "params_b",
        "active_params_b",
        "context_window",
        "release_date",
        "status",
        "successor",
        "providers",
    ):
        table.add_row(
            key,
            *[
                ", ".join(map(str, r[key])) if isinstance(r[key], list) else str(r[key] if r[key] is not None else "—")
                for r in rows
            ],
        )
    Console().print(table)


def _day(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--at {text!r}: expected a date YYYY-MM-DD") from None


@catalog_app.command("refresh")
@reports_errors
def refresh_catalog(
    from_dir: Path = typer.Option(
        ...,
        "--from",
        help=(
            "Folder of source files: models.dev.json, openrouter-models.json, hf/<org>/<repo>/config.json, and "
            "leaderboards.yaml listing leaderboard files for the quality index (docs/quality.md)."
        ),
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Overlay to write (default: the user overlay the commands load)."
    ),
    only: list[str] = typer.Option([], "--only", help="Run only these importers (repeatable)."),
    as_of: str | None = typer.Option(
        None, "--as-of", metavar="YYYY-MM-DD", help="Date of the refresh (default: today)."
    ),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Run the importers (genai-prices, models.dev, OpenRouter, HF configs) and write a dated overlay; print a diff."""
    from llmpick.catalog.loader import _load_cached, builtin_data_dir, load_active_catalog, user_overlay_path
    from llmpick.catalog.refresh import diff, overlay_data, run_importers, write_overlay
    from llmpick.quality import refresh as _leaderboards  # noqa: F401  (registers the leaderboards importer)

    if not from_dir.is_dir():
        raise fail(f"--from {from_dir}: not a folder")
    today = _day(as_of)
    target = out or user_overlay_path()
    others = [p for p in catalog_files if p.resolve() != target.resolve()]
    before = load_active_catalog(others or None)
    base = _load_cached(builtin_data_dir(), tuple(others))  # without the old overlay: imported records are rebuilt
    ctx = run_importers(base, from_dir, today, only=only or None)
    write_overlay(overlay_data(base, ctx, today), target)
    after = _load_cached(builtin_data_dir(), (target, *others))
    for line in ctx.log:
        err_console.print(f"[dim]{line}[/]", soft_wrap=True)
    err_console.print(f"wrote {target}")
    for line in diff(before, after, today).lines() + quality_cli.rating_changes(before, after):
        typer.echo(line)


@catalog_app.command("diff")
@reports_errors
def diff_catalogs(
    old: str = typer.Argument(..., metavar="OLD", help="Override file, or 'builtin'."),
    new: str = typer.Argument(..., metavar="NEW", help="Override file, or 'builtin'."),
    at: str | None = typer.Option(None, "--at", metavar="YYYY-MM-DD", help="Day for status (default: today)."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
) -> None:
    """What changed between two catalogs (each the built-in catalog plus an override file)."""
    from llmpick.catalog.loader import _load_cached, builtin_data_dir
    from llmpick.catalog.refresh import diff

    def load(name: str) -> Catalog:
        return _load_cached(builtin_data_dir(), () if name == "builtin" else (Path(name),))

    result = diff(load(old), load(new), _day(at))
    if output_format is OutputFormat.JSON:
        write_output(json.dumps(result.__dict__, indent=2), None)
        return
    for line in result.lines():
        typer.echo(line)
