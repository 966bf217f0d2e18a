#!/usr/bin/env bash
# What the deploy-kit tests need beyond `pip install -e .[eval,test]` and .ci/eval-setup.sh (the local LLM server,
# CPU torch, sentence-transformers), installed into the venv given as $1. Idempotent: present parts are skipped.
#   - kubernetes-validate: the Kubernetes JSON schemas, to validate the generated manifests offline
#   - haystack-ai + sentence-transformers-haystack: load and run the generated RAG pipeline (torch pinned to the
#     CPU build eval-setup installs, so nothing pulls a CUDA build)
#   - trl + peft: parse the generated fine-tuning config with TRL's own argument parser
#   - @portkey-ai/gateway (npm, pinned): the real AI gateway the hybrid kit configures, under $VENV/node
set -euo pipefail
VENV="${1:?usage: deploy-setup.sh VENV}"
PY="$VENV/bin/python"
GATEWAY_VERSION="1.15.2"
has() { "$PY" - "$1" <<'PY' >/dev/null 2>&1
import importlib.util, sys
sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)
PY
}
TORCH="torch==2.13.0"
"$PY" -c "import torch" >/dev/null 2>&1 && TORCH="torch==$("$PY" -c 'import torch; print(torch.__version__.split("+")[0])')"

if has kubernetes_validate; then echo "deploy-setup: kubernetes-validate present"
else "$PY" -m pip install --quiet "kubernetes-validate>=1.30"; fi

if has haystack && has haystack_integrations.components.embedders.sentence_transformers; then
  echo "deploy-setup: haystack present"
else
  "$PY" -m pip install --quiet "$TORCH" "haystack-ai>=2.9" "sentence-transformers-haystack"
fi

if has trl && has peft; then echo "deploy-setup: trl + peft present"
else "$PY" -m pip install --quiet "$TORCH" trl peft; fi

NODE_DIR="$VENV/node"
if [ -f "$NODE_DIR/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
  echo "deploy-setup: @portkey-ai/gateway present"
elif command -v npm >/dev/null 2>&1; then
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && [ -f package.json ] || echo '{"private": true}' > package.json)
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --ignore-scripts --silent "@portkey-ai/gateway@$GATEWAY_VERSION"
else
  echo "deploy-setup: npm not found — the gateway test will skip" >&2
fi
echo "deploy-setup: done"
