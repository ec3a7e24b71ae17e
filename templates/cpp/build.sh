#!/usr/bin/env bash
# Builds __NAME__.wasm with clang++-19 and Debian's libc++ for wasm32-wasi.
set -euo pipefail
cd "$(dirname "$0")"
source ./common-env.sh
mkdir -p bindings/include
"$WIT_BINDGEN" cpp --world faas-exec --out-dir bindings wit
ln -sfn /usr/include/nlohmann bindings/include/nlohmann
clang++-19 --target=wasm32-wasi -mexec-model=reactor -std=c++23 -Os -fno-exceptions \
  -Ibindings -Ibindings/include __NAME__.cpp bindings/faas_exec.cpp \
  bindings/faas_exec_component_type.o -Wl,--strip-all -o __NAME__.core.wasm
"$WASM_TOOLS" component new __NAME__.core.wasm \
  --adapt "wasi_snapshot_preview1=$WASI_ADAPTER_REACTOR" -o __NAME__.wasm
echo "built __NAME__.wasm"
