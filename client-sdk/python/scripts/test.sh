#!/usr/bin/env bash
# The Python SDK's whole check, as the project's test command runs it:
#   1. a venv (client-sdk/python/.venv) with the exact versions pinned in pyproject.toml,
#   2. the generated code is fresh against proto/ (scripts/generate.sh --check),
#   3. a wheel is built (hatchling, pinned in [build-system]) and installed into the venv,
#   4. pytest runs against that installed wheel and the real server at $PORTHOLE_BIN.
set -euo pipefail
: "${PORTHOLE_BIN:?set PORTHOLE_BIN to a built porthole server binary (e.g. target/debug/porthole)}"
[[ -x "$PORTHOLE_BIN" ]] || { echo "test.sh: PORTHOLE_BIN=$PORTHOLE_BIN is not an executable" >&2; exit 1; }
PORTHOLE_BIN="$(cd "$(dirname "$PORTHOLE_BIN")" && pwd)/$(basename "$PORTHOLE_BIN")"
export PORTHOLE_BIN

source "$(dirname "$0")/venv.sh"
"$(dirname "$0")/generate.sh" --check

dist="$sdk/dist"
rm -rf "$dist"
"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$dist" "$sdk"
wheel=$(ls "$dist"/porthole_client-*.whl)
"$PY" -m pip install --quiet --no-deps --force-reinstall "$wheel"
"$PY" -m pip check
echo "test.sh: testing $(basename "$wheel")"

cd "$sdk"
PORTHOLE_SDK_FROM_WHEEL=1 "$PY" -m pytest -p no:cacheprovider "$@"
