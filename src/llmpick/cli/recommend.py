"""`llmpick recommend`: a profile (file or preset) in, the explained recommendation out."""

from __future__ import annotations

import io
from enum import Enum
from pathlib import Path

import typer

from llmpick.cli.common import (
    AS_OF_OPTION,
    CATALOG_OPTION,
    active_catalog,
    err_console,
    fail,
    parse_as_of,
    reports_errors,
    require_extra,
    write_output,
)
from llmpick.engine import recommend as run_engine
from llmpick.engine.result import Recommendation
from llmpick.profile import Profile, check_against_catalog, load_profile
from llmpick.render.markdown import render_markdown


class RecommendFormat(str, Enum):
    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"


def register(app: typer.Typer) -> None:
    app.command("recommend")(recommend_command)


@reports_errors
def recommend_command(
    profile_path: Path | None = typer.Argument(None, metavar="PROFILE", help="Requirements profile (YAML)."),
    preset: str | None = typer.Option(None, "--preset", help="Run a built-in preset instead (see `llmpick presets`)."),
    top: int = typer.Option(5, "--top", min=1, max=50, help="How many ranked routes to show."),
    output_format: RecommendFormat = typer.Option(RecommendFormat.TABLE, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
    catalog_override: list[Path] = CATALOG_OPTION,
    as_of: str | None = AS_OF_OPTION,
    eval_results: Path | None = typer.Option(
        None, "--eval", help="Results of `llmpick eval`: re-rank with measured figures."
    ),
    save: bool = typer.Option(False, "--save", help="Keep this decision in the decision database."),
    db: str | None = typer.Option(
        None, "--db", help="Decision database URL (default: SQLite in the user data folder)."
    ),
) -> None:
    """Recommend openness, precision strategy, deployment and ranked, costed routes for a profile."""
    profile = _resolve_profile(profile_path, preset)
    day = parse_as_of(as_of)
    catalog = active_catalog(catalog_override)
    check_against_catalog(profile, catalog.hardware, str(profile_path or f"preset {preset}"))
    rec = run_engine(profile, catalog, top=top, as_of=day)
    if eval_results is not None:
        require_extra("eval", "sqlalchemy")
        from llmpick.eval.rerank import apply_eval, load_results

        rec = apply_eval(rec, load_results(eval_results), profile)
    if save:
        require_extra("web", "sqlalchemy")
        from llmpick.store.decisions import save_decision

        decision_id = save_decision(profile, rec, db_url=db)
        err_console.print(f"saved decision {decision_id}")
    _emit(rec, profile, output_format, output)


def _resolve_profile(path: Path | None, preset: str | None) -> Profile:
    if (path is None) == (preset is None):
        raise fail("give a PROFILE file or --preset NAME (one of them)")
    if preset is not None:
        from llmpick.presets import load_preset

        return load_preset(preset)
    assert path is not None
    return load_profile(path)


def _emit(rec: Recommendation, profile: Profile, output_format: RecommendFormat, output: Path | None) -> None:
    if output_format is RecommendFormat.JSON:
        write_output(rec.to_json(indent=2), output)
    elif output_format is RecommendFormat.MARKDOWN:
        write_output(render_markdown(rec), output)
    elif output_format is RecommendFormat.HTML:
        from llmpick.render.html import render_html

        write_output(render_html(rec, profile), output)
    else:  # the terminal table: rich is imported for it alone
        from rich.console import Console

        from llmpick.render.terminal import render_terminal

        if output is not None:
            console = Console(record=True, width=120, file=io.StringIO())
            render_terminal(rec, console)
            write_output(console.export_text(), output)
        else:
            render_terminal(rec, Console())
