"""`llmpick eval`: run a prompt suite on a recommendation's routes or on named endpoints, report, and gate.

`llmpick eval SUITE …` runs (the `run` subcommand is the default); `eval runs` lists stored runs,
`eval show RUN` re-renders one, `eval clear-cache` empties the call cache.
Exit codes: 0 done (and the gate passed), 1 the gate failed, 2 bad input.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from llmpick.cli.common import CATALOG_HELP, err_console, fail, reports_errors, require_extra, write_output

GATE_FAILED = 1


class EvalFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    HTML = "html"


class _RunByDefault(TyperGroup):
    """`llmpick eval SUITE …` is `llmpick eval run SUITE …`; the other subcommands keep their names."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(
    cls=_RunByDefault,
    no_args_is_help=True,
    help="Run a prompt suite on routes or endpoints (`llmpick eval SUITE …`), list runs, re-render one.",
)


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")


@eval_app.command("run")
@reports_errors
def eval_command(
    suite_path: Annotated[
        Path, typer.Argument(metavar="SUITE", help="Prompt suite YAML, or a promptfoo config (see docs/eval.md).")
    ],
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
        typer.Option(
            "--local", metavar="MODEL=URL[#served-model]", help="Server of one catalog model's local route; repeatable."
        ),
    ] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Evaluate only the first N routes.")] = None,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", min=1, help="Calls in flight per endpoint [default: 1 local, 4 remote]."),
    ] = None,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Run every prompt K times.")] = 1,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds allowed for one answer.")] = 60.0,
    retries: Annotated[int, typer.Option("--retries", min=0, help="Retries on 429, 5xx and unreachable.")] = 3,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the call cache.")] = False,
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="SQLAlchemy URL (default: SQLite beside the suite).")
    ] = None,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="table, json or html.")] = EvalFormat.TABLE,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the report to this file.")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", metavar="FILE", help="Also write JUnit XML.")] = None,
    fail_under: Annotated[
        str | None,
        typer.Option("--fail-under", metavar="RATE", help="Exit 1 when a route's pass rate is below RATE (0.8, 80%)."),
    ] = None,
    fail_under_check: Annotated[
        list[str] | None,
        typer.Option("--fail-under-check", metavar="TYPE=RATE", help="Exit 1 when one check type passes less."),
    ] = None,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Profile whose request sizes and volume project cost.")
    ] = None,
    record_speed: Annotated[
        bool, typer.Option("--record-speed", help="Record measured decode speed of local routes for sizing.")
    ] = False,
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
    gate = _gate(fail_under, fail_under_check)
    keys = dict(_pair(k, "--key-env") for k in key_env or [])
    targets: list[ep.Endpoint] = []
    skipped: list[ep.Skipped] = []
    locals_: list[ep.LocalTarget] = []
    try:
        locals_ = [ep.LocalTarget.parse(t) for t in local or []]
        if locals_ and routes is None:
            raise ValueError("--local maps a recommendation's local routes: give --routes RECOMMENDATION.json too")
        if routes is not None:
            recommendation = _read_recommendation(routes)
            if top is not None:
                recommendation = recommendation.model_copy(
                    update={"recommendations": recommendation.recommendations[:top]}
                )
            found, skipped = ep.endpoints_for_routes(
                recommendation, _catalog(catalog_files), local=locals_, providers=suite.providers
            )
            targets += found
        if endpoint:
            catalog = _catalog(catalog_files)
            targets += [ep.with_catalog_price(ep.parse_endpoint_option(t, keys), catalog) for t in endpoint]
    except ValueError as exc:
        raise fail(str(exc)) from None
    targets += [ep.from_config(name, config) for name, config in suite.endpoints.items()]
    names = [t.name for t in targets]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise fail(
            f"endpoint name(s) used twice: {', '.join(dupes)} (--endpoint names and the suite's endpoints: must differ)"
        )
    _check_served_models(locals_)
    # A route without a usable credential is not evaluated (never "quality 0"): say so, call nothing.
    usable = []
    for target in targets:
        problem = target.key_problem()
        if problem is None:
            usable.append(target)
        else:
            skipped.append(ep.Skipped(target.name, f"not evaluated: {problem}"))
    for s in skipped:
        err_console.print(f"skipped {s.route}: {s.reason}", markup=False, soft_wrap=True)
    if not usable:
        raise fail(
            "nothing to evaluate: give --routes RECOMMENDATION.json (with --local MODEL=URL for local routes), "
            "--endpoint NAME=URL[#model], or endpoints: in the suite"
            + (" — and set the API keys named above" if skipped else "")
        )
    judge = ep.from_config("(judge)", suite.judge) if suite.judge else None
    if judge is not None and (problem := judge.key_problem()):
        raise fail(f"the judge cannot be called: {problem}")
    workload = _workload(profile)
    options = runner.RunOptions(
        concurrency=concurrency,
        repeat=repeat,
        timeout_s=timeout,
        retries=retries,
        use_cache=not no_cache,
        progress=not no_progress,
    )
    store = Store(db or default_url(suite_path))
    try:
        extra = {"skipped_routes": [{"route": s.route, "reason": s.reason} for s in skipped]}
        try:
            run_id, resumed = runner.execute(suite, usable, store, options, judge, extra)
        except KeyboardInterrupt:
            err_console.print("interrupted: finished cells are stored; run the same command to resume")
            raise typer.Exit(130) from None
        if resumed:
            err_console.print(f"resumed run {run_id}: finished cells were kept, not run again")
        results = report.build(store, run_id, workload)
    finally:
        store.close()
    if record_speed:
        count, refused = rerank.record_from_results(results)
        for line in refused:
            err_console.print(f"warning: {line}", markup=False, soft_wrap=True)
        err_console.print(f"recorded measured decode speed for {count} route(s)")
    _emit(results, fmt, output)
    if junit is not None:
        from llmpick.eval.gate import junit_xml

        write_output(junit_xml(results), junit)
    _apply_gate(results, gate)


