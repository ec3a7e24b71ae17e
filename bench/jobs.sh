#!/usr/bin/env bash
# Async jobs, on SQLite (state.db in a temp data dir) and on PostgreSQL (a
# throwaway local server, fsync off: scripts/postgres.sh), hello (C) as the
# job's function. Each round is a fresh server on a fresh state database
# (--log-level warn, no code cache on disk, the default exec and job
# workers unless JOB_WORKERS is set), warmed up (2 s of hello exec, 200
# jobs), then:
#  - throughput: JOBS jobs submitted at once over SUBMIT_CONNECTIONS
#    keep-alive connections (bench/jobs_client.py), waiting until all have
#    succeeded: the submit rate, and jobs/s end to end from the jobs' own
#    timestamps (GET /jobs pages: the first "created" to the last
#    "finished"), with the server's CPU per job (and PostgreSQL's);
#  - due -> start latency with idle workers: LATENCY_JOBS jobs one at a time,
#    GAP_MS between a 202 and the next submit; started - created of each
#    from GET /jobs/{id} (ms precision): p50, p99, max;
#  - sync exec while a backlog drains: wrk hello exec at 16 connections for
#    LOAD_SECONDS without jobs, then BACKLOG jobs submitted as fast as
#    possible, then the same wrk run while they drain: the ratio of the two
#    req/s, and the jobs that finished during the second run (the backlog
#    must outlast it: the jobs still queued at its end are recorded).
# Medians over ROUNDS rounds. Prints the table and the targets and writes
# bench/results/jobs-<date>.json. About 5 minutes with the defaults.
#   bench/jobs.sh [JOBS, default 5000] [seconds per wrk run, default 8]
#                 [ROUNDS, default 3]
# BUILD_DIR (default build) holds the server and the functions; WASMFAAS
# overrides the server binary (default $BUILD_DIR/src/cli/wasmfaas);
# BACKENDS (default "sqlite postgres") chooses the state databases;
# LATENCY_JOBS (300), GAP_MS (20), BACKLOG (30000), SUBMIT_CONNECTIONS (16)
# and JOB_WORKERS (the server's default when unset) change the runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
source "$ROOT/scripts/postgres.sh"
JOBS=${1:-5000}
LOAD_SECONDS=${2:-8}
ROUNDS=${3:-3}
LATENCY_JOBS=${LATENCY_JOBS:-300}
GAP_MS=${GAP_MS:-20}
BACKLOG=${BACKLOG:-30000}
SUBMIT_CONNECTIONS=${SUBMIT_CONNECTIONS:-16}
JOB_WORKERS=${JOB_WORKERS:-}
BUILD_DIR=$(cd "${BUILD_DIR:-$ROOT/build}" && pwd)
WASMFAAS=${WASMFAAS:-$BUILD_DIR/src/cli/wasmfaas}
BACKENDS=${BACKENDS:-sqlite postgres}
CLIENT=(python3 "$ROOT/bench/jobs_client.py")
WORK=$(mktemp -d)
RESULTS="$WORK/results.txt"
trap 'stop_server; stop_postgres; rm -rf "$WORK"' EXIT

for file in "$WASMFAAS" "$BUILD_DIR/functions/hello.wasm"; do
  [ -e "$file" ] || { echo "missing $file (build it: make build)" >&2; exit 1; }
done
mkdir -p "$WORK/functions"
cp "$BUILD_DIR/functions/hello.wasm" "$WORK/functions/"
HELLO=functions/hello
HELLO_BODY='{"name":"World"}'
WORKER_FLAGS=()
[ -n "$JOB_WORKERS" ] && WORKER_FLAGS=(--job-workers "$JOB_WORKERS")
CLK_TCK=$(getconf CLK_TCK)

record() { echo "$*" >> "$RESULTS"; }

# jobs_in <base url> <status>: the queue's count of jobs in that status
# (wasmfaas_jobs, from /metrics).
jobs_in() {
  curl -s "$1/metrics" | awk -v s="wasmfaas_jobs{status=\"$2\"}" '$1 == s { n = $2 } END { print n + 0 }'
}

# cpu_seconds <pid>: CPU time (user + system) of the process and of its
# children now running (PostgreSQL's backends), in seconds.
cpu_seconds() {
  local ticks=0 pid
  for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    [ -r "/proc/$pid/stat" ] || continue
    ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  awk -v t="$ticks" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'
}

# per_job_ms <seconds before> <seconds after> <jobs>
per_job_ms() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.3f", n ? (b - a) / n * 1000 : -1 }'; }

