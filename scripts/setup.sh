#!/usr/bin/env bash
# Installs whatever wasmfaas needs that this machine lacks (Debian packages,
# pinned cargo tools, Wasmtime's C API built from crates.io), idempotently,
# caching slow builds under $WASMFAAS_CACHE_DIR (default ~/.cache/wasmfaas),
# then writes the CMake file with their paths.
#
#   scripts/setup.sh [--bench] [--fuzz] <deps.cmake to write>
# --bench also installs the benchmark tools (wrk, wasmtime-cli); --fuzz the
# fuzzing runtime (libFuzzer for clang-19).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=0
FUZZ=0
while [ "${1:-}" = "--bench" ] || [ "${1:-}" = "--fuzz" ]; do
  [ "$1" = "--bench" ] && BENCH=1
  [ "$1" = "--fuzz" ] && FUZZ=1
  shift
done
DEPS_FILE=${1:-$ROOT/build/deps.cmake}
CACHE_DIR=${WASMFAAS_CACHE_DIR:-$HOME/.cache/wasmfaas}
# shellcheck source=versions.sh
source "$ROOT/scripts/versions.sh"

log() { echo "[setup] $*" >&2; }

# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

check_rust() {
  if ! command -v cargo >/dev/null; then
    log "cargo not found: install Rust >= $MIN_RUST_VERSION (rustup) and retry"
    exit 1
  fi
  local have
  have=$(rustc --version | awk '{print $2}')
  if [ "$(printf '%s\n%s\n' "$MIN_RUST_VERSION" "$have" | sort -V | head -n1)" != "$MIN_RUST_VERSION" ]; then
    log "rustc $have is older than the $MIN_RUST_VERSION that Wasmtime $WASMTIME_VERSION needs"
    exit 1
  fi
}

# install_cargo_tool <crate> <version> <binary>
install_cargo_tool() {
  local crate=$1 version=$2 binary=$3
  local path="$CACHE_DIR/tools/bin/$binary"
  if [ -x "$path" ] && "$path" --version 2>/dev/null | grep -qF "$version"; then
    return
  fi
  log "cargo install --locked $crate@$version (once; cached in $CACHE_DIR/tools)"
  cargo install --quiet --locked --root "$CACHE_DIR/tools" "$crate@$version"
}

