#!/usr/bin/env bash
# Time partitioning tried on a scratch cluster (docs/scaling.md): initdb on port 5491 under /tmp, Lianxin's schema
# by `manage.py migrate`, then bench/partitioning.sql (declarative partitioning, pg_partman). Removes the cluster.
# Needs Debian's postgresql-15-partman (apt-get install postgresql-15-partman). About 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${PORT:-5491}
DIR=/tmp/lx-scale-scratch
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop() { [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true; rm -rf "$DIR"; }
stop
mkdir -p "$DIR"; [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
trap stop EXIT
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR -c fsync=off" start >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -Xqc "CREATE DATABASE lx_scale_partition"
DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/lx_scale_partition .venv/bin/python manage.py migrate -v0
psql -h 127.0.0.1 -p "$PORT" -U postgres -d lx_scale_partition -X -f bench/partitioning.sql
