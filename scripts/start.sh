#!/usr/bin/env bash
# Starts the whole product on SQLite with no other service: builds the web assets, then
# runs the server (gRPC, grpc-web and HTTP on PORTHOLE_LISTEN, default 127.0.0.1:8080).
# Settings come from the environment or a .env file; see .env.example.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
# The demo workspace and /demo page are on unless the environment says otherwise.
export PORTHOLE_DEMO="${PORTHOLE_DEMO:-true}"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run -s build:web
echo "Porthole: dashboard http://${PORTHOLE_LISTEN:-127.0.0.1:8080}/app/  demo page http://${PORTHOLE_LISTEN:-127.0.0.1:8080}/demo"
exec cargo run --release --locked -p porthole-server --bin porthole -- serve
