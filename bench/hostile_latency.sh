#!/usr/bin/env bash
# hello's latency with and without hostile functions running beside it:
# endless loops (time limit), memory bombs (memory limit), stack overflows
# and traps, called back to back by 2 clients while wrk measures hello;
# then again with each hostile function limited to one execution at a time
# (per-function config max_concurrency = 1).
#   bench/hostile_latency.sh [seconds per run, default 10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-10}
WORK=$(mktemp -d)
ATTACKERS=()
trap 'for p in "${ATTACKERS[@]}"; do kill "$p" 2>/dev/null; done; stop_server; rm -rf "$WORK"' EXIT
FIXTURES="$ROOT/build/test-components"
hello_body='{"name":"World"}'

# Extra server flags from the environment, e.g. HOSTILE_SERVER_FLAGS="--short-call-us 1000".
# shellcheck disable=SC2086
start_server "$ROOT/build/src/cli/wasmfaas" "$WORK/data" "$WORK/server.log" --code-cache-dir "" \
  --log-level off --timeout-ms 200 --memory-mb 32 --deploy-examples "$(c_examples "$WORK/functions")" \
  ${HOSTILE_SERVER_FLAGS:-}
BASE="http://127.0.0.1:$PORT"
for fixture in infinite_loop memory_bomb deep_recursion trap; do
  curl -s -o /dev/null -X POST -H 'Content-Type: application/wasm' \
    --data-binary "@$FIXTURES/fixture_$fixture.wasm" "$BASE/file/functions/$fixture"
done

report() {
  read -r rps p50 p99 errors < <(run_wrk 8 "$DURATION" "$BASE/exec/functions/hello" "$hello_body")
  printf '%-28s hello c=8: %7s req/s  p50 %6s us  p99 %7s us  errors %s\n' "$1" "$rps" "$p50" "$p99" "$errors"
}

report "alone"
for _ in 1 2; do
  ( while :; do
      for fixture in infinite_loop memory_bomb deep_recursion trap; do
        curl -s -o /dev/null -X POST -d x "$BASE/exec/functions/$fixture"
      done
    done ) &
  ATTACKERS+=($!)
done
sleep 1
executions() {  # executions so far whose outcome label matches the regex $1
  curl -s "$BASE/metrics" |
    awk -v outcome="outcome=\"$1\"" '/^wasmfaas_executions_total/ && $0 ~ outcome {n += $2} END {print n + 0}'
}
ended() { executions '(trap|timeout|memory|fuel|bad_output|error)'; }  # by their limits
throttled() { executions 'throttled'; }
report "with hostile load"
echo "hostile executions ended by their limits during the run: $(ended)"
before=$(ended)
for fixture in infinite_loop memory_bomb deep_recursion trap; do
  curl -s -o /dev/null -X PUT -H 'Content-Type: application/json' -d '{"max_concurrency":1}' \
    "$BASE/config/functions/$fixture"
done
sleep 1
report "hostile, max_concurrency 1"
echo "hostile executions ended by their limits: $(( $(ended) - before )), refused (429): $(throttled)"
