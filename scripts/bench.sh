#!/usr/bin/env bash
# Every benchmark, each figure beside its budget, on SQLite and PostgreSQL side by
# side. Installs what is missing (wrk and PostgreSQL from Debian, the Rust and npm tools), builds
# the release server, then:
#   1. the scope check of one request (criterion, in process);
#   2. national-scale data: the whole ODS extract and BENCH_USERS users (default 100,000) on each
#      backend, the Users search over it (each of the five fields), an access review of a whole
#      region (start, pages with each filter, marking, completion), and the server's memory at
#      rest on that database;
#   3. the first visit's bytes, compressed as the browser gets them;
#   4. the signed-in pages at 64 clients beside the Sign in page, and the sign-in storm
#      (scripts/bench-pages.sh);
#   5. growth from 10,000 to 1,000,000 users (scripts/bench-growth.sh, which keeps its databases
#      for the next run).
# Figures only: machines are noisy, so nothing here fails a build. It takes about 25 minutes, and
# an hour more the first time (generating 1,000,000 users on each backend).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
source scripts/postgres.sh gatehouse_bench
if ! command -v wrk >/dev/null; then
  printf '\n== installing wrk (Debian package)\n'
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi
fi

users=${BENCH_USERS:-100000}
port=${BENCH_PORT:-3398}
base="http://127.0.0.1:$port"
bin=target/server-release/gatehouse
bench=target/server-release/gatehouse-bench
dir=$(mktemp -d)
server=
schemas=()
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  for s in "${schemas[@]}"; do
    psql "$POSTGRES_URL" -qc "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $s CASCADE" || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT

# A fresh PostgreSQL schema for one run, dropped at the end.
pg_fresh() {
  local schema="bench_$1_$$"
  psql "$POSTGRES_URL" -qc "CREATE SCHEMA $schema"
  schemas+=("$schema")
  echo "$POSTGRES_URL?options=-c%20search_path%3D$schema"
}

start_server() {
  local url=$1 demo=$2
  DATABASE_URL="$url" GATEHOUSE_DEMO="$demo" GATEHOUSE_BIND="127.0.0.1:$port" \
    GATEHOUSE_RATE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn \
    "$bin" >"$dir/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "$base/sign-in" && return 0
    sleep 0.5
  done
  echo "the server did not start:"; cat "$dir/server.log"; exit 1
}
stop_server() {
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
}

printf '\n== building the release server and site\n'
# The benchmark tools are a binary of their own, beside the production one.
bash scripts/release.sh --bin gatehouse-bench 2>&1 | tail -1

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ { print $2 }') GB"

printf '\n== 1. scope check of one request (criterion; budget < 10 us)\n'
cargo bench -p domain --bench scope -- --noplot 2>/dev/null | grep -E '^request scope|time:'

for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then url="sqlite://$dir/national.db"; else url=$(pg_fresh national); fi
  printf '\n== 2. %s: %s users on the whole ODS extract\n' "$backend" "$users"
  DATABASE_URL="$url" "$bench" data --users "$users"
  DATABASE_URL="$url" "$bench" search
  DATABASE_URL="$url" "$bench" review
  DATABASE_URL="$url" "$bench" two-factor
  DATABASE_URL="$url" "$bench" openid
  start_server "$url" 0
  curl -fs -o /dev/null "$base/sign-in"
  sleep 3
  printf '%s: server memory at rest with %s users: %s MB resident (budget: report it)\n' \
    "$backend" "$users" "$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status")"
  stop_server
done

printf '\n== 3. first visit, compressed as a browser gets it (goal < 150 KB)\n'
start_server "sqlite://$dir/demo.db" 1
total=0
for path in /sign-in /vendor/nhsuk-frontend.min.css /vendor/nhsuk-frontend.min.js /pkg/gatehouse.css /pkg/gatehouse.js /pkg/gatehouse.wasm; do
  bytes=$(curl -fs -o /dev/null -H 'Accept-Encoding: br, gzip' -w '%{size_download}' "$base$path")
  printf '  %-34s %8s bytes\n' "$path" "$bytes"
  total=$((total + bytes))
  [ "$path" = /pkg/gatehouse.wasm ] && wasm=$bytes
done
stop_server
awk -v t="$total" -v w="$wasm" 'BEGIN { printf "first visit: %.0f KB, of which WebAssembly %.0f KB (goal < 150 KB): %s\n", t / 1024, w / 1024, (t < 150 * 1024) ? "MEETS" : "MISSES" }'

printf '\n== 4. signed-in pages at 64 clients, and the sign-in storm\n'
BENCH_BUILT=1 BENCH_STORM=1 GATEHOUSE_BENCH_POSTGRES_URL=$(pg_fresh pages) BENCH_PORT=$port bash scripts/bench-pages.sh

printf '\n== 5. growth: 10,000, 100,000 and 1,000,000 users on each backend\n'
BENCH_BUILT=1 GATEHOUSE_BENCH_POSTGRES_URL=$POSTGRES_URL BENCH_PORT=$port bash scripts/bench-growth.sh
