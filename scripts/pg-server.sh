#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the tests (CI and local runs).
#
#   eval "$(scripts/pg-server.sh start)"   # prints `export LOOKBACK_TEST_PG=postgres://…`
#   scripts/pg-server.sh stop              # stops it and removes its folder
#
# The server runs as the `postgres` system user when started by root (PostgreSQL refuses
# to run as root), listens on 127.0.0.1 only, on a free port, with its data and socket in
# a private temporary folder. Nothing is installed here: `.ci/run` installs PostgreSQL.
set -euo pipefail

state="${LOOKBACK_PG_STATE:-${TMPDIR:-/tmp}/lookback-pg-test}"

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  # Debian keeps the server binaries out of PATH: take the newest installed.
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
  echo "pg-server: no PostgreSQL server binaries (initdb) found" >&2
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  local bin port data
  bin=$(bindir)
  stop >/dev/null 2>&1 || true
  mkdir -p "$state"
  chmod 755 "$state"
  data="$state/data"
  mkdir -p "$data"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$data"; fi
  chmod 700 "$data"
  as_owner "$bin/initdb" -D "$data" -U lookback -A trust -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 ||
    as_owner "$bin/initdb" -D "$data" -U lookback -A trust -E UTF8 >"$state/initdb.log" 2>&1 || {
    cat "$state/initdb.log" >&2
    return 1
  }
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
  echo "$port" >"$state/port"
  echo "$bin" >"$state/bindir"
  echo "export LOOKBACK_TEST_PG=postgres://lookback@127.0.0.1:$port/postgres"
}

stop() {
  [ -f "$state/bindir" ] || { rm -rf "$state"; return 0; }
  local bin
  bin=$(cat "$state/bindir")
  as_owner "$bin/pg_ctl" -D "$state/data" -m fast -w stop >&2 || true
  rm -rf "$state"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
