#!/usr/bin/env bash
# Benchmark: imports the whole ODS extract in data/ods/ (about 8,600 organisations from 15,971
# practice rows) into a fresh database, then again (the idempotent re-import), on SQLite and, if
# GATEHOUSE_BENCH_POSTGRES_URL is set, on PostgreSQL. Prints wall time and peak memory.
# Not part of the test run: machines are noisy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --profile server-release --bin gatehouse -p server --quiet
bin=target/server-release/gatehouse
args=(import-ods --icb-list data/ods/icb.csv --eccg data/ods/eccg.csv --epraccur data/ods/epraccur.csv)
run() {
  local label=$1
  /usr/bin/time -f "  $label: %e s wall, %M KB peak memory" "$bin" "${args[@]}" | head -1
}
db=$(mktemp -d)/bench.db
echo "SQLite ($db)"
DATABASE_URL="sqlite://$db" run "first import"
DATABASE_URL="sqlite://$db" run "re-import"
if [ -n "${GATEHOUSE_BENCH_POSTGRES_URL:-}" ]; then
  schema="bench_$(date +%s)"
  psql "$GATEHOUSE_BENCH_POSTGRES_URL" -qc "CREATE SCHEMA $schema"
  url="$GATEHOUSE_BENCH_POSTGRES_URL?options=-c%20search_path%3D$schema"
  echo "PostgreSQL (schema $schema)"
  DATABASE_URL="$url" run "first import"
  DATABASE_URL="$url" run "re-import"
  psql "$GATEHOUSE_BENCH_POSTGRES_URL" -qc "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE"
fi