@eval_app.command("runs")
@reports_errors
def runs_command(
    suite_path: Annotated[
        Path | None, typer.Argument(metavar="[SUITE]", help="Suite whose database to read (the one beside it).")
    ] = None,
    db: Annotated[str | None, typer.Option("--db", metavar="URL", help="SQLAlchemy URL of the results.")] = None,
) -> None:
    """List stored runs, newest first."""
    require_extra("eval", "sqlalchemy")
    from rich.console import Console
    from rich.table import Table

    store = _open_store(suite_path, db)
    try:
        rows = store.runs()
    finally:
        store.close()
    table = Table(title="eval runs")
    for col in ("run", "suite", "started (UTC)", "finished", "cells", "routes"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["suite"],
            f"{r['started_at']:%Y-%m-%d %H:%M}",
            f"{r['finished_at']:%H:%M}" if r["finished_at"] else "unfinished (rerun to resume)",
            str(r["cells"]),
            ", ".join(e["name"] for e in r["config"].get("endpoints", [])),
        )
    Console(highlight=False).print(table if rows else "no runs stored yet")


@eval_app.command("show")
@reports_errors
def show_command(
    run_id: Annotated[int, typer.Argument(metavar="RUN", help="Run number (see `llmpick eval runs`).")],
    suite_path: Annotated[Path | None, typer.Option("--suite", help="Suite whose database to read.")] = None,
    db: Annotated[str | None, typer.Option("--db", metavar="URL", help="SQLAlchemy URL of the results.")] = None,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="table, json or html.")] = EvalFormat.TABLE,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the report to this file.")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", metavar="FILE", help="Also write JUnit XML.")] = None,
    profile: Annotated[Path | None, typer.Option("--profile", help="Profile whose request sizes project cost.")] = None,
) -> None:
    """Re-render a stored run (no call is made)."""
    require_extra("eval", "sqlalchemy")
    from llmpick.eval import report

    store = _open_store(suite_path, db)
    try:
        if not any(r["id"] == run_id for r in store.runs()):
            raise fail(f"RUN {run_id}: no such run (see `llmpick eval runs`)")
        results = report.build(store, run_id, _workload(profile))
    finally:
        store.close()
    _emit(results, fmt, output)
    if junit is not None:
        from llmpick.eval.gate import junit_xml

        write_output(junit_xml(results), junit)


