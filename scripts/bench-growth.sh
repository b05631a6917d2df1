#!/usr/bin/env bash
# Benchmark: how the cost grows with the country. For each scale in BENCH_SCALES (default 10,000,
# 100,000 and 1,000,000 users) and each backend (SQLite, and PostgreSQL when
# GATEHOUSE_BENCH_POSTGRES_URL names a database), it fills a database with `gatehouse-bench data`,
# times the regional administrator's name search (`gatehouse-bench search`), runs Home, Users and
# Pending Actions with wrk at 16 clients signed in as that administrator, and prints the database's
# size and the server's memory. Then, for each figure, the p95 at each scale and the growth from
# 100,000 to 1,000,000 beside the goal (at most twice).
#
# The databases are kept in BENCH_GROWTH_DIR (default target/bench-growth) and PostgreSQL schemas
# bench_growth_N, and used again by the next run: 1,000,000 users take about 15 minutes to
# generate on each backend. BENCH_FRESH=1 makes them again. Figures only: nothing here fails a
# build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh >/dev/null

if ! command -v wrk >/dev/null; then
  printf '\n== installing wrk (Debian package)\n'
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi
fi
if [ -z "${BENCH_BUILT:-}" ]; then
  printf '\n== building the release server\n'
  bash scripts/release.sh --bin gatehouse-bench 2>&1 | tail -1
fi

scales=${BENCH_SCALES:-10000 100000 1000000}
seconds=${BENCH_SECONDS:-10}
port=${BENCH_PORT:-3397}
base="http://127.0.0.1:$port"
keep=${BENCH_GROWTH_DIR:-target/bench-growth}
bin=target/server-release/gatehouse
bench=target/server-release/gatehouse-bench
mkdir -p "$keep"
dir=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# wrk's own percentiles, p95 among them, in milliseconds, and the rate.
cat >"$dir/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("figures p50 %.2f p95 %.2f rps %.0f errors %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
LUA

results="$dir/results"
: >"$results"
record() { printf '%s %s %s %s\n' "$1" "$2" "$3" "$4" >>"$results"; }

