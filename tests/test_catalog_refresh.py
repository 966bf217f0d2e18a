"""`catalog refresh` / `catalog diff` on the fixtures, and every command honouring the overlay and --catalog."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.importers import Context
from llmpick.catalog.importers import genai_prices as gp_importer
from llmpick.catalog.loader import builtin_data_dir, load_active_catalog, load_catalog
from llmpick.cli.common import warn_if_stale

FIXTURES = Path(__file__).parent / "fixtures" / "refresh"
OVERLAY = FIXTURES / "overlay.yaml"
ENRICHERS = ("--only", "models-dev", "--only", "openrouter", "--only", "hf-config")


@pytest.fixture()
def user_overlay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "user" / "overlay.yaml"
    monkeypatch.setenv("LLMPICK_CATALOG_OVERLAY", str(path))
    return path


def test_refresh_writes_the_expected_overlay_and_diff(cli: Callable[..., Any], user_overlay: Path) -> None:
    result = cli("catalog", "refresh", "--from", str(FIXTURES), *ENRICHERS, "--as-of", "2026-12-02")
    assert result.exit_code == 0, result.output
    assert "2026.12.2+refresh.20261202" in result.output
    assert "models updated (3): glm-5.3, gpt-6-sol, kimi-k2-0905" in result.output
    data = yaml.safe_load(user_overlay.read_text(encoding="utf-8"))
    assert data["version"] == "2026.12.2+refresh.20261202" and str(data["as_of"]) == "2026-12-02"
    models = {m["id"]: m for m in data["models"]}
    assert set(models) == {
        "glm-5.3",
        "gpt-6-sol",
        "kimi-k2-0905",
    }  # glm-4.5 and kimi-k2-instruct are curated: untouched
    assert all(m["curation"] == "imported" for m in models.values())
    sol = models["gpt-6-sol"]  # models.dev: release date and image input
    assert str(sol["release"]["date"]) == "2026-09-22" and sol["release"]["source"] == "md"
    assert sol["capabilities"]["input_modalities"] == ["text", "image"] and "vision" in sol["capabilities"]["tasks"]
    assert sol["sources"]["md"]["url"] == "https://models.dev/api.json"
    glm = models["glm-5.3"]  # the open-weights flag; a placeholder date is not taken
    assert glm["components"]["weights"] is True and glm["release"].get("date") is None
    kimi = models["kimi-k2-0905"]  # OpenRouter names the HF repo; its config.json gives the architecture
    assert kimi["hf_repo"] == "moonshotai/Kimi-K2-Instruct-0905"
    assert kimi["architecture"]["attention"] == "mla" and kimi["architecture"]["experts"] == 384
    assert kimi["sources"]["config"]["url"].startswith("https://huggingface.co/moonshotai/Kimi-K2-Instruct-0905/")
    # the overlay is what the commands load now
    assert load_active_catalog().version == "2026.12.2+refresh.20261202"
    assert load_active_catalog().model("glm-5.3").is_open


def test_curated_records_win_over_imported_ones(tmp_path: Path) -> None:
    curated = load_catalog(builtin_data_dir()).model("gpt-4o")
    imported = curated.model_dump(mode="json") | {"name": "imported name", "curation": "imported"}
    path = tmp_path / "o.yaml"
    path.write_text(yaml.safe_dump({"models": [imported]}), encoding="utf-8")
    assert load_catalog(builtin_data_dir(), [path]).model("gpt-4o").name == curated.name
    path.write_text(yaml.safe_dump({"models": [imported | {"curation": "curated"}]}), encoding="utf-8")
    assert load_catalog(builtin_data_dir(), [path]).model("gpt-4o").name == "imported name"


def test_diff_names_added_models_and_new_metadata(cli: Callable[..., Any]) -> None:
    result = cli("catalog", "diff", "builtin", str(OVERLAY), "--at", "2026-12-02", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["models_added"] == ["overlay-test-8b"] and doc["new"].startswith("2026.12.9-test")
    assert cli("catalog", "diff", "builtin", "nope.yaml").exit_code == 2


def test_the_shipped_catalog_has_every_current_genai_prices_offering(catalog: Catalog) -> None:
    """Freshness: re-importing the installed genai-prices finds nothing the catalog lacks."""
    ctx = Context(catalog, catalog.as_of)
    gp_importer.run(None, ctx)
    assert not ctx.offerings, sorted(ctx.offerings)[:20]


DECEMBER_2026 = [
    "claude-fable-5-2",
    "gpt-6-sol",
    "gpt-5.5",
    "gpt-5.6-luna",
    "gemini-3.5-flash",
    "gemini-3.6-flash",
    "gemini-3.7-flash",
    "grok-4.20",
    "grok-4.5",
    "mistral-large-4",
    "mistral-medium-3-5",
    "deepseek-v3.2",
    "kimi-k2-instruct",
    "glm-4.5",
    "minimax-m3",
    "qwen3.5-9b",
]


def test_the_december_2026_generation_is_present_and_live(catalog: Catalog) -> None:
    from llmpick.catalog.lifecycle import offering_status
    from llmpick.catalog.schema import Status

    for model_id in DECEMBER_2026:
        model = catalog.model(model_id)
        routes = [offering_status(o, model, catalog.as_of).status for o in catalog.offerings_of(model_id)]
        assert Status.ACTIVE in routes, model_id


def test_catalog_metadata_and_quality_come_from_the_overlay() -> None:
    catalog = load_catalog(builtin_data_dir(), [OVERLAY])
    assert (catalog.version, catalog.as_of) == ("2026.12.9-test", dt.date(2026, 12, 2))
    assert [q.score for q in catalog.model("overlay-test-8b").quality] == [50.0]
    assert catalog.layers[-1].endswith("(2026.12.9-test, 2026-12-02)")


def test_a_stale_catalog_warns(capsys: pytest.CaptureFixture[str], catalog: Catalog) -> None:
    warn_if_stale(catalog, today=catalog.as_of + dt.timedelta(days=31))
    assert "31 days old" in capsys.readouterr().err
    warn_if_stale(catalog, today=catalog.as_of + dt.timedelta(days=30))
    assert capsys.readouterr().err == ""


# every command that reads the catalog sees the overlay: as the user overlay, via $LLMPICK_CATALOG, or --catalog
COMMANDS: dict[str, list[str]] = {
    "catalog show": ["catalog", "show", "overlay-test-8b", "-f", "json"],
    "catalog list": ["catalog", "list", "-f", "json"],
    "catalog compare": ["catalog", "compare", "overlay-test-8b", "gpt-4o", "-f", "json"],
    "estimate": ["estimate", "-m", "overlay-test-8b", "-H", "rtx-4090", "-f", "json"],
    "fit": ["fit", "-H", "rtx-4090", "-f", "json"],
    "finetune": ["finetune", "-m", "overlay-test-8b", "--method", "lora", "-H", "rtx-4090", "-f", "json"],
}


@pytest.mark.parametrize("how", ["user-overlay", "env", "option"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_honours_the_overlay(
    name: str, how: str, cli: Callable[..., Any], user_overlay: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = list(COMMANDS[name])
    if how == "user-overlay":
        user_overlay.parent.mkdir(parents=True)
        user_overlay.write_text(OVERLAY.read_text(encoding="utf-8"), encoding="utf-8")
    elif how == "env":
        monkeypatch.setenv("LLMPICK_CATALOG", str(OVERLAY))
    else:
        args += ["--catalog", str(OVERLAY)]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "overlay-test-8b" in result.output


def test_cost_and_recommend_honour_the_overlay(cli: Callable[..., Any], write_profile: Callable[..., Path]) -> None:
    # the overlay's model has no benchmark figure: unrated models are opted in (quality_unrated: allow)
    profile = write_profile(
        {"name": "t", "tasks": ["text"], "workload": {"requests_per_day": 100}, "quality_unrated": "allow"}
    )
    cost = cli("cost", str(profile), "--model", "overlay-test-8b", "-f", "json", "--catalog", str(OVERLAY))
    assert cost.exit_code == 0, cost.output
    assert "overlay-test-8b" in cost.output
    rec = cli("recommend", str(profile), "-f", "json", "--catalog", str(OVERLAY))
    assert rec.exit_code == 0, rec.output
    assert json.loads(rec.output)["catalog_version"] == "2026.12.9-test"
    assert cli("cost", str(profile), "--model", "overlay-test-8b").exit_code == 2  # unknown without it


def test_eval_decisions_and_web_load_the_active_catalog(
    tmp_path: Path, cli: Callable[..., Any], write_profile: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlalchemy")
    from llmpick.cli.evaluate import _catalog

    assert "overlay-test-8b" in _catalog([OVERLAY]).models
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    profile = write_profile({"name": "t", "tasks": ["text"]})
    assert cli("recommend", str(profile), "--save", "--db", db, "-f", "json").exit_code == 0
    from llmpick.store.decisions import list_decisions

    decision = list_decisions(db)[0].id
    rerun = cli("decisions", "rerun", decision, "--db", db, "-f", "json", "--catalog", str(OVERLAY))
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(rerun.output)["recommendation"]["catalog_version"] == "2026.12.9-test"
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from llmpick.web.app import create_app

    monkeypatch.setenv("LLMPICK_CATALOG", str(OVERLAY))
    client = TestClient(create_app(db), base_url="http://localhost")
    assert client.get("/api/v1/models/overlay-test-8b").status_code == 200


def test_the_id_rule_puts_a_models_own_task_first() -> None:
    """The first task is the one a model is rated and ranked for: code for coding models, speech for
    Voxtral (Mistral's audio models) and Orpheus (Canopy Labs' TTS)."""
    assert gp_importer._tasks("qwen3-coder-plus")[0] == ["code", "text"]
    assert gp_importer._tasks("codestral-2501")[0] == ["code", "text"]
    assert gp_importer._tasks("voxtral-small-24b-2507")[0] == ["speech-to-text", "text"]
    assert gp_importer._tasks("voxtral-mini-transcribe-3-0")[0] == ["speech-to-text"]
    assert gp_importer._tasks("orpheus-v1-english") == (["text-to-speech"], ["text"], ["audio"])
    assert gp_importer._tasks("gpt-5.5")[0] == ["text"]
    assert gp_importer._tasks("qwen3-vl-8b-instruct") == (["vision", "text"], ["text", "image"], ["text"])
