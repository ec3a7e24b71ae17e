#!/usr/bin/env bash
# Runs curl/seed.sh (the seed's sequence with curl) against a real
# `wasmfaas serve` and checks every step's answer.
#   seed_curl_test.sh <wasmfaas binary> <hello.wasm>
set -euo pipefail
BINARY=$1
COMPONENT=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BINARY" serve --listen 127.0.0.1:0 --data-dir "$WORK/data" --cache-dir "$WORK/cache" \
  2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 200); do
  PORT=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\).*|\1|p' "$WORK/server.log")
  [ -n "$PORT" ] && break
  sleep 0.05
done
[ -n "$PORT" ] || { cat "$WORK/server.log"; exit 1; }

"$ROOT/curl/seed.sh" "http://127.0.0.1:$PORT" "$COMPONENT" | tee "$WORK/out.txt"

expect() { grep -qF -- "$1" "$WORK/out.txt" || { echo "missing: $1"; exit 1; }; }
expect '{"bucket":"faas-modules","created":true}'
expect '"name":"hello_faas.wasm"'
expect '{"files":[{'
expect '{"result":"Hello Toni, how are you?"}'
expect 'downloaded bytes match the upload'
expect '{"bucket":"faas-modules","deleted":true,"key":"hello_faas.wasm"}'
echo "seed sequence: ok"
