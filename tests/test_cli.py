"""The command line: the main job works, and bad input exits 2 naming the field — nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_recommend_prints_the_verdicts_for_the_shipped_example(cli: Any) -> None:
    result = cli("recommend", str(EXAMPLES / "startup.yaml"))
    assert result.exit_code == 0, result.output
    assert "Openness" in result.output and "Ranked routes" in result.output


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml") if p.name != "suite.yaml"))
def test_every_example_gives_json_of_the_contract(cli: Any, example: str) -> None:
    result = cli("recommend", str(EXAMPLES / example), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["schema"] == "llmpick.recommendation/1"


def test_markdown_goes_to_a_file(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "advice.md"
    result = cli("recommend", "--preset", "productivity", "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# LLM recommendation")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x", "tasks": ["text"], "quality": "perfect"}, "quality"),
        ({"tasks": ["text"]}, "name"),
        ({"name": "x", "tasks": ["text"], "colour": "red"}, "colour"),
        ({"name": "x", "tasks": ["text"], "workload": {"output_tokens": -3}}, "workload.output_tokens"),
        (
            {"name": "x", "tasks": ["text"], "infrastructure": {"gpus": [{"model": "gtx-9999", "count": 1}]}},
            "infrastructure.gpus.0.model",
        ),
    ],
)
def test_bad_profiles_exit_2_naming_the_field(
    cli: Any, write_profile: Any, tmp_path: Path, data: dict[str, Any], field: str
) -> None:
    out = tmp_path / "never.json"
    result = cli("recommend", str(write_profile(data)), "--format", "json", "-o", str(out))
    assert result.exit_code == 2
    assert field in result.stderr
    assert not out.exists()
    assert cli("validate", str(write_profile(data))).exit_code == 2


def test_yaml_syntax_error_exits_2_with_the_line(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: x\ntasks: [text\n")
    result = cli("validate", str(path))
    assert result.exit_code == 2 and "line" in result.stderr


def test_missing_file_exits_2(cli: Any) -> None:
    assert cli("recommend", "no-such-profile.yaml").exit_code == 2


def test_unknown_preset_lists_the_presets(cli: Any) -> None:
    result = cli("recommend", "--preset", "startp")
    assert result.exit_code == 2 and "startup" in result.stderr


def test_validate_accepts_a_good_profile(cli: Any) -> None:
    assert cli("validate", str(EXAMPLES / "startup.yaml")).exit_code == 0


def test_empty_catalog_override_is_a_clear_error(cli: Any, tmp_path: Path) -> None:
    empty = tmp_path / "override.yaml"
    empty.write_text("")
    result = cli("recommend", "--preset", "startup", "--catalog", str(empty))
    assert result.exit_code == 2 and "empty" in result.stderr


def test_corrupt_catalog_override_is_a_clear_error(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "override.yaml"
    bad.write_text("models: [{id: Not A Slug}]\n")
    result = cli("recommend", "--preset", "startup", "--catalog", str(bad))
    assert result.exit_code == 2 and "override.yaml" in result.stderr


def test_init_writes_a_valid_profile_from_the_answers(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    answers = "\n".join(["Support bot", "text", "", "", "", "", "500", "", "", "high", "", "", "200", "none"]) + "\n"
    result = cli("init", str(out), input=answers)
    assert result.exit_code == 0, result.output
    assert cli("validate", str(out)).exit_code == 0
    assert "Support bot" in out.read_text()


def test_catalog_list_json_has_the_contract_keys(cli: Any) -> None:
    result = cli("catalog", "list", "--format", "json")
    models = json.loads(result.stdout)
    assert len(models) >= 80
    keys = {
        "id",
        "name",
        "vendor",
        "openness",
        "license",
        "tasks",
        "params_b",
        "context_window",
        "release_date",
        "status",
        "sources",
    }
    assert all(keys <= set(m) for m in models)


def test_catalog_filters_combine(cli: Any) -> None:
    result = cli("catalog", "list", "--openness", "open-weight", "--task", "code", "--commercial", "--format", "json")
    models = json.loads(result.stdout)
    assert models and all(
        m["openness"] == "open-weight" and "code" in m["tasks"] and m["commercial_use"] for m in models
    )


def test_catalog_show_unknown_id_suggests_close_ids(cli: Any) -> None:
    result = cli("catalog", "show", "gpt-4oo")
    assert result.exit_code == 2 and "gpt-4o" in result.stderr


def test_catalog_compare_takes_two_to_four(cli: Any) -> None:
    assert cli("catalog", "compare", "gpt-4o").exit_code == 2
    assert cli("catalog", "compare", "gpt-4o", "llama-3.3-70b-instruct", "--format", "json").exit_code == 0


def test_error_messages_keep_square_brackets(cli: Any) -> None:
    # rich markup must not eat "[...]" in user-facing errors (e.g. install hints, lists of values)
    result = cli("catalog", "show", "[x]")
    assert result.exit_code == 2 and "[x]" in result.stderr


def test_each_command_is_registered_by_the_module_the_lazy_entry_point_imports() -> None:
    """`llmpick X` imports only X's module: the map must name every command, and the right module."""
    import typer.main

    from llmpick.cli.main import COMMAND_MODULES, build_app

    everything = typer.main.get_command(build_app())
    assert set(everything.commands) == set(COMMAND_MODULES)  # type: ignore[attr-defined]
    for command, module in COMMAND_MODULES.items():
        alone = typer.main.get_command(build_app([module]))
        assert command in alone.commands, (command, module)  # type: ignore[attr-defined]


def test_the_entry_point_runs_a_command_from_its_module_alone(capsys: Any) -> None:
    import pytest

    from llmpick.cli.main import run

    with pytest.raises(SystemExit) as done:
        run(["presets"])
    assert done.value.code == 0
    assert "startup" in capsys.readouterr().out


def test_a_json_recommendation_never_imports_the_terminal_renderer() -> None:
    """`recommend --format json` (scripts, CI) prints no table: rich and the terminal renderer stay unimported,
    and an error still prints through rich (imported then)."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom llmpick.cli.main import run\n"
        "try:\n    run(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code\n"
        "print(code, 'rich' in sys.modules, 'llmpick.render.terminal' in sys.modules, file=sys.stderr)\n"
    )
    ok = subprocess.run(
        [sys.executable, "-c", probe, "recommend", "--preset", "startup", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(ok.stdout)["recommendations"] and ok.stderr.splitlines()[-1] == "0 False False"
    bad = subprocess.run(
        [sys.executable, "-c", probe, "recommend", "--preset", "nope", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "error:" in bad.stderr and "nope" in bad.stderr and bad.stderr.splitlines()[-1] == "2 True False"
