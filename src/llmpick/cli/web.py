"""`llmpick serve`: the local web app and REST API (needs the `web` extra)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from llmpick.cli.common import CATALOG_OPTION, active_catalog, err_console, fail, reports_errors

LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (one core each)."),
    allowed_host: list[str] = typer.Option(
        [],
        "--allowed-host",
        help="A host name the app answers to besides localhost and the bound address (repeat; '*' for any).",
    ),
    token: str | None = typer.Option(
        None,
        "--token",
        envvar="LLMPICK_TOKEN",
        show_envvar=True,
        help="Shared token: writes need 'Authorization: Bearer TOKEN' or a login with it.",
    ),
    token_reads: bool = typer.Option(False, "--token-reads", help="Reads need the token too."),
    read_only: bool = typer.Option(False, "--read-only", help="Nobody can save, re-run into or delete decisions."),
) -> None:
    """Serve the web app: questionnaire, results with charts, catalog, calculators, decisions, and /api/v1."""
    try:
        import uvicorn

        from llmpick.store.db import get_engine, resolve_url, safe_url
        from llmpick.web.app import CONFIG_ENV
        from llmpick.web.security import TOKEN_ENV, Access
    except ImportError as exc:
        raise fail(f"the web app needs the web extra ({exc.name} is missing): pip install 'llmpick[web]'") from None
    exposed = host not in LOOPBACK
    if exposed and not token and not read_only:
        raise fail(
            f"--host {host} exposes the app to your network: give it --token (or $LLMPICK_TOKEN) so that only "
            "your team can write, or --read-only"
        )
    if token_reads and not token:
        raise fail("--token-reads needs --token")
    if token is not None and len(token) < 16:
        raise fail(
            "--token: use at least 16 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe())')"
        )
    access = Access.for_bind(host, allowed_host, token=token, token_reads=token_reads, read_only=read_only)
    if catalog_files:
        # the app factory runs in each worker: hand the --catalog files on the way $LLMPICK_CATALOG does
        active_catalog(catalog_files)  # validates them now (exit 2 naming the file) rather than in a worker
        os.environ["LLMPICK_CATALOG"] = os.pathsep.join(
            [p for p in os.environ.get("LLMPICK_CATALOG", "").split(os.pathsep) if p] + [str(p) for p in catalog_files]
        )
    url = resolve_url(db)
    get_engine(url)  # open and migrate once, here, before the workers start
    os.environ[CONFIG_ENV] = json.dumps(
        {"db": url, "allowed_hosts": sorted(access.allowed_hosts), "token_reads": token_reads, "read_only": read_only}
    )
    if token:
        os.environ[TOKEN_ENV] = token
    shown = "[" + host + "]" if ":" in host else host
    guard = "read-only" if read_only else ("token for everything" if token_reads else "token for writes")
    err_console.print(
        f"llmpick: http://{shown}:{port}/ · decisions in {safe_url(url)} · {workers} worker(s) · "
        f"{guard if exposed or token or read_only else 'local only'} · answers to {', '.join(sorted(access.allowed_hosts))}"
    )
    if exposed and not allowed_host:
        err_console.print(
            "[yellow]note:[/] only the names above are accepted in the Host header; add --allowed-host NAME "
            "for the name your team types (or your reverse proxy sends)"
        )
    uvicorn.run(
        "llmpick.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
        server_header=False,
        timeout_worker_healthcheck=30,  # a worker busy with the engine may answer the supervisor's ping late
    )
