"""Source model names → catalog ids: data/aliases.yaml, then a name that is a catalog id."""

from __future__ import annotations

import datetime as dt
import re
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


def to_catalog_ids(figures: list[Figure], known: set[str], aliases: dict[str, str]) -> tuple[list[Figure], list[str]]:
    """Figures renamed to catalog ids (the file's aliases, then the shipped ones, then a name that is an id),
    one per id, benchmark and date; and the names that matched nothing."""
    found: dict[tuple[str, str, dt.date | None], Figure] = {}
    used: set[str] = set()

    def keep(model_id: str, name: str, figure: Figure) -> None:
        used.add(name)
        renamed = Figure(model_id, figure.benchmark, figure.value, figure.source, figure.as_of, entry=name)
        found.setdefault((model_id, figure.benchmark, figure.as_of), renamed)

    for figure in figures:
        if figure.model in aliases:
            keep(aliases[figure.model], figure.model, figure)
    for figure in apply_aliases(figures):  # already renamed; the board's name is its entry
        if figure.entry is not None:
            keep(figure.model, figure.entry, figure)
    by_key: dict[str, list[str]] = {}
    for model_id in sorted(known):
        by_key.setdefault(_key(model_id), []).append(model_id)
    ids = {key: found_ids[0] for key, found_ids in by_key.items() if len(found_ids) == 1}  # two ids: never guess
    for figure in figures:
        same = ids.get(_key(figure.model))
        if same is not None:
            keep(same, figure.model, figure)
    unmatched = sorted({f.model for f in figures} - used)
    return list(found.values()), unmatched


def _key(name: str) -> str:
    """Case, punctuation and an "org/" prefix aside; nothing else is dropped (a "-high" entry is a setting)."""
    return re.sub(r"[^a-z0-9]", "", name.lower().rsplit("/", 1)[-1])
