"""Check one catalog data file against the schema: ``python -m llmpick.catalog.validate_file KIND FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel

from llmpick.catalog.loader import read_records
from llmpick.catalog.schema import Hardware, Model, Offering, Provider, QualityRecord, Runtime

KINDS: dict[str, type[BaseModel]] = {
    "models": Model,
    "providers": Provider,
    "offerings": Offering,
    "runtimes": Runtime,
    "hardware": Hardware,
    "quality": QualityRecord,
}


def main(argv: list[str]) -> int:
    kind, *paths = argv
    records: list[BaseModel] = read_records(KINDS[kind], [Path(p) for p in paths])
    print(f"{len(records)} {kind} records valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
