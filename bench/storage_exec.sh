#!/usr/bin/env bash
# Exec of a cached function on the embedded store versus on S3 (a versitygw
# started here, POSIX backend with versioning), and how many store requests
# one exec makes (read from the server's own /metrics).
#   bench/storage_exec.sh [seconds per run, default 8]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-8}
CACHE_DIR=${WASMFAAS_CACHE_DIR:-$HOME/.cache/wasmfaas}
WASMFAAS="$ROOT/build/src/cli/wasmfaas"
WORK=$(mktemp -d)
GATEWAY=""
trap 'stop_server; [ -n "$GATEWAY" ] && kill "$GATEWAY" 2>/dev/null; rm -rf "$WORK"' EXIT
hello_body='{"name":"World"}'

measure() {  # measure <store name>
  local base="http://127.0.0.1:$PORT"
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "$hello_body" \
    "$base/exec/functions/hello"
  local heads_before gets_before
  heads_before=$(store_requests "$base" head_object)
  gets_before=$(store_requests "$base" get_object)
  for _ in $(seq 100); do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "$hello_body" \
      "$base/exec/functions/hello"
  done
  local heads=$(( $(store_requests "$base" head_object) - heads_before ))
  local gets=$(( $(store_requests "$base" get_object) - gets_before ))
  printf '%-8s store requests per exec: HEAD %s, GET %s (over 100 execs)\n' "$1" \
    "$(awk -v n="$heads" 'BEGIN {printf "%.2f", n / 100}')" \
    "$(awk -v n="$gets" 'BEGIN {printf "%.2f", n / 100}')"
  for c in 1 16; do
    read -r rps p50 p99 errors < <(run_wrk "$c" "$DURATION" "$base/exec/functions/hello" "$hello_body")
    printf '%-8s hello exec c=%-3s %8s req/s  p50 %6s us  p99 %6s us  errors %s\n' \
      "$1" "$c" "$rps" "$p50" "$p99" "$errors"
  done
}

start_server "$WASMFAAS" "$WORK/data" "$WORK/local.log" --code-cache-dir "" --log-level off \
  --deploy-examples "$(c_examples "$WORK/functions")"
measure local
stop_server

# shellcheck source=../scripts/versitygw.sh
source "$ROOT/scripts/versitygw.sh"
start_versitygw "$CACHE_DIR/tools/bin/versitygw" "$WORK"
start_server "$WASMFAAS" "$WORK/data" "$WORK/s3.log" --store s3 --code-cache-dir "" \
  --log-level off --deploy-examples "$WORK/functions"
measure s3
