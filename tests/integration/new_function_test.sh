#!/usr/bin/env bash
# `wasmfaas new`: a C++ function created from its template builds with the
# set-up's toolchain and runs; a Python key-value counter (--template counter)
# builds into a component of the faas-exec-kv world; bad languages, names and
# templates are refused.
#   new_function_test.sh <wasmfaas binary>
set -euo pipefail
BINARY=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The commands `new` prints under "build and run it here", run as printed
# from the directory it ran in; prints the last command's output.
run_printed() {
  local printed=$1
  local commands
  commands=$(sed -n '/^build and run it here/,/^$/p' <<<"$printed" | sed -n 's/^  //p')
  [ -n "$commands" ] || { echo "no commands printed:"; echo "$printed"; exit 1; }
  grep -q '\./build.sh' <<<"$commands" || { echo "no build command: $commands"; exit 1; }
  (cd "$WORK" && bash -euo pipefail -c "${commands//.\/build.sh/./build.sh >/dev/null}")
}

printed=$(cd "$WORK" && "$BINARY" new cpp my-echo)
output=$(run_printed "$printed")
[ "$output" = '{"result":{"x":1}}' ] || { echo "unexpected output: $output"; exit 1; }
printed=$(cd "$WORK" && "$BINARY" new --template counter python my-counter)
output=$(run_printed "$printed")
# config.json grants the store and the greeting: the first visit counts 1.
grep -Eq '"greeting": ?"Hi"' <<<"$output" && grep -Eq '"count": ?1[,}]' <<<"$output" ||
  { echo "unexpected counter output: $output"; exit 1; }
# What it imports and exports (running it needs a server that grants it a store).
world=$(source "$WORK/my-counter/common-env.sh" && "$WASM_TOOLS" component wit "$WORK/my-counter/my-counter.wasm")
for line in 'import wasi:keyvalue/store@0.2.0-draft;' 'import wasi:keyvalue/atomics@0.2.0-draft;' \
    'import wasi:config/store@0.2.0-rc.1;' 'export exec: func(input: string) -> string;'; do
  grep -qF "$line" <<<"$world" || { echo "counter component lacks: $line"; exit 1; }
done
if "$BINARY" new --template counter cpp x --dir "$WORK" 2>/dev/null; then echo "cpp counter accepted"; exit 1; fi
if "$BINARY" new --template nope rust x --dir "$WORK" 2>/dev/null; then echo "unknown template accepted"; exit 1; fi
[ ! -e "$WORK/x" ] || { echo "a refused template left $WORK/x"; exit 1; }
if "$BINARY" new cobol x --dir "$WORK" 2>/dev/null; then echo "cobol accepted"; exit 1; fi
if "$BINARY" new rust '../escape' --dir "$WORK" 2>/dev/null; then echo "bad name accepted"; exit 1; fi
if "$BINARY" new cpp my-echo --dir "$WORK" 2>/dev/null; then echo "overwrote a directory"; exit 1; fi
echo "wasmfaas new: ok"
