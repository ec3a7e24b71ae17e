#!/usr/bin/env bash
# Instructions per call (callgrind), which machine load cannot change:
# hello exec through HTTP (default, and with instance reuse at 1000 calls
# when the server has it), GET /healthz through HTTP (the floor) and the
# runtime alone (instantiate, and instantiate + call), counted by running
# bench/runtime/call_instructions under valgrind once with every phase at
# BASE calls and once per phase with that phase at RAISED calls: a phase's
# cost per call is the difference in instructions over RAISED - BASE, so
# start-up, compiling and warm-up cancel out. Threads are counted apart
# (--separate-threads): the HTTP phases' client is the main thread, the
# server every other thread. Writes
# bench/results/instructions-<date>-<commit>.json.
#   bench/instructions.sh [base calls, default 200] [raised calls, default 1200]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BASE=${1:-200}
RAISED=${2:-1200}
PROGRAM="$BUILD_DIR/bench/call_instructions"
HELLO="$BUILD_DIR/functions/hello.wasm"
PHASES=(healthz http-exec http-exec-reuse instantiate runtime-call)
command -v valgrind >/dev/null || { echo "valgrind is missing: scripts/setup.sh --bench installs it" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# count <run name> [<phase>=<calls>...]: the program under callgrind; one
# output file per thread, $WORK/<run name>.out-<thread>.
count() {
  local name=$1
  shift
  echo "  valgrind run $name" >&2
  valgrind --tool=callgrind --separate-threads=yes --smc-check=all-non-file \
    --callgrind-out-file="$WORK/$name.out" "$PROGRAM" "$HELLO" \
    "${PHASES[@]/%/=$BASE}" "$@" > "$WORK/$name.txt" 2> "$WORK/$name.log" ||
    { cat "$WORK/$name.log" >&2; exit 1; }
  [ "$name" != base ] || grep skipped "$WORK/$name.txt" >&2 || true
}

count base
for phase in "${PHASES[@]}"; do count "$phase" "$phase=$RAISED"; done

mkdir -p "$ROOT/bench/results"
COMMAND="bench/instructions.sh $BASE $RAISED ($(valgrind --version), callgrind --separate-threads=yes --smc-check=all-non-file)"
python3 "$ROOT/bench/instructions_report.py" "$WORK" "$((RAISED - BASE))" \
  "$(git -C "$ROOT" rev-parse --short HEAD)" "$COMMAND" \
  "$ROOT/bench/results/instructions-$(date -u +%Y-%m-%d)-$(git -C "$ROOT" rev-parse --short HEAD).json" \
  "${PHASES[@]}"
