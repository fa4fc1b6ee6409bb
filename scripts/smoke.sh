#!/usr/bin/env bash
# Starts the built `porthole` binary on a free port with a throwaway data directory and
# checks it the way the README tells a new user to: health, service listing over gRPC
# with reflection, and a grpc-web call over HTTP/1.1 with the proto schema.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
cargo build --locked -q -p porthole-server --bin porthole
bin="$target/debug/porthole"

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORTHOLE_LISTEN="127.0.0.1:$port" PORTHOLE_DATA_DIR="$data" "$bin" serve >"$data/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$url/healthz" | grep -qx ok || { cat "$data/server.log"; echo "smoke: /healthz did not answer"; exit 1; }

services=$(npx buf curl --protocol grpc --http2-prior-knowledge --list-services "$url")
for s in grpc.health.v1.Health grpc.reflection.v1.ServerReflection porthole.v1.AuthService \
         porthole.v1.WorkspaceService porthole.v1.WidgetService; do
  grep -qx "$s" <<<"$services" || { echo "smoke: $s not listed:"; echo "$services"; exit 1; }
done

signup=$(npx buf curl --protocol grpcweb --schema proto \
  -d '{"email":"smoke@example.com","password":"smoke test pw","display_name":"Smoke","workspace_name":"Smoke Inc"}' \
  "$url/porthole.v1.AuthService/SignUp")
token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["session"]["accessToken"])' <<<"$signup")
widget=$(npx buf curl --protocol grpcweb --schema proto -H "authorization: Bearer $token" \
  -d '{"name":"Smoke widget"}' "$url/porthole.v1.WidgetService/CreateWidget")
id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["widget"]["id"])' <<<"$widget")
npx buf curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $token" \
  -d "{\"widget_id\":\"$id\"}" "$url/porthole.v1.WidgetService/GetEmbedSnippet" | grep -q '<script src=' \
  || { echo "smoke: no embed snippet"; exit 1; }

kill -TERM "$pid"
wait "$pid" || { echo "smoke: server did not shut down cleanly on SIGTERM"; exit 1; }
grep -q "shutdown signal received" "$data/server.log" || { echo "smoke: no graceful shutdown log"; exit 1; }
echo "smoke: ok (health, reflection, grpc-web sign-up, widget, embed snippet, graceful SIGTERM)"
