#!/usr/bin/env bash
# Key-value stores from inside a function, on SQLite (state.db in a temp data
# dir) and on PostgreSQL (a throwaway local server, fsync off:
# scripts/postgres.sh):
#  - hello exec against counter exec (one increment per call) at 16
#    connections: req/s and p50; between them the probe doing nothing (a
#    Rust function that parses its JSON input, like the counter);
#  - at 1 connection, the p50 of the probe function kvprobe (bench/components/
#    kvprobe) doing nothing, only opening the store, one get, one set (16
#    bytes), one increment: get - none and set - none is what one operation
#    adds to an exec.
# Each 16-connection figure is measured ROUNDS times, the 1-connection ones
# LATENCY_ROUNDS times (short runs, the ops interleaved: the p50 of one
# request on this VM drifts by tens of microseconds from minute to minute),
# and the medians are reported (differences: the median of each round's
# difference), with the state database's own time per operation during each
# run (mean, from the server's /metrics: wasmfaas_kv_operation_duration_seconds).
# Prints the table and the targets and writes bench/results/keyvalue-<date>.json.
# About 5 minutes with the defaults.
#   bench/keyvalue.sh [seconds per 16-connection run, default 8]
#                     [seconds per 1-connection run, default 2]
#                     [ROUNDS, default 3] [LATENCY_ROUNDS, default 6]
# BUILD_DIR (default build) holds the server and the functions; KVPROBE
# overrides the probe (default $BUILD_DIR/bench-components/kvprobe.wasm);
# BACKENDS (default "sqlite postgres") chooses the state databases.
# The counter is $BUILD_DIR/functions/rust-counter.wasm when it exists, else
# the probe's increment.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
source "$ROOT/scripts/postgres.sh"
LOAD_SECONDS=${1:-8}
LATENCY_SECONDS=${2:-2}
ROUNDS=${3:-3}
LATENCY_ROUNDS=${4:-6}
BUILD_DIR=$(cd "${BUILD_DIR:-$ROOT/build}" && pwd)
WASMFAAS="$BUILD_DIR/src/cli/wasmfaas"
KVPROBE=${KVPROBE:-$BUILD_DIR/bench-components/kvprobe.wasm}
BACKENDS=${BACKENDS:-sqlite postgres}
COUNTER="$BUILD_DIR/functions/rust-counter.wasm"
WORK=$(mktemp -d)
RESULTS="$WORK/results.txt"
trap 'stop_server; stop_postgres; rm -rf "$WORK"' EXIT

for file in "$WASMFAAS" "$BUILD_DIR/functions/hello.wasm" "$KVPROBE"; do
  [ -e "$file" ] || { echo "missing $file (build it: make build)" >&2; exit 1; }
done
mkdir -p "$WORK/functions"
cp "$BUILD_DIR/functions/hello.wasm" "$KVPROBE" "$WORK/functions/"
if [ -e "$COUNTER" ]; then
  cp "$COUNTER" "$WORK/functions/"
  COUNTER_URL_KEY=rust-counter
  COUNTER_BODY='{"key":"visits"}'
else
  COUNTER_URL_KEY=kvprobe
  COUNTER_BODY='{"op":"increment","key":"visits"}'
fi
PROBE_OPS=(none open get set increment)
HELLO_BODY='{"name":"World"}'

record() { echo "$*" >> "$RESULTS"; }
post() {  # post <url> <body>: prints the answer
  curl -sS -X POST -H 'Content-Type: application/json' -d "$2" "$1"
}
# The probe's input: get reads what set writes (key "k"); increment has a key
# of its own ("n": a counter). Every op sends a value, "{n}": wrk puts a new
# 16-digit number there on every request (bench/wrk/post_json.lua), so that
# each set really writes, and the client does the same work for every op.
probe_body() {
  local key=k
  [ "$1" = increment ] && key=n
  echo "{\"op\":\"$1\",\"key\":\"$key\",\"value\":\"{n}\"}"
}

