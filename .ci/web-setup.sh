#!/usr/bin/env bash
# What the web tests need beyond `pip install -e .[web,test]`, installed into the venv given as $1.
# Idempotent: each step is skipped when already present.
#   - Debian's chromium (+ chromium-driver) for the end-to-end tests (Playwright drives it through
#     executable_path; `playwright install` is never run: no browser download)
#   - libcairo2 for PNG export of the charts (cairosvg)
#   - Python: playwright, schemathesis (OpenAPI fuzzing), cairosvg, httpx
#   - axe-core (npm) into .ci/axe: the accessibility checks of tests/test_web_browser.py inject axe.min.js
set -euo pipefail
VENV="${1:?usage: web-setup.sh VENV}"
PY="$VENV/bin/python"
has() { "$PY" - "$1" <<'PY' >/dev/null 2>&1
import importlib.util, sys
sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)
PY
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
ldconfig -p 2>/dev/null | grep -q "libcairo.so.2" || missing+=(libcairo2)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "web-setup: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "web-setup: WARNING cannot install ${missing[*]} (needs root and apt-get): the browser tests will skip"
  fi
else
  echo "web-setup: chromium and libcairo2 present"
fi

if has playwright && has schemathesis && has cairosvg && has httpx; then
  echo "web-setup: python packages present"
else
  "$PY" -m pip install --quiet "playwright>=1.45" "schemathesis>=4" "cairosvg>=2.7" "httpx>=0.27"
fi
AXE_DIR="$(dirname "$0")/axe"
if [ -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  echo "web-setup: axe-core present"
elif command -v npm >/dev/null; then
  mkdir -p "$AXE_DIR"
  (cd "$AXE_DIR" && npm install --silent --no-audit --no-fund "axe-core@^4.10" >/dev/null)
  echo "web-setup: axe-core installed into $AXE_DIR"
else
  echo "web-setup: WARNING npm is missing (apt-get install npm): the accessibility checks will skip"
fi
echo "web-setup: done"
