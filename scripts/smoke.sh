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
         porthole.v1.WorkspaceService porthole.v1.WidgetService porthole.v1.ConversationService \
         porthole.v1.VisitorService porthole.v1.CannedResponseService; do
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

# Chat over grpc-web / HTTP/1.1: a visitor writes, the agent's and the visitor's feeds show it.
web="npx buf curl --protocol grpcweb --schema proto"
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
public=$(field '["widget"]["publicToken"]' <<<"$widget")
visitor=$($web -d "{\"widget_token\":\"$public\"}" "$url/porthole.v1.VisitorService/StartSession" | field '["visitorToken"]')
timeout 8 $web -H "authorization: Bearer $token" -d '{}' "$url/porthole.v1.ConversationService/WatchWorkspace" \
  >"$data/agent-feed.json" 2>/dev/null &
feeds=$!
timeout 8 $web -H "authorization: Bearer $visitor" -d '{}' "$url/porthole.v1.VisitorService/WatchVisitorFeed" \
  >"$data/visitor-feed.json" 2>/dev/null &
feeds="$feeds $!"
sleep 2
conversation=$($web -H "authorization: Bearer $visitor" -d '{}' "$url/porthole.v1.VisitorService/StartConversation" \
  | field '["conversation"]["id"]')
$web -H "authorization: Bearer $visitor" \
  -d "{\"conversation_id\":\"$conversation\",\"body\":\"smoke hello\",\"client_key\":\"smoke-1\"}" \
  "$url/porthole.v1.VisitorService/SendMessage" >/dev/null
# shellcheck disable=SC2086
wait $feeds || true
for feed in agent-feed visitor-feed; do
  grep -q '"body": "smoke hello"' "$data/$feed.json" || { echo "smoke: $feed did not show the message:"; cat "$data/$feed.json"; exit 1; }
done

kill -TERM "$pid"
wait "$pid" || { echo "smoke: server did not shut down cleanly on SIGTERM"; exit 1; }
grep -q "shutdown signal received" "$data/server.log" || { echo "smoke: no graceful shutdown log"; exit 1; }
echo "smoke: ok (health, reflection, grpc-web sign-up, widget, embed snippet, visitor chat with live feeds, graceful SIGTERM)"
