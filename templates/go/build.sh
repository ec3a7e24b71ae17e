#!/usr/bin/env bash
# Builds __NAME__.wasm with Go (wasip1, a reactor), the hand-written
# canonical-ABI glue in faas/, and wasm-tools.
set -euo pipefail
cd "$(dirname "$0")"
source ./common-env.sh
GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o __NAME__.core.wasm .
"$WASM_TOOLS" component embed wit --world faas-exec __NAME__.core.wasm -o __NAME__.embed.wasm
"$WASM_TOOLS" component new __NAME__.embed.wasm \
  --adapt "wasi_snapshot_preview1=$WASI_ADAPTER_REACTOR" -o __NAME__.wasm
echo "built __NAME__.wasm"
