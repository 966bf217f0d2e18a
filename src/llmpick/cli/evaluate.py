"""`llmpick eval`: run a prompt suite on a recommendation's routes or on named endpoints, and report."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from llmpick.cli.common import CATALOG_HELP, err_console, fail, reports_errors, require_extra, write_output


class EvalFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    HTML = "html"


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


@reports_errors
def eval_command(
    suite_path: Annotated[Path, typer.Argument(metavar="SUITE", help="Prompt suite YAML (see docs/eval.md).")],
    routes: Annotated[
        Path | None,
        typer.Option("--routes", metavar="RECOMMENDATION.json", help="Routes of `recommend --format json`."),
    ] = None,
    endpoint: Annotated[
        list[str] | None,
        typer.Option("--endpoint", metavar="NAME=URL[#model]", help="OpenAI-compatible or Anthropic API; repeatable."),
    ] = None,
    key_env: Annotated[
        list[str] | None,
        typer.Option("--key-env", metavar="NAME=ENVVAR", help="Variable holding endpoint NAME's API key; repeatable."),
    ] = None,
    local: Annotated[
        list[str] | None,
        typer.Option("--local", metavar="[MODEL=]URL[#served-model]", help="Server for local/self-hosted routes."),
    ] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Evaluate only the first N routes.")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Calls in flight per endpoint.")] = 4,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Run every prompt K times.")] = 1,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds allowed for one answer.")] = 60.0,
    retries: Annotated[int, typer.Option("--retries", min=0, help="Retries on 429, 5xx and unreachable.")] = 3,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Call again even where a call is cached.")] = False,
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="SQLAlchemy URL (default: SQLite beside the suite).")
    ] = None,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="table, json or html.")] = EvalFormat.TABLE,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the report to this file.")] = None,
    profile: Annotated[Path | None, typer.Option("--profile", help="Profile whose volume projects cost.")] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
    catalog_files: Annotated[list[Path] | None, typer.Option("--catalog", help=CATALOG_HELP)] = None,
) -> None:
    """Run the suite's prompts on every route or endpoint and report a prompts × routes matrix."""
    require_extra("eval", "sqlalchemy", "openai", "anthropic")
    from llmpick.eval import endpoints as ep
    from llmpick.eval import report, rerank, runner
    from llmpick.eval.store import Store, default_url
    from llmpick.eval.suite import load_suite

    suite = load_suite(suite_path)
    keys = dict(_pair(k, "--key-env") for k in key_env or [])
    targets: list[ep.Endpoint] = []
    skipped: list[ep.Skipped] = []
    if routes is not None:
        recommendation = _read_recommendation(routes)
        if top is not None:
            recommendation = recommendation.model_copy(update={"recommendations": recommendation.recommendations[:top]})
        try:
            locals_ = [ep.LocalTarget.parse(t) for t in local or []]
        except ValueError as exc:
            raise fail(str(exc)) from None
        found, skipped = ep.endpoints_for_routes(recommendation, _catalog(catalog_files), local=locals_, providers=suite.providers)
        targets += found
    for text in endpoint or []:
        try:
            targets.append(ep.parse_endpoint_option(text, keys))
        except ValueError as exc:
            raise fail(str(exc)) from None
    targets += [ep.from_config(name, config) for name, config in suite.endpoints.items()]
    for s in skipped:
        err_console.print(f"[yellow]skipped[/] {s.route}: {s.reason}", markup=True, soft_wrap=True)
    if not targets:
        raise fail("nothing to evaluate: give --routes RECOMMENDATION.json (with --local for local routes), "
                   "--endpoint NAME=URL[#model], or endpoints: in the suite")
    judge = ep.from_config("(judge)", suite.judge) if suite.judge else None
    volume = _monthly_requests(profile)
    options = runner.RunOptions(concurrency=concurrency, repeat=repeat, timeout_s=timeout, retries=retries,
                                use_cache=not no_cache, progress=not no_progress)
    store = Store(db or default_url(suite_path))
    try:
        extra = {"skipped_routes": [{"route": s.route, "reason": s.reason} for s in skipped]}
        run_id, resumed = runner.execute(suite, targets, store, options, judge, extra)
        if resumed:
            err_console.print(f"resumed run {run_id}: finished cells were kept, not run again")
        results = report.build(store, run_id, volume)
    finally:
        store.close()
    if routes is not None:
        rerank.record_from_results(results)
    if fmt is EvalFormat.JSON:
        write_output(results.to_json(), output)
    elif fmt is EvalFormat.HTML:
        write_output(report.render_html(results), output)
    elif output is not None:
        write_output(report.render_text(results), output)
    else:
        from rich.console import Console

        Console(highlight=False).print(report.render_table(results))


def _pair(text: str, option: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise fail(f"{option} {text!r}: expected NAME=VALUE")
    return name, value


def _read_recommendation(path: Path):  # type: ignore[no-untyped-def]
    import json

    from pydantic import ValidationError

    from llmpick.engine.result import Recommendation

    try:
        return Recommendation.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise fail(f"{path}: file not found") from None
    except (ValueError, ValidationError) as exc:
        raise fail(f"{path}: not a recommendation from `llmpick recommend --format json` ({str(exc)[:300]})") from None


def _catalog(files: list[Path] | None = None):  # type: ignore[no-untyped-def]
    from llmpick.catalog.loader import load_active_catalog
    from llmpick.errors import LlmpickError

    try:
        return load_active_catalog(files or None)
    except LlmpickError as exc:
        err_console.print(f"[yellow]warning:[/] catalog not loaded ({exc}); provider routes cannot be mapped")
        return None


def _monthly_requests(profile: Path | None) -> float | None:
    if profile is None:
        return None
    from llmpick.profile import load_profile

    return load_profile(profile).workload.monthly_requests
