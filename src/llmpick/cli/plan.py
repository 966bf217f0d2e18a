"""`llmpick plan MODEL`: which hardware runs a model at a target speed, what it costs, and what to add."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.cli.common import OutputFormat, reports_errors, write_output
from llmpick.errors import EstimateError
from llmpick.sizing.ids import normalize_quant
from llmpick.sizing.plan import Plan, PlanOption, plan
from llmpick.sizing.specs import ModelSpec

console = Console(highlight=False)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_cmd)


@reports_errors
def plan_cmd(
    model: str = typer.Argument(..., metavar="MODEL", help="Catalog model id."),
    context: int = typer.Option(4096, "--context", "-c", help="Tokens per sequence (prompt + reply)."),
    quantization: str | None = typer.Option(
        None, "--quantization", "-q", help="Weight format (default: the best that fits)."
    ),
    target_tps: float = typer.Option(10.0, "--target-tps", help="Decode tokens/s each sequence must reach."),
    concurrency: int = typer.Option(1, "--concurrency", help="Sequences served at once."),
    top: int = typer.Option(5, "--top", help="Options shown per list."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Which catalog hardware (and how many) runs MODEL at the target speed — to buy or to rent — with upgrade steps."""
    catalog = load_builtin_catalog()
    spec = ModelSpec.from_model(catalog.model(model))
    if spec is None:
        raise EstimateError(f"MODEL: {model} has no published parameter count (its weights are not public)")
    result = plan(
        spec,
        catalog.hardware.values(),
        context=context,
        target_tps=target_tps,
        concurrency=concurrency,
        quantization=normalize_quant(quantization) if quantization else None,
    )
    if output_format is OutputFormat.JSON:
        write_output(json.dumps(_json(result, top), indent=2, ensure_ascii=False), output)
        return
    _print(result, top)


def _row(o: PlanOption) -> dict[str, Any]:
    return {
        "hardware": o.hardware_id,
        "count": o.count,
        "quantization": o.estimate.quantization,
        "runtime": o.estimate.runtime,
        "decode_tokens_per_s": round(o.per_user_tps, 1),
        "throughput_tokens_per_s": round(o.estimate.throughput_tokens_per_s, 1),
        "memory_gb": round(o.estimate.memory_gb, 1),
        "purchase_usd": o.purchase_usd,
        "rent_usd_per_hour": round(o.rent_usd_per_hour, 2) if o.rent_usd_per_hour is not None else None,
    }


def _json(result: Plan, top: int) -> dict[str, Any]:
    return {
        "model": result.model,
        "target_tokens_per_s": result.target_tps,
        "concurrency": result.concurrency,
        "context": result.context,
        "local": [_row(o) for o in result.local[:top]],
        "rented": [_row(o) for o in result.rented[:top]],
        "upgrades": result.upgrades,
        "basis": result.basis,
    }


def _print(result: Plan, top: int) -> None:
    for title, options, price in (("to buy", result.local, "purchase"), ("to rent", result.rented, "rent")):
        table = Table(
            title=f"{result.model}: {result.concurrency} × {result.context:,} tokens at ≥ {result.target_tps:g} "
            f"tokens/s — {title}"
        )
        for col in ("hardware", "format", "tok/s", "GB", "cost"):
            table.add_column(col, justify="right" if col in ("tok/s", "GB", "cost") else "left")
        for o in options[:top]:
            cost = f"${o.purchase_usd:,.0f}" if price == "purchase" else f"${o.rent_usd_per_hour:,.2f}/h"
            table.add_row(
                o.label,
                o.estimate.quantization.removeprefix("gguf-"),
                f"{o.per_user_tps:.1f}",
                f"{o.estimate.memory_gb:.1f}",
                cost,
            )
        console.print(table)
        if not options:
            console.print(f"  nothing in the catalog {title} meets the target")
    if result.upgrades:
        console.print("[bold]upgrade steps[/]")
        for line in result.upgrades:
            console.print(f"  - {line}", markup=False)
    console.print("[bold]basis[/]")
    for line in result.basis:
        console.print(f"  - {line}", markup=False)
