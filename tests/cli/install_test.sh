#!/usr/bin/env bash
# `make install` puts wasmfaas into <prefix>/bin: installs the build into a
# temporary prefix (cmake --install, as the Makefile's install target does)
# and runs the installed binary from the PATH.
# Usage: install_test.sh <build dir>
set -euo pipefail
build_dir=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/wasmfaas" || { echo "no $prefix/bin/wasmfaas"; exit 1; }
help=$(PATH="$prefix/bin:$PATH" wasmfaas --help)
for word in deploy invoke versions rollback "Exit codes"; do
  grep -q "$word" <<<"$help" || { echo "wasmfaas --help does not mention '$word'"; exit 1; }
done
# DESTDIR stages the same tree under another root (packaging).
stage=$prefix/stage
DESTDIR=$stage cmake --install "$build_dir" --prefix /opt/wasmfaas >/dev/null
test -x "$stage/opt/wasmfaas/bin/wasmfaas" || { echo "DESTDIR not respected"; exit 1; }
echo "installed and ran $prefix/bin/wasmfaas"
