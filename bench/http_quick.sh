#!/usr/bin/env bash
# A quick HTTP figure (not the full benchmark): GET /healthz and hello exec
# at 64 and 1,000 keep-alive connections with wrk, and the server's RSS.
#   bench/http_quick.sh [seconds per run]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
SECONDS_PER_RUN=${1:-8}
WORK=$(mktemp -d)
trap 'stop_server; rm -rf "$WORK"' EXIT

start_server "$ROOT/build/src/cli/wasmfaas" "$WORK/data" "$WORK/server.log" \
  --deploy-examples "$(c_examples "$WORK/functions")"
BASE="http://127.0.0.1:$PORT"
printf '%-28s %12s %10s %10s %8s\n' "run" "requests/s" "p50 (us)" "p99 (us)" "errors"
for connections in 64 1000; do
  read -r rps p50 p99 errors < <(run_wrk "$connections" "$SECONDS_PER_RUN" "$BASE/healthz")
  printf '%-28s %12s %10s %10s %8s\n' "GET /healthz c=$connections" "$rps" "$p50" "$p99" "$errors"
  read -r rps p50 p99 errors < <(run_wrk "$connections" "$SECONDS_PER_RUN" \
    "$BASE/exec/functions/hello" '{"name":"World"}')
  printf '%-28s %12s %10s %10s %8s\n' "hello exec c=$connections" "$rps" "$p50" "$p99" "$errors"
done
echo "server RSS after the runs: $(( $(ps -o rss= -p "$SERVER_PID") / 1024 )) MiB"
