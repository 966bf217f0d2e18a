"""What each benchmark measures and how its raw figures become a 0..1 value on the benchmark's own scale."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from llmpick.errors import LlmpickError
from llmpick.quality.figures import data_dir
from llmpick.yamlio import load_yaml

Kind = Literal["elo", "percent", "wer", "index"]

TASKS = ("text", "code", "reasoning", "vision", "embeddings", "speech-to-text", "text-to-speech", "image-generation")


@dataclass(frozen=True)
class Benchmark:
    id: str
    task: str
    kind: Kind
    name: str
    licence: str
    format: str
    reference: float | None = None  # elo: the rating a model must match to score 0.5

    def normalise(self, value: float) -> float:
        if self.kind == "elo":
            assert self.reference is not None
            return 1.0 / (1.0 + 10 ** ((self.reference - value) / 400.0))
        if self.kind == "percent":
            return value / 100.0
        if self.kind == "index":  # a scale of its own (e.g. ECI): only the fitted cross-walk gives it meaning
            return value
        return max(0.0, 1.0 - value / 100.0)


@cache
def load_benchmarks() -> dict[str, Benchmark]:
    doc = load_yaml((data_dir() / "benchmarks.yaml").read_text(encoding="utf-8"))
    out = {}
    for key, spec in doc.items():
        if spec["task"] not in TASKS:
            raise LlmpickError(f"benchmarks.yaml: {key}.task {spec['task']!r} is not one of {', '.join(TASKS)}")
        if spec["kind"] == "elo" and spec.get("reference") is None:
            raise LlmpickError(f"benchmarks.yaml: {key} is an Elo benchmark and needs a reference rating")
        out[key] = Benchmark(id=key, **spec)
    return out
