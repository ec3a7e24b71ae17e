#!/usr/bin/env bash
# `make bench`: wasmfaas side by side with `wasmtime serve` (same Wasmtime
# release, same pooling settings, an equivalent wasi:http hello component),
# in one run on this machine. Prints one table with the ratios and writes
# bench/results/<date>.json. Loopback only; every run is bounded in time.
#   bench/run.sh [seconds per load run, default 8]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-8}
CACHE_DIR=${WASMFAAS_CACHE_DIR:-$HOME/.cache/wasmfaas}
WASMFAAS="$ROOT/build/src/cli/wasmfaas"
WASMTIME="$CACHE_DIR/tools/bin/wasmtime"
WASM_TOOLS="$CACHE_DIR/tools/bin/wasm-tools"
HELLO_HTTP="$ROOT/build/bench-components/hello_http.wasm"
WORK=$(mktemp -d)
RESULTS="$WORK/results.txt"
WASMTIME_PID=""
trap 'stop_server; [ -n "$WASMTIME_PID" ] && kill "$WASMTIME_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# The same pooling configuration as wasmfaas's engine defaults.
POOLING="pooling-allocator=y,pooling-total-component-instances=256,pooling-total-core-instances=4096"
POOLING+=",pooling-total-memories=1024,pooling-total-tables=2048,pooling-max-memory-size=134217728"
POOLING+=",pooling-memory-keep-resident=262144,pooling-table-keep-resident=262144"
POOLING+=",pooling-max-unused-warm-slots=256"

record() { echo "$*" >> "$RESULTS"; }   # name value...
hello_body='{"name":"World"}'

load() {  # load <name> <connections> <url> [body]
  local name=$1 connections=$2 url=$3 body=${4:-}
  read -r rps p50 p99 errors < <(run_wrk "$connections" "$DURATION" "$url" "$body")
  record "$name c=$connections rps=$rps p50_us=$p50 p99_us=$p99 errors=$errors"
  echo "  $name c=$connections: $rps req/s, p50 $p50 us, p99 $p99 us, errors $errors" >&2
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
curl_ms() { curl -s -o /dev/null -w '%{time_total}' "$@" | awk '{printf "%.3f", $1*1000}'; }

# load_wasmtime_serve <name> <-O options>: `wasmtime serve` of the wasi:http
# hello at 1, 16 and 64 connections.
load_wasmtime_serve() {
  local name=$1 options=$2 port=""
  # A log of its own per server: the shell truncates a reused one only once
  # the child runs, and the old port could be read before that.
  local log="$WORK/wasmtime-$name.log"
  "$WASMTIME" serve -O "$options" --addr 127.0.0.1:0 "$HELLO_HTTP" >/dev/null 2>"$log" &
  WASMTIME_PID=$!
  for _ in $(seq 200); do
    port=$(sed -n 's|.*Serving HTTP on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.05
  done
  for c in 1 16 64; do load "$name" "$c" "http://127.0.0.1:$port/" "$hello_body"; done
  kill "$WASMTIME_PID"; wait "$WASMTIME_PID" 2>/dev/null || true; WASMTIME_PID=""
}

echo "== wasmtime serve $("$WASMTIME" --version | awk '{print $2}') (pooling) ==" >&2
load_wasmtime_serve wasmtime_serve_hello "$POOLING"

echo "== wasmfaas ==" >&2
start_server "$WASMFAAS" "$WORK/data" "$WORK/server.log" --code-cache-dir "$WORK/cache" \
  --deploy-examples "$(c_examples "$WORK/functions")"
BASE="http://127.0.0.1:$PORT"
load healthz 64 "$BASE/healthz"
for c in 1 16; do load hello "$c" "$BASE/exec/functions/hello" "$hello_body"; done
# RSS sampled while the 64-connection hello load runs.
( peak=0; for _ in $(seq $((DURATION * 4))); do
    rss=$(ps -o rss= -p "$SERVER_PID" 2>/dev/null || echo 0); [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.25; done; echo "$peak" > "$WORK/rss" ) &
SAMPLER=$!
load hello 64 "$BASE/exec/functions/hello" "$hello_body"
wait "$SAMPLER"
record "rss_under_load_kib value=$(cat "$WORK/rss")"
for c in 1 16 64; do load fibonacci "$c" "$BASE/exec/functions/fibonacci" '{"n":7}'; done

echo "== cold start ==" >&2
: > "$WORK/upload_ms"; : > "$WORK/first_exec_ms"
for i in 1 2 3 4 5; do
  # A component no server has seen: hello with a unique name section.
  "$WASM_TOOLS" metadata add --name "cold-$i-$RANDOM$RANDOM" "$ROOT/build/functions/fibonacci.wasm" -o "$WORK/cold.wasm"
  curl_ms -X POST -H 'Content-Type: application/wasm' --data-binary "@$WORK/cold.wasm" \
    "$BASE/file/functions/cold-$i" >> "$WORK/upload_ms"; echo >> "$WORK/upload_ms"
  curl_ms -X POST -H 'Content-Type: application/json' -d '{"n":7}' \
    "$BASE/exec/functions/cold-$i" >> "$WORK/first_exec_ms"; echo >> "$WORK/first_exec_ms"
done
record "cold_component_bytes value=$(stat -c %s "$WORK/cold.wasm")"
record "upload_new_component_ms value=$(median < "$WORK/upload_ms")"
record "first_exec_after_upload_ms value=$(median < "$WORK/first_exec_ms")"
stop_server

: > "$WORK/restart_ms"
for i in 1 2 3 4 5; do
  start_server "$WASMFAAS" "$WORK/data" "$WORK/server.log" --code-cache-dir "$WORK/cache"
  curl_ms -X POST -H 'Content-Type: application/json' -d "$hello_body" \
    "http://127.0.0.1:$PORT/exec/functions/hello" >> "$WORK/restart_ms"; echo >> "$WORK/restart_ms"
  stop_server
done
record "first_exec_fresh_process_warm_disk_ms value=$(median < "$WORK/restart_ms")"

echo "== wasmfaas --no-cache (the seed's semantics) ==" >&2
start_server "$WASMFAAS" "$WORK/data" "$WORK/server.log" --code-cache-dir "$WORK/cache" --no-cache
for c in 1 16; do load hello_no_cache "$c" "http://127.0.0.1:$PORT/exec/functions/hello" "$hello_body"; done
stop_server

# Both again without guard pages (explicit bounds checks, no page-protection
# change per call): wasmfaas --no-guard-pages against wasmtime serve with
# the equivalent settings.
echo "== without guard pages: wasmtime serve, then wasmfaas --no-guard-pages ==" >&2
NO_GUARD="signals-based-traps=n,memory-guard-size=0,memory-reservation=134217728"
load_wasmtime_serve wasmtime_serve_hello_no_guard "$POOLING,$NO_GUARD"
start_server "$WASMFAAS" "$WORK/data" "$WORK/server.log" --code-cache-dir "$WORK/cache-no-guard" --no-guard-pages
for c in 1 16 64; do load hello_no_guard "$c" "http://127.0.0.1:$PORT/exec/functions/hello" "$hello_body"; done
stop_server

mkdir -p "$ROOT/bench/results"
python3 "$ROOT/bench/report.py" "$RESULTS" "$ROOT/bench/results/$(date -u +%Y-%m-%d).json"
