#!/usr/bin/env bash
# Builds __NAME__.wasm (the faas-exec-kv world) with ComponentizeJS, as
# installed for the examples by scripts/guest-toolchains.sh (pinned by
# examples/js/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
source ./common-env.sh
modules=$(ls -d "$CACHE_DIR"/guest/js/*/node_modules | head -n1)
node componentize.mjs "$modules" __NAME__.js wit __NAME__.wasm faas-exec-kv
echo "built __NAME__.wasm"
