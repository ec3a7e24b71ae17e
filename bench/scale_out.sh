#!/usr/bin/env bash
# Several nodes on one S3 store (a versitygw started here) and one
# PostgreSQL state database (a throwaway server, scripts/postgres.sh), hello
# (C) deployed as bench/hello:
#  1. exec on one node: on S3 with a HEAD to the store per call
#     (--no-change-notices --freshness-ms 0), on S3 with change notices live
#     (the default: the node trusts the version it knows for
#     --notified-freshness-ms) and on the embedded store (local, SQLite) as
#     the reference; wrk at 1 and 16 connections;
#  2. through HAProxy (deploy/haproxy/haproxy.cfg) to 1 node and to 3 nodes
#     (127.0.0.2, .3, .4), wrk at 16 and 64 connections (all on this
#     machine's cores: more nodes add no CPU);
#  3. how long until a re-upload through node 1 is served by every node,
#     polled directly, with change notices and with --no-change-notices
#     --freshness-ms 1000: ROUNDS uploads of a new component each
#     (bench/scale_out_client.py).
# Each wrk run follows a WARMUP-second one. Prints the table and writes
# bench/results/<RESULTS_NAME>.json (default scale-out-<date>). About 3
# minutes with the defaults.
#   bench/scale_out.sh [seconds per wrk run, default 10] [ROUNDS, default 10]
# BUILD_DIR (default build) holds the server and the functions; HAPROXY_CFG
# (default deploy/haproxy/haproxy.cfg; part 2 is skipped without one).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
source "$ROOT/scripts/postgres.sh"
source "$ROOT/scripts/versitygw.sh"
DURATION=${1:-10}
ROUNDS=${2:-10}
WARMUP=${WARMUP:-2}
BUILD_DIR=$(cd "${BUILD_DIR:-$ROOT/build}" && pwd)
WASMFAAS="$BUILD_DIR/src/cli/wasmfaas"
CACHE_DIR=${WASMFAAS_CACHE_DIR:-$HOME/.cache/wasmfaas}
HAPROXY_CFG=${HAPROXY_CFG:-$ROOT/deploy/haproxy/haproxy.cfg}
RESULTS_NAME=${RESULTS_NAME:-scale-out-$(date -u +%Y-%m-%d)}
WORK=$(mktemp -d)
RESULTS="$WORK/results.txt"
GATEWAY="" HAPROXY_PID="" NODE_PIDS=() NODE_URLS=()
trap 'stop_haproxy; stop_nodes; stop_server; [ -n "$GATEWAY" ] && kill "$GATEWAY" 2>/dev/null;
      stop_postgres; rm -rf "$WORK"' EXIT

HELLO=bench/hello
HELLO_BODY='{"name":"World"}'
UPPER="$BUILD_DIR/test-components/fixture_upper.wasm"
for file in "$WASMFAAS" "$BUILD_DIR/functions/hello.wasm" "$UPPER" "$CACHE_DIR/tools/bin/versitygw"; do
  [ -e "$file" ] || { echo "missing $file (make build, scripts/setup.sh --bench)" >&2; exit 1; }
done
NODE_FLAGS=(--code-cache-dir "" --log-level warn)

record() { echo "$*" >> "$RESULTS"; }
load_1min() { cut -d' ' -f1 /proc/loadavg; }

# counter <base url> <metric name>: the sum of that metric's series.
counter() {
  curl -s "$1/metrics" | awk -v m="$2" '$1 == m || index($1, m "{") == 1 { n += $2 } END { print n + 0 }'
}

# deploy <base url> <component>: creates the bucket (once) and uploads.
deploy() {
  curl -s -o /dev/null -X PUT "$1/bucket/${HELLO%/*}"
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/wasm' \
    --data-binary "@$2" "$1/file/$HELLO")
  [ "$status" = 201 ] || { echo "upload of $2: $status" >&2; return 1; }
}

