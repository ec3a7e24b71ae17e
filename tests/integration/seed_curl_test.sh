#!/usr/bin/env bash
# Runs curl/seed.sh (the seed's sequence with curl) against a real
# `wasmfaas serve` and checks every step's answer; with --s3, the server
# keeps its functions in a versitygw this script starts.
#   seed_curl_test.sh <wasmfaas binary> <hello.wasm> [--s3 <versitygw binary>]
set -euo pipefail
BINARY=$1
COMPONENT=$2
VERSITYGW=""
[ "${3:-}" = "--s3" ] && VERSITYGW=$4
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
SERVER="" GATEWAY=""
cleanup() {
  for pid in $SERVER $GATEWAY; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=../../scripts/versitygw.sh
source "$ROOT/scripts/versitygw.sh"
# shellcheck source=server_port.sh
source "$ROOT/tests/integration/server_port.sh"

STORE_FLAGS=(--data-dir "$WORK/data")
if [ -n "$VERSITYGW" ]; then
  start_versitygw "$VERSITYGW" "$WORK"
  STORE_FLAGS=(--store s3)
fi

"$BINARY" serve --listen 127.0.0.1:0 "${STORE_FLAGS[@]}" --code-cache-dir "$WORK/cache" \
  2>"$WORK/server.log" &
SERVER=$!
wait_for_port "$WORK/server.log" || exit 1
grep -F "serving on" "$WORK/server.log"

"$ROOT/curl/seed.sh" "http://127.0.0.1:$PORT" "$COMPONENT" | tee "$WORK/out.txt"

expect() { grep -qF -- "$1" "$WORK/out.txt" || { echo "missing: $1"; exit 1; }; }
expect '{"bucket":"faas-modules","created":true}'
expect '"name":"hello_faas.wasm"'
expect '{"files":[{'
expect '{"result":"Hello Toni, how are you?"}'
expect 'downloaded bytes match the upload'
expect '{"bucket":"faas-modules","deleted":true,"key":"hello_faas.wasm"}'
echo "seed sequence (${VERSITYGW:+s3}${VERSITYGW:-local}): ok"
