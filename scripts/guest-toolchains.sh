#!/usr/bin/env bash
# Installs what the example functions in Rust, C++, JavaScript, Python and Go
# need (docs/languages.md), idempotently, into $WASMFAAS_CACHE_DIR (default
# ~/.cache/wasmfaas), then writes the CMake file with their paths that
# cmake/GuestLanguages.cmake reads. A second run takes about a second.
#
#   scripts/guest-toolchains.sh <guest-toolchains.cmake to write>
#
# Nothing is downloaded from outside the package registries: Debian's own
# Rust builds the wasm32-wasip1 standard library from source (no rustup
# target), JavaScript and Python tools come pinned from npm and PyPI, Go is
# the machine's.
set -euo pipefail

# ---- Pinned versions -------------------------------------------------------
# Debian bookworm packages: rustc/cargo 1.96 with the std sources (Rust) and
# libc++ for wasm32-wasi (C++). clang-19, lld-19 and wasi-libc come with the
# main set-up (scripts/versions.sh).
GUEST_APT_PACKAGES=(
  rustc-web cargo-web rust-web-src
  libc++-19-dev-wasm32 libc++abi-19-dev-wasm32
  clang-19 lld-19 wasi-libc nlohmann-json3-dev
)
MIN_GUEST_RUSTC_VERSION=1.96.0       # Debian's rustc-web; wit-bindgen 0.63 and -Zbuild-std need it
COMPONENTIZE_PY_VERSION=0.25.1       # pip, into a venv in the cache
MIN_NODE_VERSION=20.0.0              # runs ComponentizeJS (pinned in examples/js/package-lock.json)
MIN_GO_VERSION=1.24.0                # go:wasmexport and wasip1 -buildmode=c-shared
# The Rust crates (wit-bindgen 0.63.0, serde, serde_json) are pinned in
# examples/rust/Cargo.lock; the npm packages in examples/js/package-lock.json.
# ----------------------------------------------------------------------------

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${1:-$ROOT/build/guest-toolchains.cmake}
CACHE_DIR=${WASMFAAS_CACHE_DIR:-$HOME/.cache/wasmfaas}
GUEST_DIR="$CACHE_DIR/guest"

log() { echo "[guest-toolchains] $*" >&2; }
die() { log "$*"; exit 1; }

# version_at_least <have> <want>
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

# Rust: Debian's toolchain in /usr/bin (rustup's proxies, first on PATH, only
# have the host target). Its crates go to a CARGO_HOME of their own.
setup_rust() {
  RUSTC=/usr/bin/rustc
  CARGO=/usr/bin/cargo
  local have
  have=$("$RUSTC" --version | awk '{print $2}')
  version_at_least "$have" "$MIN_GUEST_RUSTC_VERSION" ||
    die "$RUSTC is $have; the Rust examples need $MIN_GUEST_RUSTC_VERSION (Debian's rustc-web)"
  [ -f /usr/lib/rustlib/src/rust/library/Cargo.lock ] ||
    die "the Rust std sources are missing (Debian package rust-web-src)"
  CARGO_HOME_DIR="$GUEST_DIR/cargo-home"
  mkdir -p "$CARGO_HOME_DIR"
  # Fetch the examples' crates now, so that the build needs no network for
  # them (std's own dependencies are fetched by the first -Zbuild-std build).
  CARGO_HOME="$CARGO_HOME_DIR" RUSTC="$RUSTC" "$CARGO" fetch --locked --quiet \
    --manifest-path "$ROOT/examples/rust/Cargo.toml"
}

# JavaScript: ComponentizeJS from npm, exactly as package-lock.json pins it,
# in a cache directory named after the lock file's hash.
setup_js() {
  NODE=$(command -v node) || die "node not found: install Node.js >= $MIN_NODE_VERSION"
  local have
  have=$("$NODE" --version | sed 's/^v//')
  version_at_least "$have" "$MIN_NODE_VERSION" || die "node $have is older than $MIN_NODE_VERSION"
  local lock="$ROOT/examples/js/package-lock.json"
  local hash
  hash=$(cat "$ROOT/examples/js/package.json" "$lock" | sha256sum | cut -c1-16)
  JS_DIR="$GUEST_DIR/js/$hash"
  if [ -f "$JS_DIR/.installed" ]; then
    return
  fi
  log "npm ci (ComponentizeJS, pinned by examples/js/package-lock.json; once, into $JS_DIR)"
  rm -rf "$GUEST_DIR/js"  # an older lock's install (about 400 MB) goes too
  mkdir -p "$JS_DIR"
  cp "$ROOT/examples/js/package.json" "$lock" "$JS_DIR/"
  (cd "$JS_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$JS_DIR/.installed"
}

# Python: componentize-py from PyPI in a venv of its own.
setup_python() {
  PY_VENV="$GUEST_DIR/python/componentize-py-$COMPONENTIZE_PY_VERSION"
  COMPONENTIZE_PY="$PY_VENV/bin/componentize-py"
  if [ -x "$COMPONENTIZE_PY" ] &&
     "$COMPONENTIZE_PY" --version 2>/dev/null | grep -qF "$COMPONENTIZE_PY_VERSION"; then
    return
  fi
  command -v python3 >/dev/null || die "python3 not found"
  log "pip install componentize-py==$COMPONENTIZE_PY_VERSION (once, into $PY_VENV)"
  rm -rf "$PY_VENV"
  python3 -m venv "$PY_VENV"
  "$PY_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "componentize-py==$COMPONENTIZE_PY_VERSION"
}

# Go: the machine's Go (nothing to install; the examples have no modules).
setup_go() {
  GO=$(command -v go) || die "go not found: install Go >= $MIN_GO_VERSION"
  local have
  have=$("$GO" env GOVERSION | sed 's/^go//')
  version_at_least "$have" "$MIN_GO_VERSION" || die "go $have is older than $MIN_GO_VERSION"
}

install_apt_packages "${GUEST_APT_PACKAGES[@]}"
setup_rust
setup_js
setup_python
setup_go

mkdir -p "$(dirname "$OUTPUT")"
cat >"$OUTPUT.tmp" <<CMAKE
# Written by scripts/guest-toolchains.sh; do not edit.
set(GUEST_RUSTC "$RUSTC")
set(GUEST_CARGO "$CARGO")
set(GUEST_CARGO_HOME "$CARGO_HOME_DIR")
set(GUEST_WASM_LD "/usr/lib/llvm-19/bin/wasm-ld")
set(GUEST_WASI_LIBC_DIR "/usr/lib/wasm32-wasi")
set(GUEST_NODE "$NODE")
set(GUEST_JS_NODE_MODULES "$JS_DIR/node_modules")
set(GUEST_COMPONENTIZE_PY "$COMPONENTIZE_PY")
set(GUEST_GO "$GO")
CMAKE
if cmp -s "$OUTPUT.tmp" "$OUTPUT"; then rm "$OUTPUT.tmp"; else mv "$OUTPUT.tmp" "$OUTPUT"; fi
