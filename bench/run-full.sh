#!/usr/bin/env bash
# The full benchmark set of BENCHMARKS.md: builds release, runs every scenario (3 runs each,
# pinned), writes one JSON (and the printed lines) per scenario into OUTPUT_DIR, and ends with
# the summary lines. Well over an hour of runs (BENCHMARKS.md, "Commands") plus the build on a 2-vCPU machine; run it on a
# quiet one.
#
#   bench/run-full.sh OUTPUT_DIR [NAME...]
#
# With NAMEs (e.g. compare-postgres realistic-sqlite, the names below), only those scenarios run:
# the set is longer than one sitting, so it can be taken in parts into the same OUTPUT_DIR.
#
# Environment: CARGO_TARGET_DIR (default target), RUNS (default 3), BENCH_ARGS (extra flags for
# every scenario, e.g. "--quick" to try the script end to end in a minute or two), PROFILE
# (release; "debug" only to try the script), POSTGRES_URL / REDIS_URL (defaults
# postgres://postgres@127.0.0.1:5432, redis://127.0.0.1:6379).
set -euo pipefail

out=${1:?usage: bench/run-full.sh OUTPUT_DIR [NAME...]}
shift
only=" $* "
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$out"

profile=${PROFILE:-release}
if [ "$profile" = release ]; then
  cargo build --release --locked -p porthole-server -p porthole-bench
else
  cargo build --locked -p porthole-server -p porthole-bench
fi
bench="$target/$profile/porthole-bench"
# shellcheck disable=SC2206 # BENCH_ARGS is a list of flags on purpose
common=(--server-bin "$target/$profile/porthole" --pin --runs "${RUNS:-3}"
  --postgres-url "${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
  --redis-url "${REDIS_URL:-redis://127.0.0.1:6379}" ${BENCH_ARGS:-})
chat_load=(--visitors 200 --agents 5 --interval 1 --duration 10 --warmup 2)

began=$(date +%s)
run() {
  local name=$1
  shift
  if [ "$only" != "  " ] && [[ $only != *" $name "* ]]; then
    return 0
  fi
  echo "== $name: porthole-bench $*"
  local t0
  t0=$(date +%s)
  "$bench" "$@" "${common[@]}" --json "$out/$name.json" | tee "$out/$name.log"
  echo "== $name took $(($(date +%s) - t0)) s"
}

run startup-sqlite startup
run startup-postgres startup --backend postgres
run ingest-sqlite ingest --senders 32 --duration 10 --warmup 2
run ingest-postgres ingest --backend postgres --senders 32 --duration 10 --warmup 2
run chat-grpc chat --protocol grpc "${chat_load[@]}"
run chat-grpc-web chat --protocol grpc-web "${chat_load[@]}"
run idle-grpc idle --protocol grpc --streams 10000 --idle-window 20
run idle-grpc-web idle --protocol grpc-web --streams 10000 --idle-window 20
run replicas replicas "${chat_load[@]}"
# Issue 14: one visitor flooding at 1,000 msg/s, limits on and off; kill -9 under load.
run flood flood "${chat_load[@]}"
run chaos chaos --duration 30 --visitors 50
# P2 of issue 7: 10,000 visitor streams and 1,000 msg/s on PostgreSQL.
run p2-postgres chat --backend postgres --visitors 10000 --agents 5 --interval 10 --duration 10 --warmup 2
# Issue 17: a year of history (1 M conversations, 10 M messages; each run ~15 min to write
# on SQLite, ~9 on PostgreSQL), then GetReport over 30 days and a year.
run reports-sqlite reports
run reports-postgres reports --backend postgres
# The Socket.IO peer (its own npm package; better-sqlite3 builds a native module). An install
# from before the peer had its PostgreSQL mode lacks pg: install again then.
[ -d bench/peer/node_modules/pg ] || npm ci --no-audit --no-fund --prefix bench/peer
run compare compare "${chat_load[@]}" --search-duration 5 --search-max 8000
run compare-postgres compare --backend postgres "${chat_load[@]}" --search-duration 5 --search-max 8000
# Issue 19: a site's load (5 % of the visitors chatting at one message per 20 s, a page view per
# visitor every 60 s, the widget's heartbeats, 20 agents) on Porthole and the peer, and the
# largest N each carries with p99 ≤ 50 ms. Its points set up thousands of visitors each: the
# longest part of the set.
realistic_load=(--visitors 1000 --duration 30 --warmup 5 --search-duration 15 --search-max 48000)
run realistic-sqlite realistic "${realistic_load[@]}"
run realistic-postgres realistic --backend postgres "${realistic_load[@]}"

echo
echo "== all summary lines ($(($(date +%s) - began)) s in all, JSON and logs in $out):"
grep -h " summary, " "$out"/*.log
