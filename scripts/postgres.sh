#!/usr/bin/env bash
# Sourced with a database name: installs PostgreSQL from Debian if it is missing, starts the
# local cluster, makes sure the role `gatehouse` and that database exist, and sets POSTGRES_URL.
# Used by the tests (gatehouse_test) and the benchmarks (gatehouse_bench).
pg_database=${1:?which database}
pg_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pg_as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

if ! command -v pg_ctlcluster >/dev/null; then
  printf '\n== installing postgresql from Debian\n'
  pg_as_root apt-get update
  DEBIAN_FRONTEND=noninteractive pg_as_root apt-get install -y postgresql
fi

printf '\n== starting PostgreSQL\n'
pg_version=$(ls /etc/postgresql | sort -n | tail -n 1)
pg_as_root pg_ctlcluster "$pg_version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_as_postgres "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
pg_as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse'\"" | grep -q 1 \
  || pg_as_postgres "psql -qc \"CREATE ROLE gatehouse LOGIN PASSWORD 'gatehouse'\""
pg_as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = '$pg_database'\"" | grep -q 1 \
  || pg_as_postgres "psql -qc 'CREATE DATABASE $pg_database OWNER gatehouse'"
POSTGRES_URL="postgres://gatehouse:gatehouse@localhost/$pg_database"
