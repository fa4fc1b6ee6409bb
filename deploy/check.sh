#!/usr/bin/env bash
# Runs the Porthole container image on this machine and checks that it answers: the image
# is FROM scratch with no shell and a non-root user; the container's process runs as uid
# 10001; /healthz, the image's HEALTHCHECK command, grpc.health.v1 (the Kubernetes
# liveness probe), the embedded dashboard and widget, /metrics, and a chat (sign up,
# widget, visitor session, the visitor writes, the agent's and the visitor's feeds show
# it) all work through it; SIGTERM stops it cleanly.
#
#   deploy/check.sh [--rebuild] [--chroot] [--cluster]
#
#   --rebuild  build the image first even if it exists (deploy/image.sh)
#   --chroot   run the image's root filesystem with unshare + chroot instead of podman
#   --cluster  also the compose topology: `porthole migrate` once, then three replicas on
#              a fresh PostgreSQL database and Redis behind HAProxy with deploy/haproxy.cfg
#              (needs PostgreSQL on 127.0.0.1:5432 with trust auth, Redis on :6379, haproxy)
#
# Needs buildah, podman and runc (apt-get install -y buildah podman runc; --chroot needs
# only buildah), curl, python3, and `npm ci` done (for buf).
#
# Podman needs these options on this kind of sandbox (PODMAN_RUN_OPTS overrides them): crun
# refuses the host's hybrid cgroup v1/v2 layout, so the runc runtime with cgroupfs; the
# runtime may not raise rlimits past what the sandbox allows, so explicit --ulimit values.
# There is no systemd to time the image's HEALTHCHECK (podman says so on stderr, which goes
# to a file); this script runs the check itself.
set -euo pipefail
cd "$(dirname "$0")/.."

image="${IMAGE:-localhost/porthole:latest}"
rebuild=false
runner=podman
cluster=false
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    --chroot) runner=chroot ;;
    --cluster) cluster=true ;;
    *) echo "check.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
for tool in buildah curl python3 npx; do
  command -v "$tool" >/dev/null || { echo "check.sh: $tool is missing" >&2; exit 1; }
done
if [ "$runner" = podman ] && ! command -v podman >/dev/null; then
  echo "check.sh: podman is missing (apt-get install -y podman runc), or use --chroot" >&2
  exit 1
fi
# Open files: this shell's hard limit (the runtime may not exceed it), at most 65536.
nofile=$(ulimit -Hn)
if [ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ]; then nofile=65536; fi
read -r -a podman_opts <<<"${PODMAN_RUN_OPTS:---runtime runc --cgroup-manager cgroupfs --ulimit nofile=$nofile:$nofile --ulimit nproc=4096:4096}"

