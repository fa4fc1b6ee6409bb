#!/usr/bin/env bash
# Starts the built `porthole` binary on a free port with a throwaway data directory and
# checks it the way the README tells a new user to: health, service listing over gRPC
# with reflection, a grpc-web call over HTTP/1.1 with the proto schema, JSON calls with
# plain curl and the API reference page.
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

# JSON over plain HTTP (Connect unary), as the README's curl examples call it.
json() { curl -sS -H 'content-type: application/json' "$@"; }
login=$(json -d '{"email":"smoke@example.com","password":"smoke test pw"}' "$url/porthole.v1.AuthService/LogIn")
grep -q '"accessToken":"' <<<"$login" || { echo "smoke: LogIn over JSON: $login"; exit 1; }
listed=$(json -H "authorization: Bearer $token" -d '{}' "$url/porthole.v1.WidgetService/ListWidgets")
grep -q "\"id\":\"$id\"" <<<"$listed" || { echo "smoke: ListWidgets over JSON: $listed"; exit 1; }
status=$(json -o "$data/bad.json" -w '%{http_code}' -H "authorization: Bearer $token" \
  -d '{"shortcut":"Not OK!","body":"x"}' "$url/porthole.v1.CannedResponseService/CreateCannedResponse")
[ "$status" = 400 ] && grep -q '"code":"invalid_argument"' "$data/bad.json" \
  && grep -q '"type":"porthole.v1.BadRequest"' "$data/bad.json" \
  || { echo "smoke: a bad field over JSON answered $status:"; cat "$data/bad.json"; exit 1; }
status=$(json -o "$data/anonymous.json" -w '%{http_code}' -d '{}' "$url/porthole.v1.AuthService/GetMe")
[ "$status" = 401 ] && grep -q '"code":"unauthenticated"' "$data/anonymous.json" \
  || { echo "smoke: GetMe without a token answered $status:"; cat "$data/anonymous.json"; exit 1; }
curl -fsS -o "$data/api.html" "$url/docs/api"
grep -q '<h1>Porthole API reference</h1>' "$data/api.html" || { echo "smoke: no API reference at /docs/api"; exit 1; }

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

# Prometheus metrics (PORTHOLE_METRICS=local by default: this host may scrape): every
# series the dashboard in deploy/ reads exists, and the send above was counted.
curl -fsS -o "$data/metrics.txt" "$url/metrics" || { echo "smoke: /metrics did not answer"; exit 1; }
for series in porthole_rpc_requests_total porthole_rpc_duration_seconds porthole_streams_open \
  porthole_bus_delivery_seconds porthole_event_log_lag_seconds porthole_db_pool_connections porthole_db_pool_max \
  porthole_db_query_duration_seconds porthole_jobs_queued porthole_job_failures_total porthole_rate_limited_total \
  process_resident_memory_bytes; do
  grep -q "^# TYPE $series " "$data/metrics.txt" || { echo "smoke: /metrics lacks $series"; exit 1; }
done
grep '^porthole_rpc_requests_total{' "$data/metrics.txt" | grep 'method="porthole.v1.VisitorService/SendMessage"' \
  | grep 'code="OK"' | grep -q ' 1$' || { echo "smoke: the send is not counted in /metrics:"; grep rpc_requests "$data/metrics.txt"; exit 1; }

kill -TERM "$pid"
wait "$pid" || { echo "smoke: server did not shut down cleanly on SIGTERM"; exit 1; }
grep -q "shutdown signal received" "$data/server.log" || { echo "smoke: no graceful shutdown log"; exit 1; }
echo "smoke: ok (health, reflection, grpc-web sign-up, widget, embed snippet, JSON over HTTP, API reference, visitor chat with live feeds, metrics, graceful SIGTERM)"