# load <part> <config> <connections> <url> [<node url>...]: a warm-up, then
# wrk on hello; records req/s and latency, the store HEADs per exec and how
# the execs spread over the nodes given (their /metrics).
load() {
  local part=$1 config=$2 connections=$3 url=$4 node heads0=0 heads1=0 execs=0 spread=""
  shift 4
  run_wrk "$connections" "$WARMUP" "$url" "$HELLO_BODY" >/dev/null
  local before=() machine_load
  machine_load=$(load_1min)
  for node in "$@"; do before+=("$(counter "$node" wasmfaas_executions_total)")
    heads0=$((heads0 + $(store_requests "$node" head_object))); done
  read -r rps p50 p99 errors < <(run_wrk "$connections" "$DURATION" "$url" "$HELLO_BODY")
  local i=0
  for node in "$@"; do
    local n=$(( $(counter "$node" wasmfaas_executions_total) - before[i] ))
    execs=$((execs + n)); spread+="${spread:+/}$n"; i=$((i + 1))
    heads1=$((heads1 + $(store_requests "$node" head_object)))
  done
  local heads_per_exec
  heads_per_exec=$(awk -v h=$((heads1 - heads0)) -v n=$execs 'BEGIN { printf "%.3f", n ? h / n : -1 }')
  record "load part=$part config=$config c=$connections rps=$rps p50_us=$p50 p99_us=$p99" \
    "errors=$errors heads_per_exec=$heads_per_exec spread=${spread:-0} load_1min=$machine_load"
  printf '  %-14s c=%-3s %7s req/s  p50 %6s us  p99 %6s us  errors %s  HEAD/exec %s  execs per node %s\n' \
    "$config" "$connections" "$rps" "$p50" "$p99" "$errors" "$heads_per_exec" "$spread" >&2
}

# wait_notices_live <base url>...: until each node's change feed is live.
wait_notices_live() {
  local node
  for node in "$@"; do
    for _ in $(seq 100); do
      [ "$(counter "$node" wasmfaas_change_notices_live)" = 1 ] && continue 2
      sleep 0.1
    done
    echo "wasmfaas_change_notices_live is not 1 on $node" >&2
    return 1
  done
}

# start_nodes <count> [flags...]: nodes on 127.0.0.2, .3, ... on the shared
# store and database; sets NODE_PIDS and NODE_URLS.
start_nodes() {
  local count=$1 i log
  shift
  for i in $(seq "$count"); do
    # A log of its own per server, there before the server starts (a reused
    # one would show the last server's port until the shell truncates it).
    log="$WORK/node$i-$RANDOM.log"
    : > "$log"
    SERVER_HOST=127.0.0.$((i + 1)) start_server "$WASMFAAS" "$WORK/node$i" "$log" \
      --store s3 --state "$POSTGRES_URL" "${NODE_FLAGS[@]}" "$@"
    NODE_PIDS+=("$SERVER_PID")
    NODE_URLS+=("http://127.0.0.$((i + 1)):$PORT")
  done
  SERVER_PID=""
}

