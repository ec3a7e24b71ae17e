#!/usr/bin/env bash
# Builds Wasmtime's C API from the crate wasmtime-c-api-impl (pinned in
# runtime-capi/Cargo.toml and Cargo.lock) into a cached prefix, and prints it:
#   <prefix>/lib/libwasmfaas_wasmtime.a
#   <prefix>/include/...              the crate's C/C++ headers and ours
#   <prefix>/include/wasmtime/conf.h  generated for exactly the enabled features
#   <prefix>/share/wasi_snapshot_preview1.{reactor,proxy}.wasm
#   <prefix>/share/wasi-http-wit/     WIT of wasi:http (benchmark component)
# The prefix is keyed by a hash of the crate's manifest, lock file, sources,
# the WIT it generates bindings from and the compiler, so a second run costs nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE_DIR=${WASMFAAS_CACHE_DIR:-$HOME/.cache/wasmfaas}
CRATE_DIR="$ROOT/runtime-capi"
# shellcheck source=versions.sh
source "$ROOT/scripts/versions.sh"

key=$( (cd "$CRATE_DIR" && cat Cargo.toml Cargo.lock $(find src include ../wit/deps/keyvalue -type f | sort);
        cat "$ROOT/cmake/generate-wasmtime-conf.cmake" "$ROOT/scripts/build-wasmtime-capi.sh"; rustc --version) | sha256sum | cut -c1-16)
prefix="$CACHE_DIR/wasmtime/$WASMTIME_VERSION-$key"
if [ -f "$prefix/.complete" ]; then
  echo "$prefix"
  exit 0
fi

echo "[setup] building Wasmtime $WASMTIME_VERSION C API (once; about 15 minutes on 2 cores)" >&2
export CARGO_TARGET_DIR="$CACHE_DIR/cargo-target"
cargo build --quiet --release --locked --manifest-path "$CRATE_DIR/Cargo.toml" >&2

# Where cargo unpacked the crates, and which features the C API was built with.
metadata=$(cargo metadata --format-version 1 --locked --manifest-path "$CRATE_DIR/Cargo.toml")
read_metadata() {
  python3 -c '
import json, os, sys
meta = json.load(sys.stdin)
pkgs = {p["id"]: p for p in meta["packages"]}
def find(name):
    return next(p for p in meta["packages"] if p["name"] == name)
impl = find("wasmtime-c-api-impl")
adapter = find("wasi-preview1-component-adapter-provider")
http = find("wasmtime-wasi-http")
features = next(n["features"] for n in meta["resolve"]["nodes"] if n["id"] == impl["id"])
print(os.path.dirname(impl["manifest_path"]))
print(os.path.dirname(adapter["manifest_path"]))
print(os.path.dirname(http["manifest_path"]))
print(";".join(sorted(features)))
'
}
{ read -r impl_dir; read -r adapter_dir; read -r http_dir; read -r features; } < <(echo "$metadata" | read_metadata)

staging="$prefix.tmp.$$"
rm -rf "$staging"
mkdir -p "$staging/lib" "$staging/include" "$staging/share"
cp "$CARGO_TARGET_DIR/release/libwasmfaas_wasmtime.a" "$staging/lib/"
cp -r "$impl_dir/include/." "$staging/include/"
cp "$CRATE_DIR/include/"*.h "$staging/include/"
rm -f "$staging/include/wasmtime/conf.h.in"
cmake -DCONF_IN="$impl_dir/include/wasmtime/conf.h.in" \
      -DCONF_OUT="$staging/include/wasmtime/conf.h" \
      -DFEATURES="$features" -P "$ROOT/cmake/generate-wasmtime-conf.cmake"
cp "$adapter_dir/artefacts/wasi_snapshot_preview1.reactor.wasm" \
   "$adapter_dir/artefacts/wasi_snapshot_preview1.proxy.wasm" "$staging/share/"
# The wasi:http WIT of the same release, for the wasi:http benchmark component.
cp -r "$http_dir/wit" "$staging/share/wasi-http-wit"
echo "$features" > "$staging/features.txt"
touch "$staging/.complete"
rm -rf "$prefix"
mv "$staging" "$prefix"
echo "$prefix"
