#!/usr/bin/env bash
# The catalog's optional speech-price source (voice-prices), so its tests run the real package.
set -euo pipefail
VENV="${1:-.venv-ci}"
"$VENV/bin/python" -m pip install --quiet -e ".[voice]"
