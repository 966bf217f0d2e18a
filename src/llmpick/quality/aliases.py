"""Source model names → catalog ids (data/aliases.yaml)."""

from __future__ import annotations

from functools import cache

from llmpick.quality.figures import Figure, data_dir
from llmpick.yamlio import load_yaml


@cache
def load_aliases() -> dict[str, list[str]]:
    doc = load_yaml((data_dir() / "aliases.yaml").read_text(encoding="utf-8"))
    return {str(k): [str(n) for n in v] for k, v in doc.items()}


def apply_aliases(figures: list[Figure], aliases: dict[str, list[str]] | None = None) -> list[Figure]:
    """Figures renamed to catalog ids; for each id and benchmark the first listed name present wins, the rest drop."""
    aliases = aliases if aliases is not None else load_aliases()
    by_name: dict[tuple[str, str], Figure] = {(f.benchmark, f.model): f for f in figures}
    out: list[Figure] = []
    for model_id, names in aliases.items():
        for benchmark in sorted({f.benchmark for f in figures}):
            hit = next((by_name[(benchmark, n)] for n in names if (benchmark, n) in by_name), None)
            if hit is not None:
                out.append(Figure(model_id, benchmark, hit.value, hit.source, hit.as_of, entry=hit.model))
    return out
