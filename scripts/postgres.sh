# Sourced by shell tests and benchmarks that need a real PostgreSQL server
# (the C++ tests use tests/support/postgres_server.h instead).
#
# start_postgres <PostgreSQL bin dir> <work dir>: creates a throwaway cluster
# in <work dir>/postgres (fsync off: for tests and benchmarks only), starts
# it on a free loopback port, waits until it answers, creates the database
# `wasmfaas`, exports POSTGRES_URL (its libpq URL) and sets POSTGRES_PID.
# The bin dir is POSTGRES_BIN_DIR of build/deps.cmake (scripts/setup.sh
# finds it). PostgreSQL refuses to run as root: as root, the server runs as
# the `postgres` user (or `nobody`), and <work dir> is made traversable.
# stop_postgres: fast shutdown, waits for the server to exit.
start_postgres() {
  local bin=$1 work=$2 port user
  local run_as=()
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/postgres"
  if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    chmod a+x "$work"
    chown -R "$(id -u "$user"):$(id -g "$user")" "$work/postgres"
    run_as=(setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --clear-groups)
  fi
  if ! "${run_as[@]}" "$bin/initdb" -D "$work/postgres/data" -U wasmfaas -A trust -E UTF8 \
      --locale=C --no-sync --no-instructions >"$work/postgres/initdb.log" 2>&1; then
    echo "initdb failed:" >&2
    cat "$work/postgres/initdb.log" >&2
    return 1
  fi
  "${run_as[@]}" "$bin/postgres" -D "$work/postgres/data" -k "$work/postgres" -p "$port" \
    -c listen_addresses=127.0.0.1 -c fsync=off >"$work/postgres/postgres.log" 2>&1 &
  POSTGRES_PID=$!
  for _ in $(seq 400); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U wasmfaas wasmfaas || return 1
      export POSTGRES_URL="postgresql://wasmfaas@127.0.0.1:$port/wasmfaas"
      return 0
    fi
    kill -0 "$POSTGRES_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "PostgreSQL did not start:" >&2
  cat "$work/postgres/postgres.log" >&2
  return 1
}

stop_postgres() {
  [ -n "${POSTGRES_PID:-}" ] || return 0
  kill -INT "$POSTGRES_PID" 2>/dev/null || true
  wait "$POSTGRES_PID" 2>/dev/null || true
  POSTGRES_PID=""
}
