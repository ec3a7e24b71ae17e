#!/usr/bin/env bash
# Builds __NAME__.wasm (the faas-exec-kv world) with Debian's Rust (rustc-web,
# rust-web-src): the standard library is built from source for wasm32-wasip1.
set -euo pipefail
cd "$(dirname "$0")"
source ./common-env.sh
lib=$(sed -n 's/^name = "\(.*\)"/\1/p' Cargo.toml | head -n1 | tr - _)
CARGO_HOME=${CARGO_HOME:-$CACHE_DIR/guest/cargo-home} RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
RUSTFLAGS="-C linker=/usr/lib/llvm-19/bin/wasm-ld -C link-self-contained=no -L native=/usr/lib/wasm32-wasi" \
  /usr/bin/cargo build --release --target wasm32-wasip1 -Zbuild-std=std,panic_abort
"$WASM_TOOLS" component new "target/wasm32-wasip1/release/$lib.wasm" \
  --adapt "wasi_snapshot_preview1=$WASI_ADAPTER_REACTOR" -o __NAME__.wasm
echo "built __NAME__.wasm"
