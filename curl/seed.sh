#!/usr/bin/env bash
# The seed's request sequence with curl: create a bucket, upload hello with
# -F file=@..., list, exec, download, delete. Start the server first
# (`make run`). Usage: curl/seed.sh [base-url] [component]
set -euo pipefail
HOST=${1:-http://localhost:3000}
COMPONENT=${2:-$(dirname "$0")/../build/functions/hello.wasm}
DOWNLOAD=$(mktemp)
trap 'rm -f "$DOWNLOAD"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "create bucket"
curl -sS -X PUT "$HOST/bucket/faas-modules"
step "upload"
curl -sS -X POST -F "file=@$COMPONENT" "$HOST/file/faas-modules/hello_faas.wasm"
step "list"
curl -sS "$HOST/bucket/faas-modules"
step "exec"
curl -sS -X POST "$HOST/exec/faas-modules/hello_faas.wasm" \
  -H "Content-Type: application/json" -d '{"name": "Toni"}'
step "download"
curl -sS -o "$DOWNLOAD" "$HOST/file/faas-modules/hello_faas.wasm"
cmp "$DOWNLOAD" "$COMPONENT" && echo "downloaded bytes match the upload"
step "delete"
curl -sS -X DELETE "$HOST/file/faas-modules/hello_faas.wasm"
echo
