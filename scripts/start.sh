#!/usr/bin/env bash
# Starts the whole product on SQLite with no other service: builds the web assets, then
# runs the server (gRPC, grpc-web and HTTP on PORTHOLE_LISTEN, default 127.0.0.1:8080).
# Settings come from the environment or a .env file; see .env.example.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run -s build:web
exec cargo run --release --locked -p porthole-server --bin porthole -- serve
