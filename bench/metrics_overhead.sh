#!/usr/bin/env bash
# The cost of observability on hello exec: throughput and latency with
# metrics, the access log and the invocation log on (the default) and off.
#   bench/metrics_overhead.sh [seconds per run, default 8] [rounds, default 3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-8}
ROUNDS=${2:-3}
WORK=$(mktemp -d)
trap 'stop_server; rm -rf "$WORK"' EXIT
FUNCTIONS=$(c_examples "$WORK/functions")

run() {  # run <label> <flags...>
  local label=$1
  shift
  rm -rf "$WORK/data"
  start_server "$ROOT/build/src/cli/wasmfaas" "$WORK/data" "$WORK/server.log" --code-cache-dir "" \
    --deploy-examples "$FUNCTIONS" "$@"
  for c in 1 64; do
    read -r rps p50 p99 errors < <(run_wrk "$c" "$DURATION" \
      "http://127.0.0.1:$PORT/exec/functions/hello" '{"name":"World"}')
    printf '%-34s c=%-3s %8s req/s  p50 %6s us  p99 %6s us  errors %s\n' "$label" "$c" "$rps" \
      "$p50" "$p99" "$errors"
  done
  stop_server
}

for round in $(seq "$ROUNDS"); do
  echo "round $round"
  # The access log goes to the server's stderr (a file here), as in production.
  run "on (metrics, access log, logs)" --log-level info
  run "off" --no-metrics --log-level off --logs-per-function 0
done
