#!/usr/bin/env bash
# Maintainers: refresh the shipped catalog from fresh copies of its sources, then review the diff.
#   scripts/refresh_catalog.sh [SOURCES_DIR]
# SOURCES_DIR (default: a new temporary folder) receives models.dev's api.json and OpenRouter's models export;
# genai-prices and voice-prices are upgraded in the active environment first. Nothing is committed: read
# `git diff src/llmpick/catalog/data` and the printed catalog diff, then commit or open a pull request.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
SRC="${1:-$(mktemp -d)}"
mkdir -p "$SRC"

"$PY" -m pip install --quiet --upgrade genai-prices voice-prices
curl -fsSL https://models.dev/api.json -o "$SRC/models.dev.json"
curl -fsSL https://openrouter.ai/api/v1/models -o "$SRC/openrouter-models.json"

git show HEAD:src/llmpick/catalog/data/models/imported-genai-prices.yaml > /dev/null  # the file must exist
"$PY" - "$SRC" <<'PY'
import datetime as dt
import sys
from pathlib import Path

from llmpick.catalog.refresh import ship

models, offerings = ship(dt.date.today(), folder=Path(sys.argv[1]))
print(f"imported records: {models} models, {offerings} offerings")
PY
echo "Bump version and as_of in src/llmpick/catalog/data/catalog.yaml, then review:"
git --no-pager diff --stat -- src/llmpick/catalog/data
