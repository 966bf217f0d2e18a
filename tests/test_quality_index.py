"""The index holds the orderings every maintained leaderboard agrees on, from the imported figures."""

from __future__ import annotations

import datetime as dt

import pytest

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_builtin_catalog
from llmpick.quality import rate
from llmpick.quality.benchmarks import Benchmark, load_benchmarks
from llmpick.quality.figures import Figure, load_figures
from llmpick.quality.index import build_task_index, spearman


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_builtin_catalog()


def _score(catalog: Catalog, model: str, task: str) -> float:
    r = rate(catalog.models[model], task, catalog)
    assert r.rated and r.score is not None, f"{model} has no measured {task} figure: {r.summary}"
    return r.score


@pytest.mark.parametrize(
    ("better", "worse", "task"),
    [
        # a frontier API above its mini and nano siblings
        ("gpt-5", "gpt-5-mini", "text"),
        ("gpt-5-mini", "gpt-5-nano", "text"),
        ("gemini-2.5-pro", "gemini-2.5-flash", "text"),
        ("gemini-2.5-flash", "gemini-2.5-flash-lite", "text"),
        ("claude-sonnet-4-5", "claude-haiku-4-5", "text"),
        ("gpt-4.1", "gpt-4.1-mini", "text"),
        ("gpt-5", "gpt-5-nano", "code"),
        ("gemini-2.5-pro", "gemini-2.5-flash", "code"),
        ("gpt-5", "gpt-5-nano", "reasoning"),
        ("gpt-5", "gpt-5-nano", "vision"),
        # current frontier APIs above small open models
        ("gpt-5.6-sol", "gpt-oss-20b", "text"),
        ("gemini-3.1-pro-preview", "gemma-4-31b-it", "text"),
        ("claude-sonnet-4-6", "qwen3-32b", "code"),
        ("gpt-5", "llama-3.1-8b-instruct", "code"),
        # each family's larger model above its smaller one
        ("gpt-oss-120b", "gpt-oss-20b", "text"),
        ("qwen3-235b-a22b", "qwen3-32b", "text"),
        ("gemma-3-27b-it", "gemma-3-12b-it", "text"),
        ("gemma-3-12b-it", "gemma-3-4b-it", "text"),
        ("llama-4-maverick", "llama-4-scout", "text"),
        ("llama-3.1-405b-instruct", "llama-3.1-70b-instruct", "text"),
        ("llama-3.1-70b-instruct", "llama-3.1-8b-instruct", "text"),
        ("llama-3.2-3b-instruct", "llama-3.2-1b-instruct", "text"),
        ("whisper-large-v3", "whisper-large-v3-turbo", "speech-to-text"),
    ],
)
def test_orderings_all_leaderboards_agree_on(catalog: Catalog, better: str, worse: str, task: str) -> None:
    assert _score(catalog, better, task) > _score(catalog, worse, task)


# From the 2025-26 sources (LiveBench, LMArena via AI-Arena-History and arena-ai daily, MTEB, Open ASR) and the aliases that reach
# catalog ids under hosts' names. Each pair is checked twice: on the index, and on every imported
# series that holds both models -- an ordering any one leaderboard contradicts does not belong here.
NEWER_ORDERINGS = [
    # a frontier API above its mini, nano or haiku sibling
    ("gpt-5.5", "gpt-5.4-nano", "text"),
    ("gpt-5.4", "gpt-5.4-mini", "text"),
    ("gpt-4.1", "gpt-4.1-nano", "text"),
    ("claude-opus-4-8", "claude-haiku-4-5", "text"),
    ("gpt-5.5", "gpt-5.4-nano", "code"),
    ("claude-opus-4-8", "claude-haiku-4-5", "code"),
    ("gpt-5.5", "gpt-5.4-nano", "reasoning"),
    ("gpt-5", "gpt-4.1-nano", "vision"),
    ("gemini-3-pro-image-preview", "gemini-2.5-flash-image", "image-generation"),
    # current frontier APIs above small open models
    ("claude-opus-4-8", "gpt-oss-20b", "text"),
    ("gpt-5.5", "olmo-3-32b-think", "text"),
    ("deepseek-v4-pro", "qwen3-32b", "text"),
    # each family's larger current model above its smaller one
    ("deepseek-v4-pro", "deepseek-v4-flash", "text"),
    ("deepseek-v4-pro", "deepseek-v4-flash", "code"),
    ("deepseek-v4-pro", "deepseek-v4-flash", "reasoning"),
    ("glm-4.5", "glm-4.5-air", "text"),
    ("qwen3-235b-a22b-2507", "qwen3-30b-a3b-instruct-2507", "text"),
    ("qwen3-max", "qwen3-32b", "text"),
    ("qwen3.5-397b-a17b", "qwen3.5-122b-a10b", "text"),
    ("voxtral-small-24b-2507", "voxtral-mini-3b-2507", "speech-to-text"),
    ("qwen3-embedding-8b", "all-minilm-l6-v2", "embeddings"),
    ("qwen3-embedding-8b", "nomic-embed-text-v1.5", "embeddings"),
    ("gemini-embedding-001", "nomic-embed-text-v1.5", "embeddings"),
]


