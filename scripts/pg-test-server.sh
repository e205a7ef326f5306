#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server for the tests, in a temporary folder.
# usage: pg-test-server.sh start DIR PORT   |   pg-test-server.sh stop DIR
set -euo pipefail
action=$1; base=$2; port=${3:-54329}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    mkdir -p "$base"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$base"; fi
    run_as_postgres "$PGBIN/initdb" -D "$base/data" -U postgres --auth-local=trust \
      --auth-host=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    run_as_postgres "$PGBIN/pg_ctl" -D "$base/data" -l "$base/log" -w \
      -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >/dev/null
    for db in aula_test aula_migrations; do
      "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE $db" >/dev/null
    done
    ;;
  stop)
    run_as_postgres "$PGBIN/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null || true
    ;;
esac
