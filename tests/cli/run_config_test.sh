#!/usr/bin/env bash
# `wasmfaas run --config`: a function's config (env, key-value grants,
# wasi:config values) applies to a local run as on a server; without it the
# sandbox grants nothing; a bad config is refused naming the file and field;
# --state keeps the stores between runs. Also `wasmfaas --version`.
#   run_config_test.sh <wasmfaas binary> <functions dir> <test components dir>
set -euo pipefail
BINARY=$1 FUNCTIONS=$2 COMPONENTS=$3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

version=$("$BINARY" --version)
[[ "$version" =~ ^wasmfaas\ [0-9]+\.[0-9]+\.[0-9]+\ \(Wasmtime\ [0-9.]+\)$ ]] || fail "--version: $version"

# Environment: nothing without a config, exactly the config's with one.
output=$("$BINARY" run "$COMPONENTS/fixture_hostile.wasm" read-env)
[ "$output" = "env: 0 variables, PATH=(unset), HOME=(unset)" ] || fail "no config: $output"
echo '{"env":{"HOME":"/home/fn","X":"1"}}' >"$WORK/env.json"
output=$("$BINARY" run --config "$WORK/env.json" "$COMPONENTS/fixture_hostile.wasm" read-env)
[ "$output" = "env: 2 variables, PATH=(unset), HOME=/home/fn" ] || fail "env config: $output"

# Key-value grants and wasi:config values.
output=$("$BINARY" run "$FUNCTIONS/rust-counter.wasm" '{}')
[ "$output" = '{"error":"access-denied"}' ] || fail "counter without config: $output"
echo '{"keyvalue":["default"],"config":{"greeting":"Hi"}}' >"$WORK/counter.json"
output=$("$BINARY" run --config "$WORK/counter.json" "$FUNCTIONS/rust-counter.wasm" '{}')
[ "$output" = '{"greeting":"Hi","key":"count","count":1}' ] || fail "counter: $output"
# A temporary store by default: the next run starts again; --state keeps it.
output=$("$BINARY" run --config "$WORK/counter.json" "$FUNCTIONS/rust-counter.wasm" '{}')
[ "$output" = '{"greeting":"Hi","key":"count","count":1}' ] || fail "temporary store kept: $output"
for expected in 1 2; do
  output=$("$BINARY" run --config "$WORK/counter.json" --state "sqlite:$WORK/state.db" \
    "$FUNCTIONS/rust-counter.wasm" '{}')
  [ "$output" = "{\"greeting\":\"Hi\",\"key\":\"count\",\"count\":$expected}" ] ||
    fail "--state run $expected: $output"
done

# A bad config is refused before the run, naming the file and the field.
echo '{"keyvalue":["default"],"bogus":1}' >"$WORK/bad.json"
if message=$("$BINARY" run --config "$WORK/bad.json" "$FUNCTIONS/rust-counter.wasm" '{}' 2>&1); then
  fail "a bad config was taken: $message"
fi
[[ "$message" == *"$WORK/bad.json"*"bogus"* ]] || fail "bad config message: $message"
echo "run --config: ok"