run_scale() {
  local backend=$1 users=$2 url
  if [ "$backend" = sqlite ]; then
    local file="$keep/sqlite-$users.db"
    [ -n "${BENCH_FRESH:-}" ] && rm -f "$file" "$file-wal" "$file-shm"
    url="sqlite://$file?mode=rwc"
  else
    local schema="bench_growth_$users"
    [ -n "${BENCH_FRESH:-}" ] && psql "$GATEHOUSE_BENCH_POSTGRES_URL" -qc "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE"
    psql "$GATEHOUSE_BENCH_POSTGRES_URL" -qc "SET client_min_messages = warning; CREATE SCHEMA IF NOT EXISTS $schema"
    url="$GATEHOUSE_BENCH_POSTGRES_URL?options=-c%20search_path%3D$schema"
  fi
  printf '\n== %s, %s users\n' "$backend" "$users"
  if DATABASE_URL="$url" "$bench" data --users "$users" 2>"$dir/data.err"; then
    :
  elif grep -q 'has users already' "$dir/data.err"; then
    echo "(the database of an earlier run, kept in $keep or its schema)"
  else
    cat "$dir/data.err"; exit 1
  fi
  if [ "$backend" = postgres ]; then
    # A settled database, as the autovacuum leaves one sooner or later: statistics for every
    # index, and pages marked all-visible so that an index can answer without the table. A kept
    # database that a migration had just rewritten half of was 5 ms slower in the name search.
    psql "$GATEHOUSE_BENCH_POSTGRES_URL" -qc "SET client_min_messages = warning" -c "VACUUM (ANALYZE)"
  fi
  # The regional administrator's three-letter name searches, first and last name.
  DATABASE_URL="$url" "$bench" search --rounds "${BENCH_SEARCHES:-100}" | tee "$dir/search"
  record "$backend" "$users" "name search (region)" "$(awk '$1 == "region_name_p95" { print $2 }' "$dir/search")"

  DATABASE_URL="$url" GATEHOUSE_BIND="127.0.0.1:$port" GATEHOUSE_MFA=optional \
    GATEHOUSE_RATE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn "$bin" >"$dir/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "$base/sign-in" && break
    sleep 0.5
  done
  curl -fs -o /dev/null -c "$dir/jar" -H "Origin: $base" -H 'Accept: application/json' \
    --data-urlencode "email=$(awk '$1 == "region_admin" { print $2 }' "$dir/search")" \
    --data-urlencode "password=$(awk '$1 == "password" { print $2 }' "$dir/search")" \
    "$base/api/sign_in"
  local cookie
  cookie=$(awk '$6 == "gatehouse_session" { print $6 "=" $7 }' "$dir/jar")
  [ -n "$cookie" ] || { echo "could not sign in as the region's administrator"; cat "$dir/server.log"; exit 1; }
  for page in / /users /pending-actions; do
    wrk -t1 -c16 -d2s -H "Cookie: $cookie" "$base$page" >/dev/null
    wrk -t1 -c16 -d"${seconds}s" -s "$dir/p95.lua" -H "Cookie: $cookie" -H 'Accept: text/html' "$base$page" >"$dir/wrk"
    local line
    line=$(grep '^figures' "$dir/wrk")
    printf '  %-17s %s\n' "$page" "${line#figures }"
    # A request that failed (an error answer, or one wrk gave up on after its 2 s time-out) has
    # no latency: a run with any is recorded as "failed", never as a p95 of the requests that did
    # finish (or of none, 0 ms).
    record "$backend" "$users" "page $page" "$(awk '{ print ($9 > 0 || $7 == 0) ? "failed" : $5 }' <<<"$line")"
  done
  local rss size
  rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status")
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  if [ "$backend" = sqlite ]; then
    size=$(du -cm "$keep/sqlite-$users.db"* | awk 'END { print $1 }')
  else
    size=$(psql "$GATEHOUSE_BENCH_POSTGRES_URL" -Atc "SELECT round(sum(pg_total_relation_size(c.oid)) / 1048576.0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bench_growth_$users' AND c.relkind IN ('r', 'm')")
  fi
  printf '  database %s MB, server memory after the pages %s MB resident\n' "$size" "$rss"
  record "$backend" "$users" "database MB" "$size"
  record "$backend" "$users" "memory MB" "$rss"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), wrk -t1 -c16, ${seconds} s a page"
backends=sqlite
[ -n "${GATEHOUSE_BENCH_POSTGRES_URL:-}" ] && backends="sqlite postgres"
for backend in $backends; do
  for users in $scales; do
    run_scale "$backend" "$users"
  done
done

printf '\n== growth: p95 in ms (database and memory in MB) at each scale; goal: 1,000,000 at most twice 100,000\n'
printf '%-9s %-24s' backend figure
for users in $scales; do printf ' %10s' "$users"; done
printf '   growth\n'
for backend in $backends; do
  for figure in "name search (region)" "page /" "page /users" "page /pending-actions" "database MB" "memory MB"; do
    printf '%-9s %-24s' "$backend" "$figure"
    for users in $scales; do
      printf ' %10s' "$(awk -v b="$backend" -v u="$users" -v f="$figure" '$1 == b && $2 == u { k = $3; for (i = 4; i < NF; i++) k = k " " $i; if (k == f) print $NF }' "$results")"
    done
    awk -v b="$backend" -v f="$figure" '$1 == b { k = $3; for (i = 4; i < NF; i++) k = k " " $i; if (k == f) v[$2] = $NF }
      END {
        if (!(100000 in v) || !(1000000 in v)) { print "   (needs 100000 and 1000000)"; exit }
        if (v[1000000] == "failed") { print "   MISSED (requests failed or timed out)"; exit }
        if (v[100000] == "failed" || v[100000] == 0) { print "   (no figure at 100000)"; exit }
        g = v[1000000] / v[100000]
        if (f ~ /MB/) printf "   x%.1f (report)\n", g
        else printf "   x%.1f %s\n", g, (g <= 2 ? "met" : "MISSED")
      }' "$results"
  done
done
