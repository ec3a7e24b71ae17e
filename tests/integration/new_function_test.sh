#!/usr/bin/env bash
# `wasmfaas new`: a C++ function created from its template builds with the
# set-up's toolchain and runs; bad languages and names are refused.
#   new_function_test.sh <wasmfaas binary>
set -euo pipefail
BINARY=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$BINARY" new cpp my-echo --dir "$WORK"
(cd "$WORK/my-echo" && ./build.sh >/dev/null)
output=$("$BINARY" run "$WORK/my-echo/my-echo.wasm" '{"x":1}')
[ "$output" = '{"result":{"x":1}}' ] || { echo "unexpected output: $output"; exit 1; }
if "$BINARY" new cobol x --dir "$WORK" 2>/dev/null; then echo "cobol accepted"; exit 1; fi
if "$BINARY" new rust '../escape' --dir "$WORK" 2>/dev/null; then echo "bad name accepted"; exit 1; fi
if "$BINARY" new cpp my-echo --dir "$WORK" 2>/dev/null; then echo "overwrote a directory"; exit 1; fi
echo "wasmfaas new: ok"
