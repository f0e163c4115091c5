#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the tests (CI and local runs).
#
#   eval "$(scripts/pg-server.sh start)"   # prints `export LOOKBACK_TEST_PG=postgres://…`
#   scripts/pg-server.sh stop              # stops it and removes its folder
#
# The server runs as the `postgres` system user when started by root (PostgreSQL refuses
# to run as root), listens on 127.0.0.1 only, on a free port, with its data and socket in
# a private temporary folder. Nothing is installed here: `.ci/run` installs PostgreSQL.
#
# Besides the trusted `lookback` superuser, two logins let the tests meet what a real server
# asks of a client: `lookback_pw` must give its password (scram-sha-256), and `lookback_tls`
# may only connect over TLS. The server's certificate (for 127.0.0.1) is signed by a CA made
# here; its file is exported as LOOKBACK_TEST_PG_CA (only when openssl is present).
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
  local tls_opts="" ca=""
  if command -v openssl >/dev/null 2>&1 && make_tls "$data"; then
    tls_opts="-c ssl=on -c ssl_cert_file=$data/server.crt -c ssl_key_file=$data/server.key"
    ca="$state/ca.crt"
    cp "$data/ca.crt" "$ca"
    chmod 644 "$ca"
  fi
  # Before initdb's trust lines, which would otherwise let these two in without asking.
  {
    echo "host all lookback_pw 127.0.0.1/32 scram-sha-256"
    [ -n "$ca" ] && echo "hostnossl all lookback_tls 127.0.0.1/32 reject"
    cat "$data/pg_hba.conf"
  } >"$state/hba" && cat "$state/hba" >"$data/pg_hba.conf" && rm "$state/hba"
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 $tls_opts" start >&2
  echo "$port" >"$state/port"
  echo "$bin" >"$state/bindir"
  echo "export LOOKBACK_TEST_PG=postgres://lookback@127.0.0.1:$port/postgres"
  [ -n "$ca" ] && echo "export LOOKBACK_TEST_PG_CA=$ca"
  return 0
}

# A CA and a server certificate for 127.0.0.1 signed by it, in the data folder (the key 0600,
# owned by the server's user, as PostgreSQL requires).
make_tls() {
  local d="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lookback test CA" \
    -keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1 || return 1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || return 1
  printf 'subjectAltName=IP:127.0.0.1\n' >"$d/san.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/san.ext" -out "$d/server.crt" >/dev/null 2>&1 || return 1
  chmod 600 "$d/server.key"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$d"/server.* "$d"/ca.*; fi
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
