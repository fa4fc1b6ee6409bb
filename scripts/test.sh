#!/usr/bin/env bash
# Runs every check and test of the project: the README's test command and what CI runs.
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth; override with PORTHOLE_TEST_POSTGRES_URL)
# and Redis on 127.0.0.1:6379; .ci/run starts them when they are not running. The browser
# tests need Chromium at /usr/bin/chromium (or CHROMIUM_PATH); .ci/run installs it.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
step() { printf '\n== %s  (at %d s)\n' "$*" $((SECONDS - started)); }

step "npm packages"
[ -d node_modules ] || npm ci --no-audit --no-fund

step "proto: lint, generated TypeScript up to date, no breaking change against main"
npm run -s lint:proto
npm run -s check:generated
if git rev-parse --verify -q main >/dev/null && git cat-file -e main:buf.yaml 2>/dev/null; then
  npx buf breaking --against ".git#branch=main"
else
  echo "no landed proto on branch main yet: breaking-change check skipped"
fi

step "rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The server without its default `otel` feature (no trace export) still builds clean.
cargo clippy -p porthole-server --lib --bins --no-default-features --locked -- -D warnings

# The web checks need no Rust, and the Rust tests spend much of their time waiting (on the
# databases, on feeds), so the two run side by side; the web log is printed when both end.
step "web: lint, types, unit tests, builds (in the background, log below)"
web_log="$(mktemp)"
(
  set -e
  npm run -s lint:web
  npm run -s typecheck
  npm run -s test:sdk
  # The TypeScript SDK as npm would publish it: build, pack, install and import the tarball.
  npm run -s pack:sdk
  npm run -s test -w admin-web
  npm run -s test -w widget-web
  # Builds both apps; the widget's build prints its raw/gzip/brotli sizes and fails over budget.
  npm run -s build:web
  # The deployment files: Kubernetes manifests, the compose file and the Grafana dashboard
  # against their schemas (offline, from a pinned venv). Building and running the image
  # (deploy/check.sh) needs buildah and a release build, so it is not part of this command.
  deploy/validate.sh
) >"$web_log" 2>&1 &
web_pid=$!

step "rust: unit and integration tests (SQLite and PostgreSQL)"
rust_status=0
cargo test --workspace --locked || rust_status=$?

step "web: result of the background checks"
web_status=0
wait "$web_pid" || web_status=$?
cat "$web_log"
rm -f "$web_log"
if [ "$web_status" -ne 0 ] || [ "$rust_status" -ne 0 ]; then
  echo "FAILED: web checks exit $web_status, rust tests exit $rust_status" >&2
  exit 1
fi

# The browser tests drive the debug server binary, which serves the dist/ folders built by
# the web step (debug builds read them from disk), in Debian's Chromium at /usr/bin/chromium
# (`apt-get install -y chromium`, which .ci/run does; or set CHROMIUM_PATH).
step "SDK: the TypeScript feeds against the real server (Node)"
cargo build --locked -q -p porthole-server --bin porthole
PORTHOLE_BIN="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/debug/porthole"
export PORTHOLE_BIN
npm run -s test:sdk:integration

step "SDK: Python package (wheel built and installed) against the real server"
client-sdk/python/scripts/test.sh

step "browser: dashboard end to end (Chromium)"
npm run -s e2e -w admin-web

step "browser: widget end to end (Chromium)"
npm run -s e2e -w widget-web

step "smoke: the built binary as a user starts it"
scripts/smoke.sh

step "bench: quick mode keeps the harness working (debug build; figures not meaningful)"
cargo run --locked -q -p porthole-bench -- all --quick \
  --server-bin "${CARGO_TARGET_DIR:-target}/debug/porthole" --json "$(mktemp)"

echo
echo "all checks passed in $((SECONDS - started)) s"
