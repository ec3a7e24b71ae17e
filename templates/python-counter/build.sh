#!/usr/bin/env bash
# Builds __NAME__.wasm (the faas-exec-kv world) with componentize-py, as
# installed for the examples by scripts/guest-toolchains.sh.
set -euo pipefail
cd "$(dirname "$0")"
source ./common-env.sh
componentize_py=$(ls "$CACHE_DIR"/guest/python/componentize-py-*/bin/componentize-py | head -n1)
"$componentize_py" -d wit -w faas-exec-kv componentize -p . app -o __NAME__.wasm
