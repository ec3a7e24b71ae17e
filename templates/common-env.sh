# Sourced by every template's build.sh: where the set-up put the tools.
CACHE_DIR=${WASMFAAS_CACHE_DIR:-$HOME/.cache/wasmfaas}
WASM_TOOLS=${WASM_TOOLS:-$CACHE_DIR/tools/bin/wasm-tools}
WIT_BINDGEN=${WIT_BINDGEN:-$CACHE_DIR/tools/bin/wit-bindgen}
WASI_ADAPTER_REACTOR=${WASI_ADAPTER_REACTOR:?set it to the path build/deps.cmake gives for WASI_ADAPTER_REACTOR}