# round <backend> <round> <state flag value>: one fresh server, the three
# measurements.
round() {
  local backend=$1 round=$2 state=$3 base line load
  # The machine's load when the round starts (other work on the machine).
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$WORK/data"
  # A log of its own per server, there before the server starts: a reused
  # one would show the last server's port until the shell truncates it.
  local log="$WORK/server-$backend-$round.log"
  : > "$log"
  start_server "$WASMFAAS" "$WORK/data" "$log" --code-cache-dir "" \
    --log-level warn --deploy-examples "$WORK/functions" --state "$state" \
    ${WORKER_FLAGS[@]+"${WORKER_FLAGS[@]}"}
  base="http://127.0.0.1:$PORT"
  local db_pid=${POSTGRES_PID:-}
  [ "$backend" = postgres ] || db_pid=""

  # Warm-up: compiled code, instance pool, database connections and pages.
  run_wrk 16 2 "$base/exec/$HELLO" "$HELLO_BODY" >/dev/null
  line=$("${CLIENT[@]}" throughput "$base" "$HELLO" "$HELLO_BODY" 200 "$SUBMIT_CONNECTIONS")
  case $line in *" errors=0 "*"failed=0"*) ;; *) echo "warm-up jobs: $line" >&2; return 1 ;; esac

  # 1. Jobs per second end to end.
  local cpu0 cpu1 db0=0 db1=0
  cpu0=$(cpu_seconds "$SERVER_PID"); [ -n "$db_pid" ] && db0=$(cpu_seconds "$db_pid")
  line=$("${CLIENT[@]}" throughput "$base" "$HELLO" "$HELLO_BODY" "$JOBS" "$SUBMIT_CONNECTIONS")
  cpu1=$(cpu_seconds "$SERVER_PID"); [ -n "$db_pid" ] && db1=$(cpu_seconds "$db_pid")
  local jobs=${line#jobs=}; jobs=${jobs%% *}
  record "throughput backend=$backend round=$round load_1min=$load $line" \
    "server_cpu_ms_per_job=$(per_job_ms "$cpu0" "$cpu1" "$jobs")" \
    "db_cpu_ms_per_job=$( [ -n "$db_pid" ] && per_job_ms "$db0" "$db1" "$jobs" || echo -1)"
  echo "  $backend round $round throughput: $line" >&2

  # 2. Due -> start with idle workers.
  line=$("${CLIENT[@]}" latency "$base" "$HELLO" "$HELLO_BODY" "$LATENCY_JOBS" "$GAP_MS")
  record "latency backend=$backend round=$round gap_ms=$GAP_MS $line"
  echo "  $backend round $round latency: $line" >&2

  # 3. Sync exec alone, then while a backlog drains.
  local rps p50 p99 errors drps dp50 dp99 derrors s0 s1 queued
  read -r rps p50 p99 errors < <(run_wrk 16 "$LOAD_SECONDS" "$base/exec/$HELLO" "$HELLO_BODY")
  echo "  $backend round $round exec alone: $rps req/s, p50 $p50 us, p99 $p99 us, errors $errors" >&2
  line=$("${CLIENT[@]}" submit "$base" "$HELLO" "$HELLO_BODY" "$BACKLOG" "$SUBMIT_CONNECTIONS")
  echo "  $backend round $round backlog: $line, $(jobs_in "$base" queued) queued" >&2
  s0=$(jobs_in "$base" succeeded)
  read -r drps dp50 dp99 derrors < <(run_wrk 16 "$LOAD_SECONDS" "$base/exec/$HELLO" "$HELLO_BODY")
  s1=$(jobs_in "$base" succeeded)
  queued=$(jobs_in "$base" queued)
  record "drain backend=$backend round=$round rps=$rps p50_us=$p50 p99_us=$p99 errors=$errors" \
    "drain_rps=$drps drain_p50_us=$dp50 drain_p99_us=$dp99 drain_errors=$derrors" \
    "drained=$((s1 - s0)) seconds=$LOAD_SECONDS queued_after=$queued backlog_${line// / backlog_}"
  echo "  $backend round $round exec during the drain: $drps req/s, p50 $dp50 us, p99 $dp99 us," \
    "errors $derrors; $((s1 - s0)) jobs drained, $queued still queued" >&2
  stop_server
}

load_average() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,; }
record "machine load_before=$(load_average) cpus=$(nproc) job_workers=${JOB_WORKERS:-default}"
if [[ " $BACKENDS " == *" sqlite "* ]]; then
  echo "== async jobs: SQLite ==" >&2
  for r in $(seq "$ROUNDS"); do round sqlite "$r" sqlite; done
fi
if [[ " $BACKENDS " == *" postgres "* ]]; then
  echo "== async jobs: PostgreSQL (local, throwaway, fsync off) ==" >&2
  POSTGRES_BIN=$(sed -n 's/^set(POSTGRES_BIN_DIR "\(.*\)")$/\1/p' "$BUILD_DIR/deps.cmake" 2>/dev/null || true)
  [ -n "$POSTGRES_BIN" ] || POSTGRES_BIN=$(pg_config --bindir)
  start_postgres "$POSTGRES_BIN" "$WORK"
  pg_port=${POSTGRES_URL##*:}; pg_port=${pg_port%%/*}
  for r in $(seq "$ROUNDS"); do
    # A database of its own per round: a server would run the jobs an
    # earlier round left queued.
    "$POSTGRES_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U wasmfaas "jobs_$r"
    round postgres "$r" "${POSTGRES_URL%/*}/jobs_$r"
  done
  stop_postgres
fi
record "machine load_after=$(load_average)"

mkdir -p "$ROOT/bench/results"
python3 "$ROOT/bench/jobs_report.py" "$RESULTS" "$ROOT/bench/results/jobs-$(date -u +%Y-%m-%d).json" \
  "$JOBS jobs per throughput run over $SUBMIT_CONNECTIONS connections; $LATENCY_JOBS jobs $GAP_MS ms apart;" \
  "wrk 16 connections x $LOAD_SECONDS s, backlog $BACKLOG jobs; $ROUNDS rounds"
