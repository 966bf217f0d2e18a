"""`llmpick init`, `llmpick validate` and `llmpick presets`: write, check and start from profiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.cli.common import OutputFormat, err_console, fail, reports_errors, write_output
from llmpick.profile import check_against_catalog, load_profile, parse_profile, profile_to_yaml


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
    app.command("init")(init_command)
    app.command("presets")(presets_command)


@reports_errors
def validate_command(file: Path = typer.Argument(..., metavar="FILE", help="Profile YAML to check.")) -> None:
    """Check a profile: exit 0 if valid, 2 with the field and allowed values if not."""
    profile = load_profile(file)
    check_against_catalog(profile, load_builtin_catalog().hardware, str(file))
    err_console.print(f"[green]ok[/]: {file} is a valid profile ({profile.name})")


_QUESTIONS: list[tuple[str, str, Any]] = [
    ("name", "What is this decision about?", "My LLM project"),
    (
        "tasks",
        "Tasks (comma-separated: text, code, reasoning, vision, multimodal, speech-to-text, text-to-speech, image-generation, embeddings)",
        "text",
    ),
    ("industry", "Industry (general, banking, healthcare, government, legal, education, retail, other)", "general"),
    ("data.sensitivity", "Data sensitivity (public, internal, confidential, regulated)", "internal"),
    (
        "data.compliance",
        "Compliance regimes (comma-separated: hipaa, gdpr, soc2, fedramp, pci-dss, iso27001; empty for none)",
        "",
    ),
    ("data.residency", "Where may data be processed (any, eu, us, on-premises)", "any"),
    ("workload.requests_per_day", "Requests per day", 1000),
    ("workload.input_tokens", "Input tokens per request (prompt + retrieved context)", 1000),
    ("workload.output_tokens", "Output tokens per request", 300),
    ("quality", "Quality needed (basic, good, high, frontier)", "good"),
    ("domain.expertise", "Domain expertise needed (general, moderate, expert)", "general"),
    ("domain.knowledge_base", "Must answers draw on your own documents? (true/false)", False),
    ("budget.monthly_usd", "Monthly budget in USD (empty for no limit)", ""),
    ("team.ml_expertise", "Your team's ML expertise (none, some, strong)", "some"),
]


@reports_errors
def init_command(
    output: Path = typer.Argument(Path("profile.yaml"), metavar="FILE", help="Where to write the profile."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Answer a few questions (defaults shown) and write a profile YAML."""
    if output.exists() and not force:
        raise fail(f"{output} exists; pass --force to overwrite it")
    data: dict[str, Any] = {}
    for path, question, default in _QUESTIONS:
        answer = typer.prompt(question, default=default, show_default=True)
        _set(data, path, _coerce(path, answer))
    profile = parse_profile(data, "your answers")
    write_output(profile_to_yaml(profile), output)


def _coerce(path: str, answer: Any) -> Any:
    text = str(answer).strip()
    if path in ("tasks", "data.compliance"):
        return [t.strip() for t in text.split(",") if t.strip()]
    if path == "budget.monthly_usd":
        return float(text) if text else None
    if path == "domain.knowledge_base":
        return text.lower() in ("true", "yes", "y", "1")
    return text


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[leaf] = value


@reports_errors
def presets_command(output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f")) -> None:
    """List the built-in presets: the seed's decision cheat sheet and its other cases."""
    from llmpick.presets import list_presets

    presets = list_presets()
    if output_format is OutputFormat.JSON:
        write_output(
            json.dumps(
                [{"name": p.name, "title": p.title, "seed": p.seed, "description": p.description} for p in presets],
                indent=2,
            ),
            None,
        )
        return
    table = Table(title="Presets — run one with: llmpick recommend --preset NAME")
    for col in ("name", "scenario", "the seed says"):
        table.add_column(col, overflow="fold")
    for p in presets:
        table.add_row(p.name, p.title, p.seed)
    Console().print(table)
