#!/usr/bin/env bash
# `make bench`: wasmfaas side by side with `wasmtime serve` (same Wasmtime
# release, same pooling settings, an equivalent wasi:http hello component),
# RUNS times back to back on this machine. Each run prints one table with
# the ratios and writes bench/results/<date>-run<i>.json; with more than
# one run, the medians of every figure across the runs (and the ratios and
# targets computed from them) go to bench/results/<date>-median.json. The
# last JSON written gets a chart beside it (<same name>.svg). Loopback
# only; every load run is bounded in time.
#   bench/run.sh [seconds per load run, default 8] [runs, default 1]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-8}
RUNS=${2:-1}
# Instance reuse: wasmfaas's function config {"reuse":{"max_calls":N}}
# against `wasmtime serve --max-instance-reuse-count N`.
REUSE_CALLS=${REUSE_CALLS:-1000}
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

# load_wasmtime_serve <name> <-O options> <connections...> [-- serve flags...]:
# `wasmtime serve` of the wasi:http hello at each number of connections.
load_wasmtime_serve() {
  local name=$1 options=$2 port="" connections=() flags=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do connections+=("$1"); shift; done
  [ $# -gt 0 ] && { shift; flags=("$@"); }
  # A log of its own per server: the shell truncates a reused one only once
  # the child runs, and the old port could be read before that.
  local log="$WORK/wasmtime-$name.log"
  "$WASMTIME" serve -O "$options" "${flags[@]}" --addr 127.0.0.1:0 "$HELLO_HTTP" >/dev/null 2>"$log" &
  WASMTIME_PID=$!
  for _ in $(seq 200); do
    port=$(sed -n 's|.*Serving HTTP on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "wasmtime serve did not start:" >&2; cat "$log" >&2; return 1; }
  for c in "${connections[@]}"; do load "$name" "$c" "http://127.0.0.1:$port/" "$hello_body"; done
  kill "$WASMTIME_PID"; wait "$WASMTIME_PID" 2>/dev/null || true; WASMTIME_PID=""
}

# upload <base url> <key> <file>: deploys the file as functions/<key>
# (the upload compiles it before answering).
upload() {
  local status
  status=$(curl -s -o "$WORK/upload.out" -w '%{http_code}' -X POST -H 'Content-Type: application/wasm' \
    --data-binary "@$3" "$1/file/functions/$2")
  [ "$status" = 201 ] || [ "$status" = 200 ] ||
    { echo "uploading $3 answered $status: $(cat "$WORK/upload.out")" >&2; return 1; }
}

# load_reuse <base url>: hello as functions/hello-reuse with instance reuse
# on, at 1 and 64 connections. A server that refuses the config field is
# reported and the reuse loads skipped.
load_reuse() {
  local base=$1 status
  echo "== wasmfaas hello with {\"reuse\":{\"max_calls\":$REUSE_CALLS}} ==" >&2
  upload "$base" hello-reuse "$ROOT/build/functions/hello.wasm"
  status=$(curl -s -o "$WORK/config.out" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -d "{\"reuse\":{\"max_calls\":$REUSE_CALLS}}" "$base/config/functions/hello-reuse")
  if [ "$status" != 200 ]; then
    echo "SKIPPED the wasmfaas reuse loads: PUT /config answered $status: $(cat "$WORK/config.out")" >&2
    record "reuse_skipped value=1"
    return 0
  fi
  for c in 1 64; do load hello_reuse "$c" "$base/exec/functions/hello-reuse" "$hello_body"; done
}

# load_interpreted <base url>: the JavaScript and Python hello at one
# connection (deployed now: their compile is not part of a load).
load_interpreted() {
  local base=$1 language
  echo "== JavaScript and Python hello ==" >&2
  for language in js python; do
    upload "$base" "$language-hello" "$ROOT/build/functions/$language-hello.wasm"
    load "${language}_hello" 1 "$base/exec/functions/$language-hello" "$hello_body"
  done
}

# run_once: one run of every load; raw lines into $RESULTS.
run_once() {
  echo "== wasmtime serve $("$WASMTIME" --version | awk '{print $2}') (pooling) ==" >&2
  load_wasmtime_serve wasmtime_serve_hello "$POOLING" 1 16 64
  echo "== wasmtime serve --max-instance-reuse-count $REUSE_CALLS ==" >&2
  load_wasmtime_serve wasmtime_serve_hello_reuse "$POOLING" 1 64 -- --max-instance-reuse-count "$REUSE_CALLS"

  echo "== wasmfaas ==" >&2
  start_server "$WASMFAAS" "$WORK/data" "$WORK/server.log" --code-cache-dir "$WORK/cache" \
    --deploy-examples "$(c_examples "$WORK/functions")"
  BASE="http://127.0.0.1:$PORT"
  for c in 1 64; do load healthz "$c" "$BASE/healthz"; done
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
  load_reuse "$BASE"
  load_interpreted "$BASE"

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
  load_wasmtime_serve wasmtime_serve_hello_no_guard "$POOLING,$NO_GUARD" 1 16 64
  start_server "$WASMFAAS" "$WORK/data" "$WORK/server.log" --code-cache-dir "$WORK/cache-no-guard" --no-guard-pages
  for c in 1 16 64; do load hello_no_guard "$c" "http://127.0.0.1:$PORT/exec/functions/hello" "$hello_body"; done
  stop_server
}

mkdir -p "$ROOT/bench/results"
DATE=$(date -u +%Y-%m-%d)
RUN_JSONS=()
# Debian's interpreter: the chart needs its python3-matplotlib.
REPORT_PYTHON=${REPORT_PYTHON:-/usr/bin/python3}
for run in $(seq "$RUNS"); do
  echo "==== run $run of $RUNS ====" >&2
  : > "$RESULTS"
  rm -rf "$WORK/data" "$WORK/cache" "$WORK/cache-no-guard" "$WORK/functions"  # every run starts afresh
  run_once
  RUN_JSONS+=("$ROOT/bench/results/$DATE-run$run.json")
  # The chart only for the last JSON written (the medians when there are several runs).
  chart=(); [ "$RUNS" = 1 ] && chart=(--chart)
  "$REPORT_PYTHON" "$ROOT/bench/report.py" "${chart[@]}" "$RESULTS" "${RUN_JSONS[-1]}"
done
if [ "$RUNS" -gt 1 ]; then
  echo "==== medians of $RUNS runs ====" >&2
  "$REPORT_PYTHON" "$ROOT/bench/report.py" --chart --median "$ROOT/bench/results/$DATE-median.json" "${RUN_JSONS[@]}"
fi
