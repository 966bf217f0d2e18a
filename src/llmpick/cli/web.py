"""`llmpick serve`: the local web app and REST API (needs the `web` extra)."""

from __future__ import annotations

from pathlib import Path

import typer

from llmpick.cli.common import CATALOG_OPTION, active_catalog, err_console, fail, reports_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@reports_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; 0.0.0.0 exposes the app to your network."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
    db: str | None = typer.Option(
        None, "--db", help="Decision database URL (default: $LLMPICK_DB, else SQLite in the user data folder)."
    ),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Serve the web app: questionnaire, results with charts, catalog, calculators, decisions, and /api/v1."""
    try:
        import uvicorn

        from llmpick.web.app import create_app
    except ImportError as exc:
        raise fail(f"the web app needs the web extra ({exc.name} is missing): pip install 'llmpick[web]'") from None
    application = create_app(db, active_catalog(catalog_files))
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[yellow]warning:[/] binding {host}: anyone who can reach this machine can use the app (no login)"
        )
    err_console.print(
        f"llmpick: http://{'[' + host + ']' if ':' in host else host}:{port}/ · "
        f"decisions in {application.state.llmpick.db_label}"
    )
    uvicorn.run(application, host=host, port=port, log_level="info", access_log=False, server_header=False)
