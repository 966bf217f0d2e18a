"""`llmpick deploy`: a recommendation's route(s) in, a runnable deployment kit (files + README) out."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import typer

from llmpick.cli.common import err_console, fail, reports_errors, require_extra
from llmpick.profile import Profile, load_profile


def register(app: typer.Typer) -> None:
    app.command("deploy")(deploy_command)


@reports_errors
def deploy_command(
    profile_path: Path | None = typer.Argument(
        None, metavar="PROFILE", help="Requirements profile: recommend, then deploy rank 1."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Folder to write the kit into (must be new or empty, or --force)."
    ),
    route: str | None = typer.Option(None, "--route", help="A saved recommendation: REC.json or REC.json#RANK."),
    decision: str | None = typer.Option(
        None, "--decision", help="A saved decision's id (see `llmpick decisions list`)."
    ),
    preset: str | None = typer.Option(None, "--preset", help="A built-in preset instead of a profile file."),
    rank: int | None = typer.Option(
        None, "--rank", min=1, help="Deploy this rank (default: the hybrid plan, else rank 1)."
    ),
    sizing_profile: Path | None = typer.Option(
        None, "--profile", help="With --route: the profile whose workload sizes context and concurrency."
    ),
    force: bool = typer.Option(False, "--force", help="Replace the contents of a non-empty --out folder."),
    catalog_override: list[Path] = typer.Option([], "--catalog", help="Catalog override file(s) (YAML)."),
    db: str | None = typer.Option(None, "--db", help="Decision database URL (with --decision)."),
) -> None:
    """Write a deployment kit for a recommended route: commands, configs, manifests and a README of sources."""
    from llmpick.catalog.loader import builtin_data_dir, load_builtin_catalog, load_catalog
    from llmpick.deploy.build import build

    given = [
        name
        for name, value in (
            ("PROFILE", profile_path),
            ("--preset", preset),
            ("--decision", decision),
            ("--route", route),
        )
        if value
    ]
    if len(given) != 1:
        raise fail(
            "give one of PROFILE, --preset NAME, --decision ID or --route REC.json[#RANK]"
            + (f" (got {', '.join(given)})" if given else "")
        )
    catalog = load_catalog(builtin_data_dir(), catalog_override) if catalog_override else load_builtin_catalog()
    rec, profile, route_rank = _source(profile_path, preset, decision, route, db, catalog)
    if sizing_profile is not None:
        profile = load_profile(sizing_profile)
    if rank is not None and route_rank is not None and rank != route_rank:
        raise fail(f"--rank {rank} and --route …#{route_rank} disagree")
    kit = build(rec, catalog, rank=rank or route_rank, profile=profile)
    _write(kit.files(), kit.executables(), out, force)
    err_console.print(f"wrote {len(kit.files())} files to {out} — start with {out / 'README.md'}")


def _source(
    profile_path: Path | None, preset: str | None, decision: str | None, route: str | None, db: str | None, catalog: Any
) -> tuple[dict[str, Any], Profile | None, int | None]:
    if route is not None:
        path_text, _, rank_text = route.partition("#")
        if rank_text and not rank_text.isdigit():
            raise fail(f"--route {route!r}: RANK after '#' must be a number (e.g. rec.json#2)")
        path = Path(path_text)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise fail(f"--route: {path} not found") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise fail(f"--route: {path} is not a recommendation JSON file ({exc})") from None
        return data, None, int(rank_text) if rank_text else None
    if decision is not None:
        require_extra("web", "sqlalchemy")
        from llmpick.store.decisions import get_decision

        found = get_decision(decision, db_url=db)
        return found.result_data, found.profile(), None
    from llmpick.engine import recommend as run_engine
    from llmpick.profile import check_against_catalog

    if preset is not None:
        from llmpick.presets import load_preset

        profile = load_preset(preset)
    else:
        assert profile_path is not None
        profile = load_profile(profile_path)
    check_against_catalog(profile, catalog.hardware, str(profile_path or f"preset {preset}"))
    return run_engine(profile, catalog).to_json_dict(), profile, None


def _write(files: dict[str, bytes], executables: set[str], out: Path, force: bool) -> None:
    """Write the kit whole or not at all: into a temporary folder beside --out, then moved into place."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not force)):
        raise fail(f"--out {out}: exists and is not an empty folder (use --force to replace its contents)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            if name in executables:
                path.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
