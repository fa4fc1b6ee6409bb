#!/usr/bin/env bash
# Sourced by generate.sh and test.sh: makes sure client-sdk/python/.venv exists with the
# exact tool versions of pyproject.toml's `dev` extra, and sets $PY to its interpreter.
# The venv is rebuilt when those pins (or the Python) change; otherwise reused.
set -euo pipefail
sdk="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${PORTHOLE_PY_VENV:-$sdk/.venv}"
base_python="${PYTHON:-python3}"

pins=$("$base_python" - "$sdk/pyproject.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["optional-dependencies"]["dev"]))
PY
)
stamp="$("$base_python" -c 'import sys; print(sys.version)') $pins"
if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.pins" 2>/dev/null)" != "$stamp" ]]; then
  rm -rf "$venv"
  "$base_python" -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pins
  printf '%s' "$stamp" >"$venv/.pins"
fi
PY="$venv/bin/python"
