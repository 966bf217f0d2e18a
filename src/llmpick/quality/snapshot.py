"""Write an imported leaderboard file into data/figures/ (the shipped snapshot), renamed to catalog ids.

    python -m llmpick.quality.snapshot SOURCE FILE --name NAME --url URL [--as-of DATE] [--kind KIND] [--note TEXT]

Kept: the names data/aliases.yaml lists (catalog ids, and ids not yet in the catalog whose figures anchor the
cross-walks), and names that are exactly a catalog id (case and punctuation aside) -- the rule `catalog refresh`
applies to a team's own files. The rest of a leaderboard is models the catalog does not hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import yaml

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.quality.aliases import to_catalog_ids
from llmpick.quality.figures import Figure, data_dir, snapshot_of
from llmpick.quality.importers import import_file


def write_snapshot(figures: list[Figure], out: Path, *, url: str, note: str, source: str) -> int:
    doc = snapshot_of(figures, source=source, url=url, note=note)
    rows = doc.pop("figures")
    lines = [yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=10_000).rstrip(), "figures:"]
    lines += [
        f"  - {yaml.safe_dump(row, sort_keys=False, default_flow_style=True, width=10_000).strip()}" for row in rows
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source")
    parser.add_argument("file", type=Path)
    parser.add_argument("--name", required=True, help="output file name under data/figures/ (no extension)")
    parser.add_argument("--url", required=True, help="the published snapshot's address (a pinned commit)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--kind", default=None)
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    options: dict[str, object] = {"url": args.url}
    if args.as_of is not None:
        options["as_of"] = args.as_of
    if args.kind is not None:
        options["kind"] = args.kind
    known = set(load_builtin_catalog().models)
    figures, _ = to_catalog_ids(import_file(args.source, args.file, **options), known, {})
    count = write_snapshot(
        figures, data_dir() / "figures" / f"{args.name}.yaml", url=args.url, note=args.note, source=args.source
    )
    print(f"{count} figures written to {args.name}.yaml")


if __name__ == "__main__":
    main()
