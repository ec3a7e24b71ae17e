#!/usr/bin/env bash
# The state database's operation latencies on SQLite (a file in a temp dir)
# and on PostgreSQL (a throwaway local server, fsync off: scripts/postgres.sh).
#   bench/state_ops.sh [operations, default 2000]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/postgres.sh"
COUNT=${1:-2000}
BIN_DIR=$(sed -n 's/^set(POSTGRES_BIN_DIR "\(.*\)")$/\1/p' "$ROOT/build/deps.cmake")
WORK=$(mktemp -d)
trap 'stop_postgres; rm -rf "$WORK"' EXIT
"$ROOT/build/bench/state_ops" sqlite "$WORK/data" "$COUNT"
start_postgres "$BIN_DIR" "$WORK"
"$ROOT/build/bench/state_ops" "$POSTGRES_URL" "$WORK/unused" "$COUNT"
