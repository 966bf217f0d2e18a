"""The command line as a terminal user meets it: tables that read at 80 columns, and a start that does not
load the web server, the database layer or the LLM SDKs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from rich.console import Console

from llmpick.render.columns import Column, cut, width_table


def _lines(*args: str, columns: int = 80) -> list[str]:
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "dumb"}
    done = subprocess.run([sys.executable, "-m", "llmpick", *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout.splitlines()


@pytest.mark.parametrize(
    "args", [("catalog", "list"), ("fit", "--hardware", "rtx-4090"), ("catalog", "quality", "--task", "text")]
)
def test_tables_fit_80_columns_without_folding_ids(args: tuple[str, ...]) -> None:
    lines = _lines(*args)
    assert max(len(line) for line in lines) <= 80
    assert any("left out at 80 columns" in line for line in lines)
    body = [line for line in lines if line.startswith("│")]
    assert len(body) > 5
    ids = [line.split("│")[2 if args[0] == "fit" else 1].strip() for line in body]
    assert all(len(i) >= 2 and "…" not in i for i in ids)  # whole ids, one per row, no letter-by-letter wrap


def test_wide_terminals_get_every_column() -> None:
    lines = _lines("catalog", "list", columns=200)
    assert not any("left out" in line for line in lines)
    assert "released" in lines[2] and "status" in lines[2]


def test_json_keeps_everything_whatever_the_width() -> None:
    models = json.loads("\n".join(_lines("catalog", "list", "--format", "json", columns=40)))
    assert {"id", "license", "release_date", "status"} <= set(models[0])


def test_width_table_picks_columns_by_importance_and_cuts_with_an_ellipsis() -> None:
    columns = [Column("id", keep=10), Column("note", keep=1, shrink_to=6), Column("long", keep=5, shrink_to=8)]
    rows = [["qwen3-30b-a3b", "x" * 50, "[bold]not markup[/bold] " * 4]]
    console = Console(width=60, record=True)
    console.print(width_table(columns, rows, width=60))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "qwen3-30b-a3b" in text and "[bold]" in text and "…" in text
    narrow = Console(width=30, record=True)
    narrow.print(width_table(columns, rows, width=30))
    assert "left out at 30 columns: note" in narrow.export_text().replace("\n", " ").replace("  ", " ")
    assert cut("abcdef", 4) == "abc…" and cut("abc", 4) == "abc"


HEAVY = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "openai", "anthropic", "httpx", "jinja2")


@pytest.mark.parametrize("args", [["--help"], ["recommend", "--preset", "startup", "--format", "json"]])
def test_the_cli_starts_without_heavy_imports(args: list[str]) -> None:
    code = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from llmpick.cli.main import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: Any = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"`llmpick {' '.join(args)}` imported {loaded}"


def test_the_quality_table_names_the_newest_figure_and_counts_the_others() -> None:
    lines = _lines("catalog", "quality", "--task", "code", columns=220)
    sonnet = next(line for line in lines if line.startswith("│ claude-sonnet-4-5 "))
    assert "livebench-coding 76.07 (2026-07-01) +2 more" in sonnet  # JSON lists all three
    small = next(line for line in lines if line.startswith("│ qwen3-8b "))
    assert "estimated from qwen3-30b-a3b: " in small and "│ low " in small
