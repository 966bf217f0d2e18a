"""`llmpick catalog quality`: every model's quality rating per task, with the figures behind it."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from llmpick.catalog.catalog import Catalog
from llmpick.cli.common import CATALOG_OPTION, OutputFormat, active_catalog, fail, reports_errors, write_output
from llmpick.quality import TASKS, Rating, main_task, rate
from llmpick.render.columns import Column, width_table


def register(catalog_app: typer.Typer) -> None:
    catalog_app.command("quality")(reports_errors(quality))


def quality(
    task: str | None = typer.Option(None, "--task", "-t", help=f"Only this task: {', '.join(TASKS)}."),
    active_only: bool = typer.Option(False, "--active", help="Leave out retired models."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Quality per model and task: score (0-1 within the task), tier, rated, confidence and basis."""
    if task is not None and task not in TASKS:
        raise fail(f"--task: {task!r} is not a task with a quality index; allowed: {', '.join(TASKS)}")
    from llmpick.engine.policy import load_policy
    from llmpick.engine.quality import tier_cuts

    catalog = active_catalog(catalog_files)
    policy = load_policy()
    ratings: list[Rating] = []
    for model in sorted(catalog.models.values(), key=lambda m: m.id):
        if active_only and model.release.status.value == "retired":
            continue
        tasks = [t.value for t in model.tasks if t.value in TASKS]
        for name in tasks if task is None else [task] if task in tasks else []:
            ratings.append(rate(model, name, catalog, tier_cuts(policy, name, catalog)))
    if output_format is OutputFormat.JSON:
        write_output(json.dumps([r.as_dict() for r in ratings], indent=2), None)
        return
    rated = sum(r.rated for r in ratings)
    rows = [
        [r.model, r.task, "" if r.score is None else f"{r.score:.3f}", r.tier or "unrated", r.confidence, _basis(r)]
        for r in sorted(ratings, key=lambda r: (r.task, -(r.score or -1.0), r.model))
    ]
    console = Console()
    title = f"{len(ratings)} ratings, {rated} measured (catalog {catalog.version})"
    console.print(width_table(QUALITY_COLUMNS, rows, width=console.width, title=title))


QUALITY_COLUMNS = [  # ids are never cut; the basis gives way first (--format json has every figure)
    Column("model", keep=10),
    Column("task", keep=6),
    Column("score", keep=8, justify="right"),
    Column("tier", keep=9),
    Column("confidence", keep=3),
    Column("basis", keep=5, shrink_to=12),
]


def _basis(r: Rating) -> str:
    """One line: the newest figure, how many more, or why there is none."""
    if not r.basis:
        return r.summary
    newest = max(r.basis, key=lambda b: b["as_of"] or "")
    head = f"{newest['benchmark']} {newest['value']:g} ({newest['as_of']})"
    more = f" +{len(r.basis) - 1} more" if len(r.basis) > 1 else ""
    return ("estimated from " + str(newest.get("model")) + ": " if r.estimated else "") + head + more


SHOWN_CHANGES = 30


def rating_changes(before: Catalog, after: Catalog) -> list[str]:
    """Models whose rating for their main task moved between two catalogs (rated or not, or the tier): what a
    refresh that adds leaderboards changes in the advice."""
    from llmpick.engine.policy import load_policy
    from llmpick.engine.quality import rate as engine_rate

    if not before.leaderboards and not after.leaderboards:
        return []
    policy = load_policy()
    changes = []
    for model_id in sorted(set(before.models) & set(after.models)):
        old = engine_rate(before.models[model_id], policy, before)
        new = engine_rate(after.models[model_id], policy, after)
        if (old.rated, old.tier) != (new.rated, new.tier):
            task = main_task(after.models[model_id])
            was = old.tier if old.rated else f"{old.tier} (estimated)" if old.tier else "unrated"
            now = new.tier if new.rated else f"{new.tier} (estimated)" if new.tier else "unrated"
            changes.append(f"{model_id} ({task}): {was} → {now}")
    if not changes:
        return ["quality ratings: no model's rating or tier changed"]
    more = f" (first {SHOWN_CHANGES} shown)" if len(changes) > SHOWN_CHANGES else ""
    return [f"quality ratings changed ({len(changes)}){more}:", *[f"  {c}" for c in changes[:SHOWN_CHANGES]]]