@eval_app.command("clear-cache")
@reports_errors
def clear_cache_command(
    suite_path: Annotated[Path | None, typer.Argument(metavar="[SUITE]", help="Suite whose database to use.")] = None,
    db: Annotated[str | None, typer.Option("--db", metavar="URL", help="SQLAlchemy URL of the results.")] = None,
) -> None:
    """Forget every cached answer and judge verdict (runs are kept)."""
    require_extra("eval", "sqlalchemy")
    store = _open_store(suite_path, db)
    try:
        err_console.print(f"cleared {store.clear_cache()} cached call(s)")
    finally:
        store.close()


# --- helpers ------------------------------------------------------------------------------------------------


def _emit(results: Any, fmt: EvalFormat, output: Path | None) -> None:
    from llmpick.eval import report

    if fmt is EvalFormat.JSON:
        write_output(results.to_json(), output)
    elif fmt is EvalFormat.HTML:
        write_output(report.render_html(results), output)
    elif output is not None:
        write_output(report.render_text(results), output)
    else:
        from rich.console import Console

        Console(highlight=False).print(report.render_table(results))


def _gate(fail_under: str | None, per_check: list[str] | None) -> Any:
    from llmpick.eval.gate import Gate, parse_rate
    from llmpick.eval.suite import _TAGS

    try:
        rate = parse_rate(fail_under, "--fail-under") if fail_under is not None else None
        checks = {}
        for text in per_check or []:
            name, value = _pair(text, "--fail-under-check")
            if name not in _TAGS | {"complete"}:
                raise ValueError(
                    f"--fail-under-check {text!r}: unknown check type (allowed: {', '.join(sorted(_TAGS))})"
                )
            checks[name] = parse_rate(value, f"--fail-under-check {name}")
    except ValueError as exc:
        raise fail(str(exc)) from None
    return Gate(rate, checks)


def _apply_gate(results: Any, gate: Any) -> None:
    from llmpick.eval.gate import failures

    problems = failures(results, gate)
    if gate.active:
        for line in problems:
            err_console.print(f"gate failed: {line}", markup=False, soft_wrap=True)
        if problems:
            raise typer.Exit(GATE_FAILED)
        err_console.print("gate passed")
    elif "no call succeeded: nothing was evaluated" in problems:
        err_console.print("error: no call succeeded: nothing was evaluated", markup=False)
        raise typer.Exit(GATE_FAILED)


def _check_served_models(targets: list[Any]) -> None:
    """A --local server must serve the model named for it: a mismatch refuses, so no measurement is credited to
    a model that did not answer. An unreachable server is left to the run (its cells say so)."""
    import httpx

    for target in targets:
        try:
            response = httpx.get(target.url.rstrip("/") + "/models", timeout=5)
            ids = [m.get("id") for m in response.json().get("data", [])]
        except (httpx.HTTPError, ValueError, AttributeError):
            continue
        if ids and target.expected_model not in ids:
            raise fail(
                f"--local {target.model}: the server at {target.url} serves {', '.join(map(str, ids))}, not "
                f"{target.expected_model!r}; name the served model after '#' "
                f"(--local {target.model}={target.url}#{ids[0]}) if that is the {target.model} model"
            )


def _open_store(suite_path: Path | None, db: str | None) -> Any:
    from llmpick.eval.store import Store

    if db is not None:
        return Store(db)
    base = suite_path if suite_path is not None else Path("suite.yaml")
    folder = base.resolve().parent / ".llmpick" / "eval.sqlite"
    if not folder.exists():
        raise fail(f"no eval database at {folder}: give the SUITE the runs were made with, or --db URL")
    return Store(f"sqlite:///{folder}")


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
        err_console.print(f"warning: catalog not loaded ({exc}); provider routes cannot be mapped", markup=False)
        return None


def _workload(profile: Path | None) -> Any:
    if profile is None:
        return None
    from llmpick.eval.report import Workload
    from llmpick.profile import load_profile

    return Workload.of_profile(load_profile(profile))
