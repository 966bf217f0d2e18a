"""Leaderboards a team downloads, imported by `catalog refresh` into its overlay, rate the models they list."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmpick.catalog.loader import builtin_data_dir, load_builtin_catalog, load_catalog
from llmpick.engine.policy import load_policy
from llmpick.engine.quality import rate as engine_rate
from llmpick.engine.quality import tier_cuts
from llmpick.errors import LlmpickError
from llmpick.quality import rate
from llmpick.quality.figures import data_dir
from llmpick.quality.index import Entry, TaskIndex
from llmpick.quality.rating import derive_cuts, index_for, task_index

URL = "https://github.com/example/arena-mirror/blob/0123abc/data/2026-11-30/text.json"
NEW = "gpt-6-astra"  # in the catalog, and on no shipped leaderboard


def _board(folder: Path, extra: list[dict[str, Any]], manifest: str | None = None) -> Path:
    """An arena-ai-daily text board dated 2026-11-30: the shipped 2026-04-19 board's entries, each 3 Elo higher
    (the arena re-anchors between dates), plus `extra` entries."""
    shipped = yaml.safe_load((data_dir() / "figures" / "arena-text-2026-04-19.yaml").read_text(encoding="utf-8"))
    rows = [{"model": r["entry"], "score": r["value"] + 3, "ci": 5, "votes": 9000} for r in shipped["figures"]]
    doc = {
        "meta": {"leaderboard": "text", "source_url": "https://arena.ai", "fetched_at": "2026-11-30T05:13:00"},
        "models": rows + extra,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "text.json").write_text(json.dumps(doc), encoding="utf-8")
    (folder / "leaderboards.yaml").write_text(
        manifest or f"- source: arena-ai-daily\n  file: text.json\n  url: {URL}\n", encoding="utf-8"
    )
    return folder


def _refresh(cli: Callable[..., Any], folder: Path, out: Path) -> Any:
    return cli("catalog", "refresh", "--from", str(folder), "--only", "leaderboards", "--out", str(out))


def test_a_refresh_with_a_newer_board_rates_a_model_no_shipped_figure_rates(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    builtin = load_builtin_catalog()
    assert not rate(builtin.model(NEW), "text", builtin).rated
    folder = _board(tmp_path / "src", [{"model": NEW, "score": 1510, "ci": 9, "votes": 800}])
    out = tmp_path / "overlay.yaml"
    result = _refresh(cli, folder, out)
    assert result.exit_code == 0, result.output
    overlay = yaml.safe_load(out.read_text(encoding="utf-8"))
    (board,) = overlay["leaderboards"]
    count = len(board["figures"])
    assert f"leaderboard added: arena-ai-daily, as of 2026-11-30: {count} figures ({URL})" in result.output
    assert f"{NEW} (text): unrated → frontier" in result.output
    assert board["url"] == URL and str(board["as_of"]) == "2026-11-30"
    assert {"model": NEW, "benchmark": "lmarena-text", "value": 1510.0, "entry": NEW} in board["figures"]

    catalog = load_catalog(builtin_data_dir(), [out])
    rating = rate(catalog.model(NEW), "text", catalog)
    assert rating.rated and rating.confidence == "medium"  # one figure, on a fitted (not the primary) series
    assert [(b["source"], b["as_of"], b["value"]) for b in rating.basis] == [(URL, "2026-11-30", 1510.0)]
    # the engine's view (rules, scores, route reasons) reads the same index
    assert engine_rate(catalog.model(NEW), load_policy(), catalog).rated


def test_the_new_board_keeps_the_shipped_orderings_and_tiers(tmp_path: Path, cli: Callable[..., Any]) -> None:
    """A board that only re-anchors every rating by the same step moves scores by little (the new figure joins
    each model's mean), and no tier, cut-off or order."""
    out = tmp_path / "overlay.yaml"
    assert _refresh(cli, _board(tmp_path / "src", []), out).exit_code == 0
    catalog, builtin, policy = load_catalog(builtin_data_dir(), [out]), load_builtin_catalog(), load_policy()
    assert tier_cuts(policy, "text", catalog) == tier_cuts(policy, "text", builtin)
    scores = []
    for model_id in ("claude-opus-4-7", "gemma-4-31b-it", "gpt-4.1"):
        before, after = rate(builtin.model(model_id), "text", builtin), rate(catalog.model(model_id), "text", catalog)
        assert after.score == pytest.approx(before.score, abs=0.005) and after.tier == before.tier
        scores.append(after.score)
    assert scores == sorted(scores, reverse=True)
    opus = rate(catalog.model("claude-opus-4-7"), "text", catalog)
    assert len(opus.basis) == len(rate(builtin.model("claude-opus-4-7"), "text", builtin).basis) + 1


def test_entries_that_name_no_catalog_model_are_listed_and_left_out(tmp_path: Path, cli: Callable[..., Any]) -> None:
    extra = [{"model": "mystery-model-x", "score": 1400, "ci": 9, "votes": 100}]
    out = tmp_path / "overlay.yaml"
    result = _refresh(cli, _board(tmp_path / "src", extra), out)
    assert result.exit_code == 0, result.output
    assert "1 entries match no catalog model and are left out (mystery-model-x)" in result.output
    models = {f["model"] for f in yaml.safe_load(out.read_text(encoding="utf-8"))["leaderboards"][0]["figures"]}
    assert "mystery-model-x" not in models


def test_the_manifest_names_a_boards_entry_for_a_catalog_id(tmp_path: Path, cli: Callable[..., Any]) -> None:
    aliases = f"{{astra-6-preview: {NEW}, astra-7: gpt-7-astr}}"
    manifest = f"- source: arena-ai-daily\n  file: text.json\n  url: {URL}\n  aliases: {aliases}\n"
    folder = _board(tmp_path / "src", [{"model": "astra-6-preview", "score": 1300, "ci": 9, "votes": 50}], manifest)
    out = tmp_path / "overlay.yaml"
    result = _refresh(cli, folder, out)
    assert result.exit_code == 0, result.output
    assert "aliases name 'gpt-7-astr', not a catalog id; it rates no model" in result.output
    catalog = load_catalog(builtin_data_dir(), [out])
    (figure,) = rate(catalog.model(NEW), "text", catalog).basis
    assert figure["entry"] == "astra-6-preview" and figure["value"] == 1300.0


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("- source: nope\n  file: text.json\n  url: u\n", "[0].source: 'nope' is not a leaderboard importer; allowed:"),
        ("- source: arena-ai-daily\n  file: text.json\n", "[0].url: Field required"),
        ("- source: arena-ai-daily\n  file: gone.json\n  url: u\n", "gone.json: file not found"),
        (
            "- source: arena-ai-daily\n  file: text.json\n  url: u\n  options: {kind: x}\n",
            "the arena-ai-daily importer takes no kind; it takes url",
        ),
        ("source: arena-ai-daily\n", "expected a list of leaderboard files"),
        ("- source: [arena\n", "leaderboards.yaml: line 2: not valid YAML (did not find expected ',' or ']')"),
    ],
)
def test_a_bad_manifest_exits_2_naming_the_field_and_writes_nothing(
    tmp_path: Path, cli: Callable[..., Any], manifest: str, message: str
) -> None:
    out = tmp_path / "overlay.yaml"
    result = _refresh(cli, _board(tmp_path / "src", [], manifest), out)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not out.exists()


