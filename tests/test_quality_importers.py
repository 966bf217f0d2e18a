"""Importers read the files users download from each leaderboard, offline, into figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from llmpick.errors import LlmpickError
from llmpick.quality.aliases import apply_aliases
from llmpick.quality.importers import REGISTRY, import_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "quality"


def test_the_registry_names_every_source_the_refresh_can_plug_in() -> None:
    assert set(REGISTRY) == {
        "lmarena-arena-catalog",
        "lmarena-leaderboard-dataset",
        "arena-ai-daily",
        "arena-history",
        "aider-polyglot",
        "open-asr-leaderboard",
        "mteb-results",
        "livebench",
        "epoch-eci",
    }


def test_lmarena_export_gives_overall_coding_and_math_as_separate_benchmarks() -> None:
    figures = import_file(
        "lmarena-arena-catalog", FIXTURES / "leaderboard-text-style-control.json", as_of=dt.date(2025, 12, 11)
    )
    by = {(f.benchmark, f.model): f.value for f in figures}
    assert {b for b, _ in by} == {"lmarena-text", "lmarena-coding", "lmarena-math"}  # 'chinese' is not read
    assert by[("lmarena-text", "gpt-5-high")] > by[("lmarena-text", "gpt-5-nano-high")]
    assert all(f.as_of == dt.date(2025, 12, 11) for f in figures)


def test_lmarena_dataset_keeps_the_newest_publish_date_of_a_csv_export() -> None:
    figures = import_file("lmarena-leaderboard-dataset", FIXTURES / "lmarena-dataset-text.csv")
    assert {f.as_of for f in figures} == {dt.date(2026, 7, 16)}
    assert {f.model: f.value for f in figures}["claude-opus-4-6"] == 1497.8  # not the 2026-05-27 row
    assert {f.benchmark for f in figures} == {"lmarena-text"}


def test_lmarena_dataset_reads_the_parquet_file_itself(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="the 'quality' extra (pyarrow) reads parquet")
    import csv

    import pyarrow as pa

    with (FIXTURES / "lmarena-dataset-text.csv").open() as handle:
        rows = [r | {"rating": float(r["rating"])} for r in csv.DictReader(handle)]
    path = tmp_path / "latest-00000-of-00001.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    figures = import_file("lmarena-leaderboard-dataset", path)
    assert len(figures) == 3 and {f.as_of for f in figures} == {dt.date(2026, 7, 16)}


def test_arena_daily_snapshot_dates_itself_and_keeps_the_source_page() -> None:
    figures = import_file("arena-ai-daily", FIXTURES / "arena-daily-text.json")
    assert {f.as_of for f in figures} == {dt.date(2026, 4, 19)}
    assert {f.source for f in figures} == {"https://arena.ai/leaderboard/text"}
    assert {f.benchmark for f in figures} == {"lmarena-text"}


def test_aider_keeps_each_models_best_run() -> None:
    figures = {f.model: f for f in import_file("aider-polyglot", FIXTURES / "polyglot_leaderboard.yml")}
    assert figures["gpt-5 (high)"].value == 88.0
    assert figures["gpt-5 (medium)"].value < figures["gpt-5 (high)"].value
    assert figures["gpt-5 (high)"].as_of == max(f.as_of for f in figures.values() if f.as_of)


def test_open_asr_reads_word_error_rates_once_per_model() -> None:
    figures = import_file("open-asr-leaderboard", FIXTURES / "en_shortform.csv", as_of=dt.date(2026, 5, 22))
    names = [f.model for f in figures]
    assert len(names) == len(set(names))  # the export repeats a row; one figure per model
    wer = {f.model: f.value for f in figures}
    assert wer["openai/whisper-large-v3"] < wer["openai/whisper-large-v3-turbo"]


def test_aliases_rename_to_catalog_ids_and_drop_the_rest() -> None:
    figures = apply_aliases(import_file("arena-ai-daily", FIXTURES / "arena-daily-text.json"))
    ids = {f.model for f in figures}
    assert {"claude-sonnet-4-5", "gemma-4-31b-it"} <= ids
    assert all(f.entry for f in figures)  # the source's own name is kept beside the id


@pytest.mark.parametrize(
    ("source", "content", "words"),
    [
        ("lmarena-arena-catalog", "[1, 2]", "'full'"),
        ("arena-ai-daily", '{"models": []}', "meta.leaderboard"),
        ("aider-polyglot", "model: x", "list of benchmark runs"),
        ("open-asr-leaderboard", "name,wer\nx,1\n", "Avg. WER"),
        ("lmarena-leaderboard-dataset", "name,wer\nx,1\n", "leaderboard_publish_date"),
    ],
)
def test_a_wrong_file_is_refused_with_what_was_expected(tmp_path: Path, source: str, content: str, words: str) -> None:
    path = tmp_path / "leaderboard-text.json"
    path.write_text(content)
    with pytest.raises(LlmpickError, match=words):
        import_file(source, path)


def test_an_unknown_source_names_the_allowed_ones(tmp_path: Path) -> None:
    with pytest.raises(LlmpickError, match="aider-polyglot"):
        import_file("mmlu-blog", tmp_path / "x.json")


def test_arena_history_gives_the_rating_each_curve_held_on_the_day() -> None:
    path = FIXTURES / "arena-history-data.js"
    newest = {f.model: f.value for f in import_file("arena-history", path)}
    assert newest == {"claude-opus-4-6": 1512.4, "gpt-5.5": 1473.2, "claude-opus-4-8": 1472.4}
    may = import_file("arena-history", path, as_of=dt.date(2026, 5, 14))
    assert {f.model: f.value for f in may} == {"claude-opus-4-6": 1499.6, "gpt-5.5": 1473.2, "claude-opus-4-7": 1489.9}
    assert {f.as_of for f in may} == {dt.date(2026, 5, 14)} and {f.benchmark for f in may} == {"lmarena-text-raw"}


def test_arena_history_refuses_a_file_without_its_chart_constants(tmp_path: Path) -> None:
    path = tmp_path / "data.js"
    path.write_text("var x = 1;\n", encoding="utf-8")
    with pytest.raises(LlmpickError, match="AI-Arena-History"):
        import_file("arena-history", path)


def _mteb_run(folder: Path, tasks: list[str], score: float) -> None:
    from llmpick.quality.importers.mteb_results import TASKS

    folder.mkdir(parents=True)
    for task in tasks:
        subset = TASKS[task] or "default"
        rows = [{"hf_subset": subset, "main_score": score}, {"hf_subset": "xx", "main_score": 0.0}]
        if TASKS[task] is None:
            rows = rows[:1]
        (folder / f"{task}.json").write_text(json.dumps({"task_name": task, "scores": {"test": rows}}))


def test_mteb_scores_a_model_only_on_every_task_of_the_english_benchmark(tmp_path: Path) -> None:
    from llmpick.quality.importers.mteb_results import TASKS

    tasks = sorted(TASKS)
    _mteb_run(tmp_path / "results" / "org__full" / "rev1", tasks[:30], 0.70)
    _mteb_run(tmp_path / "results" / "org__full" / "rev2", tasks[25:], 0.50)  # pooled: rev1 wins its 30
    _mteb_run(tmp_path / "results" / "org__partial" / "rev1", tasks[:-1], 0.90)  # one task short
    figures = import_file("mteb-results", tmp_path, as_of=dt.date(2026, 8, 20))
    assert [(f.model, f.benchmark) for f in figures] == [("org__full", "mteb-eng-v2")]
    assert figures[0].value == pytest.approx(100 * (30 * 0.70 + 11 * 0.50) / 41, abs=0.01)  # the English subset only


def test_livebench_averages_categories_as_the_site_does_and_skips_incomplete_ones() -> None:
    figures = import_file("livebench", FIXTURES / "table_2026_01_08.csv", as_of=dt.date(2026, 7, 1))
    by = {(f.benchmark, f.model): f.value for f in figures}
    assert by[("livebench-coding", "big-model-high")] == 75.0
    assert by[("livebench-reasoning", "big-model-high")] == 50.0
    assert by[("livebench", "big-model-high")] == pytest.approx((75 + 50 + 50) / 3, abs=0.01)
    # a missing 'spatial' score: no Reasoning figure and no global average, Coding still counts
    assert ("livebench-reasoning", "small-model") not in by and ("livebench", "small-model") not in by
    assert by[("livebench-coding", "small-model")] == 35.0


def test_epoch_eci_reads_one_entry_per_model_when_its_settings_share_a_score() -> None:
    """Epoch's newer downloads score the model, not the setting: `claude-opus-4-8_high`, `_low` and `_max` are one
    entry, named without the setting (often the catalog's own id); an unscored row gives nothing."""
    figures = import_file("epoch-eci", FIXTURES / "epoch-eci.csv", as_of=dt.date(2026, 7, 1), url="https://x")
    by = {f.model: f.value for f in figures}
    assert by == {
        "claude-opus-4-8": 158.27,
        "gpt-5.5-pro": 161.29,
        "o3-pro-2025-06-10": 148.04,
        "gpt-5.4-pro-2026-03-05": 157.91,
        "gpt-5.4-pro-2026-03-05-web-app": 157.91,  # ChatGPT, not a reasoning setting of the API model: its own entry
    }
    assert {f.benchmark for f in figures} == {"epoch-eci"} and {f.as_of for f in figures} == {dt.date(2026, 7, 1)}


def test_epoch_eci_keeps_settings_apart_where_their_scores_differ() -> None:
    """An older download scored each setting: which one a catalog model is, is the aliases' choice, not a guess."""
    figures = import_file("epoch-eci", FIXTURES / "epoch-eci-2025-11.csv")
    assert {f.model: f.value for f in figures} == {
        "gpt-5-2025-08-07_high": 149.63,
        "gpt-5-2025-08-07_medium": 150.0,
        "claude-sonnet-4-5-20250929": 138.07,
        "claude-sonnet-4-5-20250929_32K": 142.5,
    }


def test_epoch_eci_names_the_file_that_is_not_one(tmp_path: Path) -> None:
    wrong = tmp_path / "eci.csv"
    wrong.write_text("model,score\na,1\n", encoding="utf-8")
    with pytest.raises(LlmpickError, match="'Model version' and 'ECI Score'"):
        import_file("epoch-eci", wrong)
    wrong.write_text("Model version,ECI Score\na,high\n", encoding="utf-8")
    with pytest.raises(LlmpickError, match="a: ECI Score 'high' is not a number"):
        import_file("epoch-eci", wrong)
