#!/usr/bin/env bash
# Creates the two environments when they are missing or out of date:
#   .venv       Python 3.11, our code (uv sync from uv.lock)
#   .venv-rasa  Python 3.10, rasa==3.6.21 only (uv pip sync from rasa/requirements.lock)
set -euo pipefail
cd "$(dirname "$0")/.."

find_uv() {
  if command -v uv >/dev/null 2>&1; then command -v uv; return; fi
  if [ ! -x .tools/bin/uv ]; then
    echo "==> installing uv into .tools/" >&2
    python3 -m venv .tools
    .tools/bin/pip install --quiet "uv>=0.4"
  fi
  echo "$PWD/.tools/bin/uv"
}

# The image's python3.10 may be a pyenv shim that only works when 3.10 is selected,
# so test each candidate by running it.
find_python() {
  local want=$1 cand
  for cand in "python$want" $(ls -d "$HOME"/.pyenv/versions/"$want".*/bin/python"$want" 2>/dev/null) \
              /usr/bin/python"$want" /usr/local/bin/python"$want"; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys' >/dev/null 2>&1; then
      "$cand" -c 'import sys; print(sys.executable)'; return
    fi
  done
  echo "error: Python $want not found (needed for the ${2} environment)" >&2
  exit 1
}

UV=$(find_uv)
export UV_PYTHON_DOWNLOADS=never

stamp_ok() {  # $1 stamp file, rest: inputs
  local stamp=$1; shift
  [ -f "$stamp" ] || return 1
  for f in "$@"; do [ "$f" -nt "$stamp" ] && return 1; done
  return 0
}

if ! stamp_ok .venv/.synced pyproject.toml uv.lock; then
  echo "==> creating .venv (Python 3.11, our code)" >&2
  "$UV" sync --frozen --python "$(find_python 3.11 app)" --quiet
  touch .venv/.synced
fi

if ! stamp_ok .venv-rasa/.synced rasa/requirements.lock; then
  echo "==> creating .venv-rasa (Python 3.10, rasa==3.6.21)" >&2
  [ -x .venv-rasa/bin/python ] || "$UV" venv --quiet --python "$(find_python 3.10 Rasa)" .venv-rasa
  VIRTUAL_ENV=$PWD/.venv-rasa "$UV" pip sync --quiet rasa/requirements.lock
  touch .venv-rasa/.synced
fi