def test_an_overlay_figure_on_an_unknown_benchmark_is_refused(tmp_path: Path) -> None:
    board = {
        "source": "hand",
        "url": "https://example.org/board",
        "as_of": "2026-11-30",
        "figures": [{"model": NEW, "benchmark": "vibes", "value": 9}],
    }
    out = tmp_path / "overlay.yaml"
    out.write_text(yaml.safe_dump({"leaderboards": [board]}), encoding="utf-8")
    catalog = load_catalog(builtin_data_dir(), [out])
    with pytest.raises(LlmpickError, match="unknown benchmark\\(s\\) vibes; allowed: .*lmarena-text"):
        rate(catalog.model(NEW), "text", catalog)


def test_an_overlay_figure_must_be_a_finite_number(tmp_path: Path) -> None:
    board = {"source": "hand", "url": "u", "as_of": "2026-11-30", "figures": [{"model": NEW, "benchmark": "x"}]}
    out = tmp_path / "overlay.yaml"
    out.write_text(yaml.safe_dump({"leaderboards": [board]}), encoding="utf-8")
    with pytest.raises(LlmpickError, match="leaderboards: LeaderboardSnapshot 'u': figures.0.value: Field required"):
        load_catalog(builtin_data_dir(), [out])


def test_without_overlay_leaderboards_the_shipped_index_and_cut_offs_are_used() -> None:
    builtin, policy = load_builtin_catalog(), load_policy()
    assert index_for("text", builtin) is task_index("text")
    assert tier_cuts(policy, "code", builtin) == {t: c.score for t, c in policy.quality.tiers["code"].items()}


def test_cut_offs_follow_their_reference_models_on_a_refitted_index() -> None:
    index = TaskIndex("text", None, entries={"ref-good": Entry("ref-good", 0.31234, (), ())})
    cuts = derive_cuts(index, {"good": ("ref-good", 0.254), "high": ("not-on-this-index", 0.387)})
    assert cuts == {"good": 0.312, "high": 0.387}


