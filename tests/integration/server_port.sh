# Sourced by the tests' shell scripts.
# wait_for_port <server log>: sets PORT to the port a `wasmfaas serve
# --listen 127.0.0.1:0` wrote to its log ("serving on http://..."), waiting
# up to 10 s for it; prints the log and fails when it never appears. The log
# may not exist yet when this starts.
wait_for_port() {
  PORT=""
  for _ in $(seq 200); do
    PORT=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\).*|\1|p' "$1" 2>/dev/null || true)
    [ -n "$PORT" ] && return 0
    sleep 0.05
  done
  cat "$1" 2>/dev/null || true
  return 1
}
