#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster: temporary directory, free port, torn down on exit
# (also on failure or Ctrl-C). PostgreSQL refuses to run as root, so as root the server runs as `postgres`.
# Usage: scripts/with_postgres.sh COMMAND [ARGS...]   (COMMAND sees DATABASE_URL)
set -euo pipefail

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL server binaries not found (install Debian's postgresql package)." >&2
  exit 2
fi

workdir="$(mktemp -d /tmp/khuyencong-pg.XXXXXX)"
chmod 755 "$workdir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

as_pg() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
[ "$(id -u)" = "0" ] && chown postgres "$workdir"

cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

as_pg "$PG_BIN/initdb" -D "$workdir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 \
  || { cat "$workdir/initdb.log" >&2; exit 2; }
# Durability off: this cluster lives for one test run.
as_pg "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$workdir/server.log" >&2; exit 2; }

echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (temporary cluster in $workdir)"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/khuyencong"
"$@"