def test_an_importer_option_that_names_a_file_is_read_beside_the_leaderboard(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    """LiveBench's table needs its categories file; the manifest may name one (relative to the folder)."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "table.csv").write_text(
        "model,code_generation,zebra_puzzle\ngpt-6-astra,71.5,80.25\nnot-a-model,10,10\n", encoding="utf-8"
    )
    (folder / "groups.json").write_text(json.dumps({"Coding": ["code_generation"], "Reasoning": ["zebra_puzzle"]}))
    (folder / "leaderboards.yaml").write_text(
        f"- source: livebench\n  file: table.csv\n  url: {URL}\n  as_of: 2026-11-30\n"
        "  options: {categories: groups.json}\n",
        encoding="utf-8",
    )
    out = tmp_path / "overlay.yaml"
    result = _refresh(cli, folder, out)
    assert result.exit_code == 0, result.output
    (board,) = yaml.safe_load(out.read_text(encoding="utf-8"))["leaderboards"]
    assert {(f["model"], f["benchmark"], f["value"]) for f in board["figures"]} == {
        (NEW, "livebench-coding", 71.5),
        (NEW, "livebench-reasoning", 80.25),
        (NEW, "livebench", 75.88),
    }
    assert "1 entries match no catalog model and are left out (not-a-model)" in result.output


def test_a_name_that_could_be_two_catalog_ids_is_left_out() -> None:
    from llmpick.quality.figures import Figure
    from llmpick.quality.refresh import to_catalog_ids

    board = [
        Figure("GPT 4.1", "lmarena-text", 1400, URL, None),
        Figure("Vendor/Model-X", "lmarena-text", 1300, URL, None),
    ]
    figures, unmatched = to_catalog_ids(board, {"gpt-4.1", "gpt-41", "model-x"}, {})
    assert [(f.model, f.entry) for f in figures] == [("model-x", "Vendor/Model-X")]
    assert unmatched == ["GPT 4.1"]


def test_a_refitted_index_moves_the_cut_offs_and_the_tier_scale_with_their_reference(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    """The frontier reference for text (GPT-4.1) measured lower on a new board: its score drops, the frontier cut
    follows it, it still meets its own tier, and scoring's tier scale puts it at the frontier corner (0.75)."""
    from llmpick.engine.scoring import tier_scale

    out = tmp_path / "overlay.yaml"
    folder = _board(tmp_path / "src", [{"model": "gpt-4.1", "score": 1330, "ci": 5, "votes": 9000}])
    assert _refresh(cli, folder, out).exit_code == 0
    catalog, builtin, policy = load_catalog(builtin_data_dir(), [out]), load_builtin_catalog(), load_policy()
    before, after = rate(builtin.model("gpt-4.1"), "text", builtin), rate(catalog.model("gpt-4.1"), "text", catalog)
    assert after.score is not None and before.score is not None and after.score < before.score - 0.01
    frontier = tier_cuts(policy, "text", catalog)["frontier"]
    assert frontier == round(after.score, 3) != tier_cuts(policy, "text", builtin)["frontier"]
    assert engine_rate(catalog.model("gpt-4.1"), policy, catalog).tier == "frontier"
    assert tier_scale(frontier, policy, "text", catalog) == pytest.approx(0.75)
    assert tier_scale(tier_cuts(policy, "text", builtin)["frontier"], policy, "text", builtin) == pytest.approx(0.75)


def test_an_epoch_download_rates_models_by_their_api_ids(tmp_path: Path, cli: Callable[..., Any]) -> None:
    """Epoch's ECI file names models by their API ids (settings that share a score are one entry): a newer
    download rates a catalog model no shipped figure rates, with no alias, and leaves the rest listed."""
    import csv

    builtin = load_builtin_catalog()
    assert not rate(builtin.model(NEW), "text", builtin).rated
    shipped = yaml.safe_load((data_dir() / "figures" / "epoch-eci-2026-07-01.yaml").read_text(encoding="utf-8"))
    rows = [{"Model version": r["entry"], "ECI Score": r["value"] + 0.5} for r in shipped["figures"]]  # a refit
    rows += [{"Model version": f"{NEW}_{setting}", "ECI Score": 163.2} for setting in ("high", "xhigh", "unknown")]
    rows += [
        {"Model version": "some-lab-model-9", "ECI Score": 120.0},
        {"Model version": "gpt-6-nova", "ECI Score": ""},
    ]
    folder = tmp_path / "src"
    folder.mkdir()
    with (folder / "epoch_capabilities_index.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["Model version", "ECI Score"])
        writer.writeheader()
        writer.writerows(rows)
    (folder / "leaderboards.yaml").write_text(
        "- source: epoch-eci\n  file: epoch_capabilities_index.csv\n  url: https://epoch.ai/data/benchmark_data.zip\n"
        "  as_of: 2026-11-30\n",
        encoding="utf-8",
    )
    out = tmp_path / "overlay.yaml"
    result = _refresh(cli, folder, out)
    assert result.exit_code == 0, result.output
    assert f"{NEW} (text): unrated → frontier" in result.output
    assert "some-lab-model-9" in result.output  # listed as matching no catalog model
    (board,) = yaml.safe_load(out.read_text(encoding="utf-8"))["leaderboards"]
    assert {"model": NEW, "benchmark": "epoch-eci", "value": 163.2, "entry": NEW} in board["figures"]
    catalog = load_catalog(builtin_data_dir(), [out])
    assert rate(catalog.model(NEW), "text", catalog).basis[-1]["source"] == "https://epoch.ai/data/benchmark_data.zip"