stop_nodes() {
  local pid
  for pid in ${NODE_PIDS[@]+"${NODE_PIDS[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${NODE_PIDS[@]+"${NODE_PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
  NODE_PIDS=() NODE_URLS=()
}

# start_haproxy <node host:port> <node host:port> <node host:port>: HAProxy
# with the deployment's configuration on free ports; sets LB_URL once every
# server is up.
start_haproxy() {
  local stats
  LB_URL="http://127.0.0.1:$(free_port)"
  stats="127.0.0.1:$(free_port)"
  WASMFAAS_LB_BIND=${LB_URL#http://} WASMFAAS_LB_STATS_BIND=$stats \
    WASMFAAS_NODE1=$1 WASMFAAS_NODE2=$2 WASMFAAS_NODE3=$3 \
    haproxy -db -f "$HAPROXY_CFG" >>"$WORK/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  for _ in $(seq 100); do
    [ "$(curl -s "http://$stats/stats;csv" | awk -F, '$1 == "wasmfaas_nodes" && $2 != "BACKEND" && $18 == "UP"' | wc -l)" = 3 ] &&
      return 0
    sleep 0.1
  done
  echo "HAProxy's servers are not up:" >&2
  cat "$WORK/haproxy.log" >&2
  return 1
}

stop_haproxy() {
  [ -n "$HAPROXY_PID" ] || return 0
  kill "$HAPROXY_PID" 2>/dev/null || true
  wait "$HAPROXY_PID" 2>/dev/null || true
  HAPROXY_PID=""
}

load_average() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,; }
record "machine load_before=$(load_average) cpus=$(nproc)"
start_versitygw "$CACHE_DIR/tools/bin/versitygw" "$WORK"
POSTGRES_BIN=$(sed -n 's/^set(POSTGRES_BIN_DIR "\(.*\)")$/\1/p' "$BUILD_DIR/deps.cmake" 2>/dev/null || true)
[ -n "$POSTGRES_BIN" ] || POSTGRES_BIN=$(pg_config --bindir)
start_postgres "$POSTGRES_BIN" "$WORK"

echo "== 1. exec on one node: embedded store, S3 with a HEAD per call, S3 with change notices ==" >&2
start_server "$WASMFAAS" "$WORK/local" "$WORK/local.log" "${NODE_FLAGS[@]}"
deploy "http://127.0.0.1:$PORT" "$BUILD_DIR/functions/hello.wasm"
for c in 1 16; do load exec embedded "$c" "http://127.0.0.1:$PORT/exec/$HELLO" "http://127.0.0.1:$PORT"; done
stop_server

start_nodes 1 --no-change-notices --freshness-ms 0
deploy "${NODE_URLS[0]}" "$BUILD_DIR/functions/hello.wasm"
for c in 1 16; do load exec s3_head_per_call "$c" "${NODE_URLS[0]}/exec/$HELLO" "${NODE_URLS[0]}"; done
stop_nodes

start_nodes 1
wait_notices_live "${NODE_URLS[0]}"
for c in 1 16; do load exec s3_notices "$c" "${NODE_URLS[0]}/exec/$HELLO" "${NODE_URLS[0]}"; done
stop_nodes

start_nodes 3
if [ -f "$HAPROXY_CFG" ]; then
  echo "== 2. through HAProxy: 1 node, then 3 nodes ==" >&2
  NODES=("${NODE_URLS[@]#http://}")
  start_haproxy "${NODES[0]}" "${NODES[0]}" "${NODES[0]}"
  for c in 16 64; do load lb 1_node "$c" "$LB_URL/exec/$HELLO" "${NODE_URLS[@]}"; done
  stop_haproxy
  start_haproxy "${NODES[@]}"
  for c in 16 64; do load lb 3_nodes "$c" "$LB_URL/exec/$HELLO" "${NODE_URLS[@]}"; done
  stop_haproxy
else
  echo "== 2. skipped: no $HAPROXY_CFG (set HAPROXY_CFG) ==" >&2
fi

echo "== 3. a re-upload through node 1 until every node serves it, $ROUNDS rounds each ==" >&2
# A component no node has seen in each round (a unique name section), hello
# and upper by turns: the output tells which one a node runs.
COMPONENTS=()
for i in $(seq $((2 * ROUNDS))); do
  if ((i % 2)); then source_file=$UPPER marker='"NAME"'; else source_file=$BUILD_DIR/functions/hello.wasm marker='"result"'; fi
  "$CACHE_DIR/tools/bin/wasm-tools" metadata add --name "round-$i-$RANDOM$RANDOM" "$source_file" \
    -o "$WORK/round-$i.wasm"
  COMPONENTS+=("$WORK/round-$i.wasm:$marker")
done
propagation() {  # propagation <mode> <component:marker>...
  local mode=$1 node
  shift
  for node in "${NODE_URLS[@]}"; do  # the current version compiled on each
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "$HELLO_BODY" "$node/exec/$HELLO"
  done
  python3 "$ROOT/bench/scale_out_client.py" "$mode" "$HELLO" "${NODE_URLS[0]}" \
    "$(IFS=,; echo "${NODE_URLS[*]}")" "$@" >> "$RESULTS"
  awk -v m="mode=$mode" '$2 == m' "$RESULTS" | tail -n $((3 * $#)) | sed 's/^/  /' >&2
}
wait_notices_live "${NODE_URLS[@]}"
propagation notices "${COMPONENTS[@]:0:ROUNDS}"
stop_nodes
start_nodes 3 --no-change-notices --freshness-ms 1000
propagation freshness_1000ms "${COMPONENTS[@]:ROUNDS}"
stop_nodes
record "machine load_after=$(load_average)"

mkdir -p "$ROOT/bench/results"
python3 "$ROOT/bench/scale_out_report.py" "$RESULTS" "$ROOT/bench/results/$RESULTS_NAME.json" \
  "wrk ${DURATION} s per run after ${WARMUP} s of warm-up; $ROUNDS re-uploads per mode;" \
  "code cache on disk off; versitygw (POSIX, versioning) and PostgreSQL (fsync off) on this machine"