# install_go_tool <package> <version> <binary>: `go install` pinned, into the
# cache; a stamp file records the version (the binary cannot tell it).
install_go_tool() {
  local package=$1 version=$2 binary=$3
  local stamp="$CACHE_DIR/tools/$binary.version"
  if [ -x "$CACHE_DIR/tools/bin/$binary" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
    return
  fi
  command -v go >/dev/null || { log "go not found: install Go (1.22+) and retry"; exit 1; }
  log "go install $package@$version (once; cached in $CACHE_DIR/tools)"
  GOBIN="$CACHE_DIR/tools/bin" go install "$package@$version"
  echo "$version" > "$stamp"
}

# The PostgreSQL server programs (initdb, postgres) the state database tests
# start: Debian keeps them in /usr/lib/postgresql/<major>/bin, off the PATH.
find_postgres_bin_dir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
    echo "$dir"
    return
  fi
  for dir in $(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return
    fi
  done
  log "initdb and postgres not found (Debian package postgresql)"
  exit 1
}

install_apt_packages "${APT_PACKAGES[@]}"
POSTGRES_BIN_DIR=$(find_postgres_bin_dir)
check_rust
install_cargo_tool wasm-tools "$WASM_TOOLS_VERSION" wasm-tools
install_cargo_tool wit-bindgen-cli "$WIT_BINDGEN_VERSION" wit-bindgen
install_go_tool github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" versitygw
install_go_tool helm.sh/helm/v3/cmd/helm "$HELM_VERSION" helm
install_go_tool github.com/tsenart/vegeta/v12 "$VEGETA_VERSION" vegeta
if [ "$BENCH" = 1 ]; then
  install_apt_packages "${BENCH_APT_PACKAGES[@]}"
  # `wasmtime serve` of the very release wasmfaas embeds (a long build, once).
  install_cargo_tool wasmtime-cli "$WASMTIME_VERSION" wasmtime
fi
[ "$FUZZ" = 1 ] && install_apt_packages "${FUZZ_APT_PACKAGES[@]}"
WASMTIME_PREFIX=$("$ROOT/scripts/build-wasmtime-capi.sh")
# The example functions in Rust, C++, JavaScript, Python and Go
# (docs/languages.md): their toolchains, and guest-toolchains.cmake beside deps.cmake.
"$ROOT/scripts/guest-toolchains.sh" "$(dirname "$DEPS_FILE")/guest-toolchains.cmake"
# Python packages the tests use (a real Prometheus parser, an OpenAPI
# validator, Schemathesis, croniter as the cron tests' oracle), in their own
# venv; installed when any of them is missing or at another version.
TEST_VENV="$CACHE_DIR/test-venv"
TEST_PYTHON_PACKAGES=(
  "prometheus-client==$PROMETHEUS_CLIENT_VERSION"
  "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION"
  "schemathesis==$SCHEMATHESIS_VERSION"
  "croniter==$CRONITER_VERSION"
  "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
)
if ! "$TEST_VENV/bin/python3" - "${TEST_PYTHON_PACKAGES[@]}" 2>/dev/null <<'PYTHON'; then
import importlib.metadata, sys
pins = [argument.split("==") for argument in sys.argv[1:]]
sys.exit(any(importlib.metadata.version(name) != version for name, version in pins))
PYTHON
  log "pip install ${TEST_PYTHON_PACKAGES[*]} (once; in $TEST_VENV)"
  python3 -m venv "$TEST_VENV"
  "$TEST_VENV/bin/pip" install --quiet "${TEST_PYTHON_PACKAGES[@]}"
fi

# The console's browser test (tests/console): playwright-core and axe-core
# from npm, exactly as tests/console/package-lock.json pins them, in a cache
# directory named after the lock's hash. playwright-core downloads no
# browser: the test drives Debian's chromium (APT_PACKAGES).
setup_console_tests() {
  command -v npm >/dev/null || { log "npm not found: install Node.js (>= 20) and npm"; exit 1; }
  local hash
  hash=$(cat "$ROOT/tests/console/package.json" "$ROOT/tests/console/package-lock.json" |
    sha256sum | cut -c1-16)
  CONSOLE_TESTS_DIR="$CACHE_DIR/console-tests/$hash"
  [ -f "$CONSOLE_TESTS_DIR/.installed" ] && return
  log "npm ci (playwright-core, axe-core; pinned by tests/console/package-lock.json; once, into $CONSOLE_TESTS_DIR)"
  rm -rf "$CACHE_DIR/console-tests"  # an older lock's install goes too
  mkdir -p "$CONSOLE_TESTS_DIR"
  cp "$ROOT/tests/console/package.json" "$ROOT/tests/console/package-lock.json" "$CONSOLE_TESTS_DIR/"
  (cd "$CONSOLE_TESTS_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$CONSOLE_TESTS_DIR/.installed"
}
setup_console_tests
CHROMIUM=$(command -v chromium) || { log "chromium not found (Debian package chromium)"; exit 1; }

mkdir -p "$(dirname "$DEPS_FILE")"
cat >"$DEPS_FILE.tmp" <<CMAKE
# Written by scripts/setup.sh; do not edit.
set(WASMTIME_VERSION "$WASMTIME_VERSION")
set(WASMTIME_PREFIX "$WASMTIME_PREFIX")
set(WASI_ADAPTER_REACTOR "$WASMTIME_PREFIX/share/wasi_snapshot_preview1.reactor.wasm")
set(WASI_ADAPTER_PROXY "$WASMTIME_PREFIX/share/wasi_snapshot_preview1.proxy.wasm")
set(WASI_HTTP_WIT_DIR "$WASMTIME_PREFIX/share/wasi-http-wit")
set(WASM_TOOLS "$CACHE_DIR/tools/bin/wasm-tools")
set(WIT_BINDGEN "$CACHE_DIR/tools/bin/wit-bindgen")
set(VERSITYGW "$CACHE_DIR/tools/bin/versitygw")
set(VEGETA "$CACHE_DIR/tools/bin/vegeta")
set(TEST_PYTHON "$TEST_VENV/bin/python3")
set(POSTGRES_BIN_DIR "$POSTGRES_BIN_DIR")
set(CONSOLE_TEST_NODE_MODULES "$CONSOLE_TESTS_DIR/node_modules")
set(CHROMIUM "$CHROMIUM")
CMAKE
# Rewrite only on change, so that CMake does not reconfigure needlessly.
if cmp -s "$DEPS_FILE.tmp" "$DEPS_FILE"; then rm "$DEPS_FILE.tmp"; else mv "$DEPS_FILE.tmp" "$DEPS_FILE"; fi
