#!/usr/bin/env bash
# Regenerates src/porthole/v1 (messages, .pyi types and gRPC stubs) from proto/porthole/v1
# with grpcio-tools, pinned in pyproject.toml. `--check` generates into a temporary
# directory instead and fails when the committed code differs (stale or hand-edited).
set -euo pipefail
source "$(dirname "$0")/venv.sh"
export LC_ALL=C

proto="$(cd "$sdk/../../proto" && pwd)"
target="$sdk/src/porthole/v1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wkt=$("$PY" -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
(cd "$proto" && "$PY" -m grpc_tools.protoc -I . -I "$wkt" \
  --python_out="$tmp" --pyi_out="$tmp" --grpc_python_out="$tmp" porthole/v1/*.proto)
cat >"$tmp/porthole/v1/__init__.py" <<'PY'
"""Messages and gRPC stubs of the `porthole.v1` API, generated from proto/porthole/v1.

Do not edit: client-sdk/python/scripts/generate.sh writes every file in this folder.
"""
PY

if [[ "${1:-}" == "--check" ]]; then
  if ! diff -r -x __pycache__ "$tmp/porthole/v1" "$target" >"$tmp/diff"; then
    head -n 40 "$tmp/diff"
    echo "generate: src/porthole/v1 is stale against proto/porthole/v1; run client-sdk/python/scripts/generate.sh" >&2
    exit 1
  fi
  echo "generate: src/porthole/v1 is up to date"
else
  rm -rf "$target"
  cp -r "$tmp/porthole/v1" "$target"
  echo "generate: wrote $(ls "$target" | wc -l) files to src/porthole/v1"
fi
