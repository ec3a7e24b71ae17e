# Shared helpers for the benchmark scripts (sourced).

# start_server <binary> <data dir> <log> [extra flags...]: starts
# `wasmfaas serve` on a free port of SERVER_HOST (default 127.0.0.1); sets
# SERVER_PID and PORT.
start_server() {
  local binary=$1 data=$2 log=$3 host=${SERVER_HOST:-127.0.0.1}
  shift 3
  "$binary" serve --listen "$host:0" --data-dir "$data" "$@" 2>"$log" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 400); do
    PORT=$(sed -n "s|.*serving on http://$host:\\([0-9]*\\).*|\\1|p" "$log")
    [ -n "$PORT" ] && return 0
    sleep 0.05
  done
  echo "server did not start:" >&2
  cat "$log" >&2
  return 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}

# run_wrk <connections> <seconds> <url> [body]: prints "rps p50 p99 errors"
# (latencies in microseconds). With a body, POSTs it as JSON.
run_wrk() {
  local connections=$1 seconds=$2 url=$3 body=${4:-}
  local threads=$(( connections < 2 ? 1 : 2 ))
  local out
  if [ -n "$body" ]; then
    out=$(BODY="$body" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency \
            -s "$(dirname "${BASH_SOURCE[0]}")/wrk/post_json.lua" "$url")
  else
    out=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$url")
  fi
  python3 - "$out" <<'PY'
import re, sys
text = sys.argv[1]
def micros(label):
    m = re.search(r"\s%s\s+([\d.]+)(us|ms|s)\b" % re.escape(label), text)
    if not m: return -1
    v, unit = float(m.group(1)), m.group(2)
    return v * {"us": 1, "ms": 1000, "s": 1e6}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = 0
m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
if m: errors += int(m.group(1))
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if m: errors += sum(int(x) for x in m.groups())
print(f"{rps:.0f} {micros('50%'):.0f} {micros('99%'):.0f} {errors}")
PY
}

# c_examples <dir>: copies the C examples (hello, fibonacci) into <dir> and
# prints it, for --deploy-examples: the other languages' large components
# would still be compiling in the background while a benchmark runs.
c_examples() {
  local dir=$1 root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$dir"
  cp "$root/build/functions/hello.wasm" "$root/build/functions/fibonacci.wasm" "$dir/"
  echo "$dir"
}

# store_requests <base url> <operation>: how many store operations of that
# kind the server has made (from its /metrics).
store_requests() {
  curl -s "$1/metrics" | awk -v op="$2" '
    /^wasmfaas_store_operation_duration_seconds_count/ && index($0, "operation=\"" op "\"") { n += $2 }
    END { print n + 0 }'
}

# free_port [host]: a port free on that host (default 127.0.0.1) now.
free_port() {
  python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' \
    "${1:-127.0.0.1}"
}