say() { echo "check: $*"; }
fail() { echo "check: FAILED: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
web=(npx buf curl --protocol grpcweb --schema proto)

work=$(mktemp -d /tmp/porthole-check.XXXXXX)
containers=()
pids=()
mounted=""
database=""
cleanup() {
  set +e
  for c in "${containers[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1; done
  for p in "${pids[@]}"; do
    # unshare --fork ignores SIGTERM while its child runs: end the child (the chroot
    # server, by its pid) and unshare follows; other pids are HAProxy.
    child=$(pgrep -P "$p")
    if [ -n "$child" ]; then kill -KILL "$child" 2>/dev/null; fi
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if [ -n "$mounted" ]; then buildah umount "$mounted" >/dev/null 2>&1; buildah rm "$mounted" >/dev/null 2>&1; fi
  if [ -n "$database" ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- The image -------------------------------------------------------------------------
if $rebuild || ! buildah inspect --type image "$image" >/dev/null 2>&1; then
  deploy/image.sh
fi
user=$(buildah inspect --type image --format '{{.Docker.Config.User}}' "$image")
[ "$user" = "10001:10001" ] || fail "the image runs as '$user', not 10001:10001"
health=$(buildah inspect --type image --format '{{.Docker.Config.Healthcheck.Test}}' "$image")
[ "$health" = "[CMD /usr/local/bin/porthole healthcheck]" ] || fail "HEALTHCHECK is '$health'"

mounted=$(buildah from --pull-never "$image")
root=$(buildah mount "$mounted")
find "$root" -mindepth 1 \( -type f -o -type l \) -printf '/%P\n' | sort >"$work/files"
for shell in sh bash dash ash busybox; do
  ! grep -q "/$shell\$" "$work/files" || fail "the image holds a shell: $(grep "/$shell\$" "$work/files")"
done
[ "$(stat -c %u "$root/data")" = 10001 ] || fail "/data is not owned by uid 10001"
say "image $image: user 10001, HEALTHCHECK set, no shell, $(wc -l <"$work/files") files," \
  "$(du -sh "$root" | cut -f1) on disk"

# --- Running it ------------------------------------------------------------------------
# start NAME PORT [KEY=VALUE…] [-- ARGS…]: runs the image with that environment and host
# networking (it reaches PostgreSQL and Redis on loopback; we reach it on PORT).
start() {
  local name=$1 port=$2
  shift 2
  local env=(PORTHOLE_LISTEN="127.0.0.1:$port") args=(serve)
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; args=("$@"); break; fi
    env+=("$1")
    shift
  done
  local data="$work/data-$name"
  mkdir -p "$data"
  chown 10001:10001 "$data"
  if [ "$runner" = podman ]; then
    local flags=()
    for e in "${env[@]}"; do flags+=(-e "$e"); done
    # Podman's complaint that no systemd can time health checks goes to a file.
    podman run -d --name "$name" "${podman_opts[@]}" --network host -v "$data:/data" \
      "${flags[@]}" "$image" "${args[@]}" >/dev/null 2>"$work/$name.podman" \
      || { cat "$work/$name.podman"; fail "podman could not start $name"; }
    containers+=("$name")
  else
    # The mounted image is the root; /data, /proc and /dev are mounted in a private mount
    # namespace, so nothing stays behind on the host. chroot --userspec drops to 10001.
    mkdir -p "$root/proc" "$root/dev"
    # shellcheck disable=SC2016 # the inner shell expands its own arguments
    env -i "${env[@]}" PORTHOLE_DATA_DIR=/data PORTHOLE_LOG_FORMAT=json \
      "$(command -v unshare)" --mount --pid --fork /bin/sh -c '
        mount --make-rprivate / && mount --bind "$1" "$2/data" && mount -t proc proc "$2/proc" &&
        mount --rbind /dev "$2/dev" && root=$2 && shift 2 &&
        exec chroot --userspec=10001:10001 "$root" /usr/local/bin/porthole "$@"' \
      sh "$data" "$root" "${args[@]}" >"$work/$name.log" 2>&1 &
    pids+=($!)
    echo $! >"$work/$name.pid"
  fi
}
logs() {
  if [ "$runner" = podman ]; then podman logs "$1" 2>&1; else cat "$work/$1.log"; fi
}
# logged NAME PATTERN: the container's log has a line matching PATTERN. (Not `logs | grep
# -q`: grep's early exit would fail the pipeline under pipefail.)
logged() {
  logs "$1" >"$work/$1.captured"
  grep -q "$2" "$work/$1.captured"
}
# The server's own pid on this host.
server_pid() {
  if [ "$runner" = podman ]; then podman inspect --format '{{.State.Pid}}' "$1"; else pgrep -P "$(cat "$work/$1.pid")"; fi
}
wait_healthy() {
  local name=$1 url=$2
  for _ in $(seq 1 150); do
    curl -fsS "$url/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  logs "$name" | tail -n 30
  fail "$name did not answer /healthz"
}
# stop NAME: SIGTERM, then the exit code must be 0 and the log must show the drain.
stop() {
  local name=$1 code
  if [ "$runner" = podman ]; then
    podman stop -t 40 "$name" >/dev/null 2>&1
    code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
  else
    kill -TERM "$(server_pid "$name")"
    code=0
    wait "$(cat "$work/$name.pid")" || code=$?
  fi
  [ "$code" = 0 ] || { logs "$name" | tail -n 20; fail "$name exited with $code after SIGTERM"; }
  logged "$name" "shutdown signal received" || fail "$name logged no graceful shutdown"
}

# chat URL [AGENT_FEED_URL VISITOR_FEED_URL SEND_URL]: the smoke test's conversation.
chat() {
  local url=$1 agent_url=${2:-$1} visitor_url=${3:-$1} send_url=${4:-$1} tag=$RANDOM
  local signup token widget id snippet public visitor conversation
  signup=$("${web[@]}" -d "{\"email\":\"check$tag@example.com\",\"password\":\"check test pw\",\"display_name\":\"Check\",\"workspace_name\":\"Check $tag\"}" \
    "$url/porthole.v1.AuthService/SignUp")
  token=$(field '["session"]["accessToken"]' <<<"$signup")
  widget=$("${web[@]}" -H "authorization: Bearer $token" -d '{"name":"Check widget"}' "$url/porthole.v1.WidgetService/CreateWidget")
  id=$(field '["widget"]["id"]' <<<"$widget")
  snippet=$(npx buf curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $token" \
    -d "{\"widget_id\":\"$id\"}" "$url/porthole.v1.WidgetService/GetEmbedSnippet")
  grep -q '<script src=' <<<"$snippet" || fail "no embed snippet over gRPC (HTTP/2) at $url"
  public=$(field '["widget"]["publicToken"]' <<<"$widget")
  visitor=$("${web[@]}" -d "{\"widget_token\":\"$public\"}" "$url/porthole.v1.VisitorService/StartSession" | field '["visitorToken"]')
  timeout 10 "${web[@]}" -H "authorization: Bearer $token" -d '{}' "$agent_url/porthole.v1.ConversationService/WatchWorkspace" \
    >"$work/agent-feed.json" 2>/dev/null &
  local feeds=$!
  timeout 10 "${web[@]}" -H "authorization: Bearer $visitor" -d '{}' "$visitor_url/porthole.v1.VisitorService/WatchVisitorFeed" \
    >"$work/visitor-feed.json" 2>/dev/null &
  feeds="$feeds $!"
  sleep 3
  conversation=$("${web[@]}" -H "authorization: Bearer $visitor" -d '{}' "$send_url/porthole.v1.VisitorService/StartConversation" \
    | field '["conversation"]["id"]')
  "${web[@]}" -H "authorization: Bearer $visitor" \
    -d "{\"conversation_id\":\"$conversation\",\"body\":\"check hello $tag\",\"client_key\":\"check-$tag\"}" \
    "$send_url/porthole.v1.VisitorService/SendMessage" >/dev/null
  # shellcheck disable=SC2086
  wait $feeds || true
  for feed in agent-feed visitor-feed; do
    grep -q "\"body\": \"check hello $tag\"" "$work/$feed.json" \
      || { cat "$work/$feed.json"; fail "the $feed did not show the visitor's message"; }
  done
}

# --- One container on SQLite ------------------------------------------------------------
port=$(free_port)
url="http://127.0.0.1:$port"
say "starting the image ($runner) on $url, SQLite in /data"
start porthole-check-$$ "$port"
name=porthole-check-$$
wait_healthy "$name" "$url"
[ "$(curl -fsS "$url/healthz")" = ok ] || fail "/healthz did not answer ok"

uid=$(awk '/^Uid:/ { print $2 }' "/proc/$(server_pid "$name")/status")
[ "$uid" = 10001 ] || fail "the server runs as uid $uid"
# healthcheck PORT: the image's HEALTHCHECK command against 127.0.0.1:PORT, in a container
# (or chroot) of its own.
healthcheck() {
  if [ "$runner" = podman ]; then
    podman run --rm "${podman_opts[@]}" --network host -e "PORTHOLE_LISTEN=127.0.0.1:$1" "$image" healthcheck \
      >"$work/healthcheck.out" 2>&1
  else
    env -i "PORTHOLE_LISTEN=127.0.0.1:$1" "$(command -v chroot)" --userspec=10001:10001 "$root" /usr/local/bin/porthole healthcheck \
      >"$work/healthcheck.out" 2>&1
  fi
}
if [ "$runner" = podman ]; then
  podman healthcheck run "$name" >/dev/null 2>&1 || fail "podman healthcheck run (the image's HEALTHCHECK) failed"
fi
healthcheck "$port" || { cat "$work/healthcheck.out"; fail "porthole healthcheck failed against a healthy server"; }
! healthcheck "$(free_port)" || fail "porthole healthcheck passed with no server listening"
say "HEALTHCHECK (porthole healthcheck): passes when healthy, fails with nothing listening"
grpc_health=$(npx buf curl --protocol grpc --http2-prior-knowledge -d '{}' "$url/grpc.health.v1.Health/Check")
grep -q SERVING <<<"$grpc_health" || fail "grpc.health.v1 Check (the liveness probe) is not SERVING"

# The web assets are embedded: the dashboard's page and the widget's app.
curl -fsS "$url/app/" >"$work/app.html" || fail "/app/ did not answer"
grep -qi '<!doctype html' "$work/app.html" || fail "/app/ is not the embedded dashboard"
type=$(curl -fsS -o /dev/null -w '%{content_type}' "$url/widget/assets/widget.js") || fail "no widget.js"
grep -q javascript <<<"$type" || fail "/widget/assets/widget.js is not embedded ($type)"

chat "$url"
say "chat through the image: sign-up, widget, embed snippet (gRPC), visitor session, live feeds ok"

# Every series the Grafana dashboard reads (its contract list) is on /metrics.
curl -fsS "$url/metrics" >"$work/metrics.txt" || fail "/metrics did not answer"
contract=$(sed -n '/^CONTRACT/,/^}/p' deploy/validate_dashboard.py | grep -o '^    "[a-z_]*"' | tr -d ' "')
[ "$(wc -w <<<"$contract")" -ge 10 ] || fail "could not read the series list from deploy/validate_dashboard.py"
for series in $contract; do
  grep -q "^# TYPE $series " "$work/metrics.txt" || fail "/metrics does not name $series"
done
say "/metrics names all $(wc -w <<<"$contract") series the dashboard reads"

stop "$name"
say "SIGTERM: drained and exited 0"

# --- The compose topology: migrate once, three replicas, HAProxy -------------------------
if $cluster; then
  command -v haproxy >/dev/null || fail "--cluster needs haproxy (apt-get install -y haproxy)"
  database="porthole_deploy_check_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $database" >/dev/null
  redis_db=$((RANDOM % 15 + 1))
  shared=(DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" REDIS_URL="redis://127.0.0.1:6379/$redis_db"
          PORTHOLE_TRUSTED_PROXIES=127.0.0.1 PORTHOLE_SIGNUP=open)

  say "cluster: porthole migrate on a fresh PostgreSQL database"
  start "porthole-migrate-$$" "$(free_port)" "${shared[@]}" -- migrate
  if [ "$runner" = podman ]; then
    code=$(podman wait "porthole-migrate-$$")
  else
    code=0
    wait "$(cat "$work/porthole-migrate-$$.pid")" || code=$?
  fi
  [ "$code" = 0 ] || { logs "porthole-migrate-$$"; fail "migrate exited with $code"; }
  logged "porthole-migrate-$$" "database migrations applied" || fail "migrate applied nothing"

  replica_urls=()
  lb_env=()
  for i in 1 2 3; do
    p=$(free_port)
    start "porthole-$i-$$" "$p" "${shared[@]}"
    replica_urls+=("http://127.0.0.1:$p")
    lb_env+=("PORTHOLE_$i=127.0.0.1:$p")
  done
  for i in 1 2 3; do wait_healthy "porthole-$i-$$" "${replica_urls[$((i - 1))]}"; done
  for i in 1 2 3; do
    ! logged "porthole-$i-$$" "database migrations applied" || fail "replica $i applied migrations again"
  done

  lb_port=$(free_port)
  lb="http://127.0.0.1:$lb_port"
  env "${lb_env[@]}" LB_BIND="127.0.0.1:$lb_port" LB_MAXCONN=4000 haproxy -db -f deploy/haproxy.cfg >"$work/haproxy.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do curl -fsS "$lb/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  [ "$(curl -fsS "$lb/healthz")" = ok ] || { cat "$work/haproxy.log"; fail "HAProxy did not pass /healthz on"; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$lb/metrics")" = 404 ] || fail "HAProxy lets /metrics through"
  services=$(npx buf curl --protocol grpc --http2-prior-knowledge --list-services "$lb")
  grep -qx porthole.v1.AuthService <<<"$services" || fail "gRPC (HTTP/2, reflection) does not pass HAProxy"

  # The agent's feed through HAProxy (grpc-web over HTTP/1.1 in, HTTP/2 to a replica), the
  # visitor's on replica 3, the message sent on replica 2: the visitor's feed can only
  # show it through Redis, whichever replica HAProxy picked for the agent.
  chat "$lb" "$lb" "${replica_urls[2]}" "${replica_urls[1]}"
  say "cluster: chat through HAProxy and across replicas (PostgreSQL + Redis) ok"
  for i in 1 2 3; do stop "porthole-$i-$$"; done
  say "cluster: three replicas stopped cleanly"
fi

say "ok"
