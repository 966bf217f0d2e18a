"""MTEB results (github.com/embeddings-benchmark/results, CC0): the English benchmark MTEB(eng, v2).

Format: results/<org>__<model>/<revision>/<Task>.json = {task_name, scores: {split: [{hf_subset,
main_score, ...}]}}. The importer reads a checkout (or a copy of some model folders) of that
repository. A model's figure is the mean of its main scores over the 41 tasks of MTEB(eng, v2) --
the benchmark's 'Mean (Task)', in per cent -- and a model missing any of those tasks gets none (a
mean over fewer tasks is not the same benchmark). Task list and subsets as defined in the `mteb`
package (mteb/benchmarks/benchmarks.py, MTEB_EN). Runs under several revision folders (API models
re-run as the library changed) are pooled: for each task the revision holding most tasks wins.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from llmpick.errors import LlmpickError
from llmpick.quality.figures import Figure

BENCHMARK = "mteb-eng-v2"
# test split; the subset where the task is multilingual, otherwise every (English-only) subset
TASKS: dict[str, str | None] = {
    name: None
    for name in [
        "ArguAna",
        "ArXivHierarchicalClusteringP2P",
        "ArXivHierarchicalClusteringS2S",
        "AskUbuntuDupQuestions",
        "BIOSSES",
        "Banking77Classification",
        "BiorxivClusteringP2P.v2",
        "CQADupstackGamingRetrieval",
        "CQADupstackUnixRetrieval",
        "ClimateFEVERHardNegatives",
        "FEVERHardNegatives",
        "FiQA2018",
        "HotpotQAHardNegatives",
        "ImdbClassification",
        "MedrxivClusteringP2P.v2",
        "MedrxivClusteringS2S.v2",
        "MindSmallReranking",
        "SCIDOCS",
        "SICK-R",
        "STS12",
        "STS13",
        "STS14",
        "STS15",
        "STSBenchmark",
        "SprintDuplicateQuestions",
        "StackExchangeClustering.v2",
        "StackExchangeClusteringP2P.v2",
        "TRECCOVID",
        "Touche2020Retrieval.v3",
        "ToxicConversationsClassification",
        "TweetSentimentExtractionClassification",
        "TwentyNewsgroupsClustering.v2",
        "TwitterSemEval2015",
        "TwitterURLCorpus",
        "SummEvalSummarization.v2",
    ]
} | {
    "MTOPDomainClassification": "en",
    "MassiveIntentClassification": "en",
    "MassiveScenarioClassification": "en",
    "AmazonCounterfactualClassification": "en",
    "STS17": "en-en",
    "STS22.v2": "en",
}


def import_snapshot(path: Path, *, as_of: dt.date | None = None, url: str = "") -> list[Figure]:
    """One figure per model folder under `path` (or `path`/results) that holds every MTEB(eng, v2) task."""
    root = path / "results" if (path / "results").is_dir() else path
    if not root.is_dir():
        raise LlmpickError(f"{path}: not a checkout of embeddings-benchmark/results (no results/ folder)")
    figures = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        scores = _task_scores(folder)
        if len(scores) == len(TASKS):
            mean = 100 * sum(scores.values()) / len(scores)
            figures.append(Figure(folder.name, BENCHMARK, round(mean, 2), url or str(folder), as_of, entry=folder.name))
    return figures


def _task_scores(folder: Path) -> dict[str, float]:
    runs = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: -sum(1 for _ in p.glob("*.json")))
    out: dict[str, float] = {}
    for run in runs:
        for task, subset in TASKS.items():
            if task in out or not (run / f"{task}.json").is_file():
                continue
            score = _main_score(run / f"{task}.json", subset)
            if score is not None:
                out[task] = score
    return out


def _main_score(path: Path, subset: str | None) -> float | None:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["scores"]["test"]
        values = [float(r["main_score"]) for r in rows if subset is None or r.get("hf_subset") == subset]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return sum(values) / len(values) if values else None