# totals <base url> <function key>: from the server's /metrics, the seconds
# the state database has spent on key-value operations and their number,
# then the seconds the function's executions took and their number.
totals() {
  curl -s "$1/metrics" | awk -v key="key=\"$2\"" '
    /^wasmfaas_kv_operation_duration_seconds_sum\{/ { db_sum += $2 }
    /^wasmfaas_kv_operation_duration_seconds_count\{/ { db_count += $2 }
    /^wasmfaas_execution_duration_seconds_sum\{/ && index($0, key) { exec_sum += $2 }
    /^wasmfaas_execution_duration_seconds_count\{/ && index($0, key) { exec_count += $2 }
    END { printf "%.9f %d %.9f %d\n", db_sum, db_count, exec_sum, exec_count }'
}

# mean_us <sum before> <sum after> <count>: the mean in microseconds, -1 for none.
mean_us() {
  awk -v t="$1" -v s="$2" -v n="$3" 'BEGIN { printf "%.1f", n ? (s - t) / n * 1e6 : -1 }'
}

# load <backend> <round> <name> <connections> <seconds> <base url> <path> <body>
# Records the wrk figures, the state database's operations during the run
# and their mean time, and the function's mean execution time (the server's
# own measure: from the instance's creation to its output, without HTTP).
load() {
  local backend=$1 round=$2 name=$3 connections=$4 seconds=$5 base=$6 path=$7 body=$8
  local function=${path##*/} db0 dbn0 ex0 exn0 db1 dbn1 ex1 exn1 db_ops db_mean exec_mean
  read -r db0 dbn0 ex0 exn0 < <(totals "$base" "$function")
  read -r rps p50 p99 errors < <(run_wrk "$connections" "$seconds" "$base$path" "$body")
  read -r db1 dbn1 ex1 exn1 < <(totals "$base" "$function")
  db_ops=$((dbn1 - dbn0))
  db_mean=$(mean_us "$db0" "$db1" "$db_ops")
  exec_mean=$(mean_us "$ex0" "$ex1" $((exn1 - exn0)))
  record "load backend=$backend round=$round name=$name c=$connections rps=$rps p50_us=$p50" \
    "p99_us=$p99 errors=$errors db_ops=$db_ops db_mean_us=$db_mean exec_mean_us=$exec_mean"
  printf '  %-8s round %s  %-15s c=%-2s %7s req/s  p50 %6s us  p99 %6s us  errors %s  exec mean %s us  db %s ops, mean %s us\n' \
    "$backend" "$round" "$name" "$connections" "$rps" "$p50" "$p99" "$errors" "$exec_mean" \
    "$db_ops" "$db_mean" >&2
}

# measure <backend> [serve flags...]: one server; the 16-connection figures
# ROUNDS times, then the 1-connection ones LATENCY_ROUNDS times.
measure() {
  local backend=$1
  shift
  rm -rf "$WORK/data"
  start_server "$WASMFAAS" "$WORK/data" "$WORK/server-$backend.log" --code-cache-dir "" \
    --log-level warn --deploy-examples "$WORK/functions" "$@"
  local base="http://127.0.0.1:$PORT"
  local grant='{"keyvalue":["default"],"config":{"greeting":"Hi"}}'
  for key in kvprobe "$COUNTER_URL_KEY"; do
    curl -sS -o /dev/null --fail-with-body -X PUT -H 'Content-Type: application/json' \
      -d "$grant" "$base/config/functions/$key"
  done
  # Every call must succeed: the functions answer errors with a 200.
  local answer body
  for body in "$(probe_body set)" "$(probe_body none)" "$(probe_body open)" "$(probe_body get)" \
      "$(probe_body increment)"; do
    answer=$(post "$base/exec/functions/kvprobe" "${body//\{n\}/0000000000000001}")
    case $answer in *error*) echo "kvprobe $body on $backend: $answer" >&2; return 1 ;; esac
  done
  answer=$(post "$base/exec/functions/$COUNTER_URL_KEY" "$COUNTER_BODY")
  case $answer in *error*) echo "counter on $backend: $answer" >&2; return 1 ;; esac
  body=$(probe_body get)
  answer=$(post "$base/exec/functions/kvprobe" "${body//\{n\}/0000000000000001}")
  [ "$answer" = '{"found":true,"op":"get"}' ] || { echo "get after set: $answer" >&2; return 1; }

  # Warm-up (compiled code, instance pool, database connections and pages).
  run_wrk 16 2 "$base/exec/functions/hello" "$HELLO_BODY" >/dev/null
  run_wrk 16 2 "$base/exec/functions/kvprobe" "$(probe_body none)" >/dev/null
  run_wrk 16 2 "$base/exec/functions/$COUNTER_URL_KEY" "$COUNTER_BODY" >/dev/null
  for op in "${PROBE_OPS[@]}"; do
    run_wrk 1 1 "$base/exec/functions/kvprobe" "$(probe_body "$op")" >/dev/null
  done

  for round in $(seq "$ROUNDS"); do
    load "$backend" "$round" hello 16 "$LOAD_SECONDS" "$base" /exec/functions/hello "$HELLO_BODY"
    load "$backend" "$round" probe_none 16 "$LOAD_SECONDS" "$base" /exec/functions/kvprobe \
      "$(probe_body none)"
    load "$backend" "$round" counter 16 "$LOAD_SECONDS" "$base" "/exec/functions/$COUNTER_URL_KEY" \
      "$COUNTER_BODY"
  done
  for round in $(seq "$LATENCY_ROUNDS"); do
    for op in "${PROBE_OPS[@]}"; do
      load "$backend" "$round" "probe_$op" 1 "$LATENCY_SECONDS" "$base" /exec/functions/kvprobe \
        "$(probe_body "$op")"
    done
  done
  # The sets wrote what wrk sent.
  answer=$(curl -sS "$base/kv/functions/default/k")
  [[ $answer =~ ^[0-9]{16}$ ]] || { echo "the value set: $answer" >&2; return 1; }
  stop_server
}

load_average() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,; }
record "machine load_before=$(load_average)"
if [[ " $BACKENDS " == *" sqlite "* ]]; then
  echo "== key-value: SQLite ==" >&2
  measure sqlite --state sqlite
fi
if [[ " $BACKENDS " == *" postgres "* ]]; then
  echo "== key-value: PostgreSQL (local, throwaway, fsync off) ==" >&2
  POSTGRES_BIN=$(sed -n 's/^set(POSTGRES_BIN_DIR "\(.*\)")$/\1/p' "$BUILD_DIR/deps.cmake" 2>/dev/null || true)
  [ -n "$POSTGRES_BIN" ] || POSTGRES_BIN=$(pg_config --bindir)
  start_postgres "$POSTGRES_BIN" "$WORK"
  measure postgres --state "$POSTGRES_URL"
  stop_postgres
fi
record "machine load_after=$(load_average)"

mkdir -p "$ROOT/bench/results"
python3 "$ROOT/bench/keyvalue_report.py" "$RESULTS" \
  "$ROOT/bench/results/keyvalue-$(date -u +%Y-%m-%d).json" \
  "$COUNTER_URL_KEY.wasm $COUNTER_BODY" \
  "$LOAD_SECONDS s x $ROUNDS at 16 connections, $LATENCY_SECONDS s x $LATENCY_ROUNDS at 1"