@pytest.mark.parametrize(("better", "worse", "task"), NEWER_ORDERINGS)
def test_newer_orderings_hold_on_the_index_and_on_every_source_holding_both(
    catalog: Catalog, better: str, worse: str, task: str
) -> None:
    assert _score(catalog, better, task) > _score(catalog, worse, task)
    benchmarks = load_benchmarks()
    values: dict[tuple[str, object], dict[str, float]] = {}
    for f in load_figures():
        bench = benchmarks.get(f.benchmark)
        if bench is not None and bench.task == task and f.model in (better, worse):
            values.setdefault(f.series, {})[f.model] = -f.value if bench.kind == "wer" else f.value
    for series, pair in values.items():
        if len(pair) == 2:
            assert pair[better] > pair[worse], f"{series} ranks {worse} above {better}"


def test_the_issue_inversions_are_gone(catalog: Catalog) -> None:
    """GPT-5.6 Sol no longer sits below GPT-5 nano, nor a 31B local model above GPT-5.6 Sol."""
    assert (
        _score(catalog, "gpt-5.6-sol", "text")
        > _score(catalog, "gpt-5", "text")
        > _score(catalog, "gpt-5-nano", "text")
    )
    assert _score(catalog, "gpt-5.6-sol", "text") > _score(catalog, "gemma-4-31b-it", "text")
    for unmeasured in ("gpt-6-luna", "gpt-6.1-terra", "falcon-3-10b-instruct", "stablelm-2-12b-chat"):
        assert not rate(catalog.models[unmeasured], "text", catalog).rated


def _elo(model: str, value: float, day: int) -> Figure:
    return Figure(model, "lmarena-text", value, "test", dt.date(2026, 1, day))


def test_a_later_snapshot_is_shifted_by_the_gap_measured_on_shared_models() -> None:
    bench = {"lmarena-text": Benchmark("lmarena-text", "text", "elo", "t", "-", "-", 1400.0)}
    first = [_elo(m, v, 1) for m, v in {"a": 1300, "b": 1350, "c": 1400, "d": 1450, "e": 1250}.items()]
    later = [_elo(m, v + 20, 2) for m, v in {"b": 1350, "c": 1400, "d": 1450}.items()] + [_elo("new", 1500, 2)]
    index = build_task_index(first + later, bench, "text")
    fit = index.fits[("lmarena-text", dt.date(2026, 1, 2))]
    assert fit.kind == "offset" and fit.intercept == pytest.approx(-20)
    assert index.entries["new"].score == pytest.approx(bench["lmarena-text"].normalise(1480))


def test_another_benchmark_is_mapped_by_a_fitted_line_not_taken_as_equal() -> None:
    index = build_task_index(load_figures(), load_benchmarks(), "code")
    aider = next(f for s, f in index.fits.items() if s[0] == "aider-polyglot")
    assert aider.kind == "linear" and aider.shared >= 5
    assert aider.slope != pytest.approx(1.0, abs=0.05)  # a pass rate is not a win rate
    assert 0 < aider.r2 <= 1


def test_a_series_sharing_too_few_models_is_left_out_not_guessed() -> None:
    bench = {
        "lmarena-text": Benchmark("lmarena-text", "text", "elo", "t", "-", "-", 1400.0),
        "aider-polyglot": Benchmark("aider-polyglot", "text", "percent", "a", "-", "-"),
    }
    figures = [_elo(m, 1300 + 10 * i, 1) for i, m in enumerate("abcdef")]
    figures += [
        Figure("a", "aider-polyglot", 50, "t", dt.date(2026, 1, 1)),
        Figure("z", "aider-polyglot", 90, "t", None),
    ]
    index = build_task_index(figures, bench, "text")
    assert ("aider-polyglot", dt.date(2026, 1, 1)) in index.unfitted
    assert "z" not in index.entries


def test_vendor_reported_figures_stay_out_of_the_index() -> None:
    bench = {"lmarena-text": Benchmark("lmarena-text", "text", "elo", "t", "-", "-", 1400.0)}
    claim = Figure("x", "lmarena-text", 1600, "model card", dt.date(2026, 1, 1), vendor_reported=True)
    assert "x" not in build_task_index([claim], bench, "text").entries


def test_spearman_matches_known_values() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2], [1, 2]) is None
