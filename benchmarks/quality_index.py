"""How much of the catalog the quality index rates, and how well it agrees with each source benchmark.

Run: python benchmarks/quality_index.py [--no-write]
Writes its figures into BENCHMARKS.md between <!-- quality:start --> and <!-- quality:end -->.

Coverage: active catalog models released since 2025-01-01, rated from their own figures for their
main task (a labelled same-release estimate is counted apart). Agreement: Spearman's rank correlation
between the index and each series (one benchmark at one date) on the models both hold -- first with
the full index, then leaving that series out (the index refitted without it), and leaving the whole
benchmark out, which is the honest test of a cross-walk.
"""

from __future__ import annotations

import argparse
import datetime as dt

from sections import write_section

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.quality import TASKS, main_task, rate
from llmpick.quality.benchmarks import load_benchmarks
from llmpick.quality.figures import load_figures
from llmpick.quality.index import build_task_index, spearman

SINCE = dt.date(2025, 1, 1)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def coverage_section() -> list[str]:
    catalog = load_builtin_catalog()
    active = [m for m in catalog.models.values() if m.release.status.value == "active"]
    recent = sorted((m for m in active if m.release.date and m.release.date >= SINCE), key=lambda m: m.id)
    ratings = [(m, rate(m, main_task(m), catalog)) for m in recent]
    measured = sum(r.rated for _, r in ratings)
    curated = [(m, r) for m, r in ratings if m.curation == "curated"]
    estimated = sum(r.estimated for _, r in ratings)
    lines = [
        "### Coverage",
        "",
        f"Active models released since {SINCE}: **{len(recent)}**; rated for their main task from their own figures: "
        f"**{measured} ({measured / len(recent):.0%})**; with a labelled same-release estimate: {estimated} more "
        f"({(measured + estimated) / len(recent):.0%} in all). Goal: ≥ 90%.",
        "",
        # the catalog's hand-curated records apart from those imported in bulk from hosts' model lists
        f"Of them curated by hand: {len(curated)}, rated {sum(r.rated for _, r in curated)} "
        f"({sum(r.rated for _, r in curated) / max(1, len(curated)):.0%}), estimated "
        f"{sum(r.estimated for _, r in curated)}; imported by `catalog refresh`: {len(ratings) - len(curated)}, rated "
        f"{measured - sum(r.rated for _, r in curated)}.",
        "",
        "| task | active models doing it | rated | estimated | unrated |",
        "| --- | --- | --- | --- | --- |",
    ]
    for task in TASKS:
        doing = [m for m in active if task in [t.value for t in m.tasks]]
        rs = [rate(m, task, catalog) for m in doing]
        lines.append(
            f"| {task} | {len(doing)} | {sum(r.rated for r in rs)} | {sum(r.estimated for r in rs)} | "
            f"{sum(not r.rated and not r.estimated for r in rs)} |"
        )
    unrated = [f"`{m.id}` ({main_task(m)})" for m, r in ratings if not r.rated and not r.estimated]
    lines += ["", "Unrated (released since 2025, active): " + (", ".join(unrated) or "none") + "."]
    figures = load_figures()
    outside = sorted({f.model for f in figures} - catalog.models.keys())
    lines += [
        "",
        f"{len(figures)} figures shipped; {len(outside)} of their model ids are not in the catalog yet "
        f"(kept: they anchor the cross-walks and rate those models once the catalog adds them): "
        + ", ".join(f"`{i}`" for i in outside)
        + ".",
    ]
    return lines


def agreement_section() -> list[str]:
    figures, benchmarks = load_figures(), load_benchmarks()
    lines = [
        "### Agreement with each source (Spearman ρ on shared models)",
        "",
        "| task | series | fit | models | ρ full index | ρ series left out | ρ benchmark left out |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for task in TASKS:
        full = build_task_index(figures, benchmarks, task)
        for series, fit in full.fits.items():
            values: dict[str, float] = {}
            seen: set[str] = set()  # a model the catalog lists under two ids is one point
            for f in figures:
                if f.series == series and f.model in full.entries and (f.entry or f.model) not in seen:
                    seen.add(f.entry or f.model)
                    values[f.model] = f.value
            sign = -1.0 if benchmarks[series[0]].kind == "wer" else 1.0  # a lower WER is better
            models = sorted(values)
            rho_full = spearman([sign * values[m] for m in models], [full.entries[m].score for m in models])
            cells = []
            for exclude in (
                frozenset({series}),
                frozenset(s for s in full.fits if s[0] == series[0]),
            ):
                rest = build_task_index(figures, benchmarks, task, exclude)
                shared = [m for m in models if m in rest.entries]
                rho = spearman([sign * values[m] for m in shared], [rest.entries[m].score for m in shared])
                cells.append(f"{_fmt(rho)} (n={len(shared)})")
            fit_text = fit.kind if fit.primary else f"{fit.kind}, r²={fit.r2:.2f} on {fit.shared}"
            lines.append(
                f"| {task} | {series[0]} {series[1]} | {fit_text} | {len(models)} | {_fmt(rho_full)} | {cells[0]} | {cells[1]} |"
            )
        for series in full.unfitted:
            lines.append(f"| {task} | {series[0]} {series[1]} | not fitted (too few shared models) | – | – | – | – |")
    lines += [
        "",
        "ρ full index is high by construction where a series is most of the index; the left-out columns show how well",
        "the rest of the data predicts that series. '–' means fewer than three shared models.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    body = "\n".join(
        [
            "## Quality index",
            "",
            f"Measured {dt.date.today()} on the shipped figures (src/llmpick/quality/data/figures/) and catalog.",
            "",
            *coverage_section(),
            "",
            *agreement_section(),
        ]
    )
    print(body)
    if not args.no_write:
        write_section("quality", body)


if __name__ == "__main__":
    main()
