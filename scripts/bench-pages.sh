#!/usr/bin/env bash
# Benchmark: the signed-in Home, Users and Pending Actions pages at 64 concurrent
# clients on loopback, measured with wrk (Debian's package), on SQLite and, when
# GATEHOUSE_BENCH_POSTGRES_URL names an empty database, on PostgreSQL too. Each page, and the
# Sign in page (no session, no database), is run BENCH_RUNS times (default 3) for BENCH_SECONDS
# (default 10), without and with Accept-Encoding; the medians of the runs' requests a second, p50
# and p99 are printed, and each page's requests a second as a share of Sign in's beside the goal
# (at least 0.5, no errors). With BENCH_STORM set it also runs the
# sign-in storm on each backend. Not part of the test run: machines are noisy, so this prints
# figures and never fails a build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

if ! command -v wrk >/dev/null; then
  printf '\n== installing wrk (Debian package)\n'
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi
fi

# scripts/bench.sh has built it already.
if [ -z "${BENCH_BUILT:-}" ]; then
  printf '\n== building the release server\n'
  # The benchmark tools are a binary of their own, beside the production one.
  bash scripts/release.sh --bin gatehouse-bench 2>&1 | tail -1
fi

port=${BENCH_PORT:-3399}
runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-10}
base="http://127.0.0.1:$port"
dir=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# wrk prints "99%  1.23ms" (us, ms or s): in milliseconds.
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f\n", v }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

bench_backend() {
  local label=$1 url=$2
  # The pages and the password's cost are measured here, signed in as account.admin with its
  # password alone; what the second factor adds is `gatehouse-bench two-factor`'s to measure.
  DATABASE_URL="$url" GATEHOUSE_DEMO=1 GATEHOUSE_BIND="127.0.0.1:$port" GATEHOUSE_MFA=optional \
    GATEHOUSE_RATE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn \
    target/server-release/gatehouse >"$dir/server-$label.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    curl -fs "$base/sign-in" >/dev/null && break
    sleep 0.5
  done
  # Signed in as the demo Commissioning Account Administrator, who has every one of these pages.
  curl -fs -o /dev/null -c "$dir/jar" -H "Origin: $base" -H 'Accept: application/json' \
    --data-urlencode 'email=account.admin@demo.gatehouse.example' \
    --data-urlencode "password=$(grep -m1 'DEMO_PASSWORD: &str' server/src/demo.rs | cut -d'"' -f2)" \
    "$base/api/sign_in"
  local cookie
  cookie=$(awk '$6 == "gatehouse_session" { print $6 "=" $7 }' "$dir/jar")
  [ -n "$cookie" ] || { echo "could not sign in to the $label server"; exit 1; }
  # Each page as curl asks for it (no Accept-Encoding) and as a browser does (brotli), beside
  # the Sign in page asked for the same way: the goal is a ratio of the same run, which a noisy
  # machine cannot fake (a signed-in page at least half the Sign in page's requests a second).
  local enc
  for enc in identity br; do
    local accept=()
    [ "$enc" = br ] && accept=(-H 'Accept-Encoding: br, gzip')
    local signin_rps=""
    # "/sign-in" is asked for without a session: no cookie, so no database at all. Asked for with
    # the session's cookie ("session /sign-in"), the same page costs the session's read as well:
    # the step between a page with no data and a signed-in page.
    local label_
    for label_ in /sign-in "session /sign-in" / /users /pending-actions; do
      local page=${label_#session } jar=(-H "Cookie: $cookie")
      [ "$label_" = /sign-in ] && jar=()
      # A warm-up, so the first run does not pay for cold caches.
      wrk -t2 -c64 -d2s "${jar[@]}" "${accept[@]}" "$base$page" >/dev/null
      : >"$dir/p50"; : >"$dir/p99"; : >"$dir/rps"; local errors=0
      for _ in $(seq 1 "$runs"); do
        wrk -t2 -c64 -d"${seconds}s" --latency "${jar[@]}" -H 'Accept: text/html' "${accept[@]}" "$base$page" >"$dir/wrk"
        awk '$1 == "50%" { print $2 }' "$dir/wrk" | to_ms >>"$dir/p50"
        awk '$1 == "99%" { print $2 }' "$dir/wrk" | to_ms >>"$dir/p99"
        awk '/Requests\/sec/ { printf "%.0f\n", $2 }' "$dir/wrk" >>"$dir/rps"
        # Answers other than 2xx/3xx, and connections that failed or timed out.
        local failed
        failed=$(awk '/Non-2xx/ { e += $NF } /Socket errors/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 } END { print e + 0 }' "$dir/wrk")
        errors=$((errors + failed))
        # What failed, and what the server said meanwhile: the work directory goes at the end.
        if [ "$failed" -gt 0 ]; then
          grep -E 'Non-2xx|Socket errors' "$dir/wrk" | sed "s|^ *|  $label $enc $label_: wrk: |" >&2 || true
          grep -E 'WARN|ERROR' "$dir/server-$label.log" | tail -5 | sed "s|^|  $label server: |" >&2 || true
        fi
      done
      local p50 p99 rps verdict
      p50=$(grep . "$dir/p50" | median)
      p99=$(grep . "$dir/p99" | median)
      rps=$(grep . "$dir/rps" | median)
      if [ "$label_" = /sign-in ]; then
        signin_rps=$rps
        verdict="(the measure: a page with no data, no session)"
      elif [ "$label_" = "session /sign-in" ]; then
        verdict=$(awk -v r="$rps" -v s="$signin_rps" 'BEGIN { printf "%.2f of Sign in (the session'"'"'s read alone)", r / s }')
      else
        verdict=$(awk -v r="$rps" -v s="$signin_rps" -v e="$errors" 'BEGIN { x = r / s; printf "%.2f of Sign in (goal >= 0.5): %s", x, (x >= 0.5 && e == 0) ? "MEETS" : "MISSES" }')
      fi
      printf '%-10s %-8s %-17s %7s req/s  p50 %6s ms  p99 %6s ms  errors %s  %s\n' \
        "$label" "$enc" "$label_" "$rps" "$p50" "$p99" "$errors" "$verdict"
    done
  done
  if [ -n "${BENCH_STORM:-}" ]; then
    storm "$label" "$cookie"
  fi
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
}

# The sign-in storm: clients signing in as fast as they can (each one a password hash) while
# others read Home. Budget: sign-ins a second >= 90 % of cores / one hash's time, and Home's
# p99 < 50 ms meanwhile. The readers are people using the service during the storm: 8 of them,
# each asking again 50 ms after an answer (about 145 pages a second here). Readers asking as fast as they can
# would take whatever the hashes leave, so no rate of sign-ins could meet the budget; that load
# is measured on its own above.
storm() {
  local label=$1 cookie=$2 password
  password=$(grep -m1 'DEMO_PASSWORD: &str' server/src/demo.rs | cut -d'"' -f2 | sed 's/!/%21/g')
  # Every demo user in turn: one account signed into by many clients at once would meet the
  # lock-out's reservation of attempts in flight, which is not what this measures.
  local users
  users=$(awk '/^pub const DEMO_USERS/,/^];/' server/src/demo.rs | grep -oE '^        "[a-z0-9.]+",$' | tr -d ' ",' | sed 's/.*/"&"/' | paste -sd, -)
  cat >"$dir/sign-in.lua" <<LUA
local users = { $users }
local n = 0
request = function()
  n = n + 1
  local body = "email=" .. users[(n % #users) + 1] .. "%40demo.gatehouse.example&password=$password"
  return wrk.format("POST", "/api/sign_in", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Origin"] = "$base",
  }, body)
end
LUA
  wrk -t1 -c16 -d"${seconds}s" -s "$dir/sign-in.lua" "$base/api/sign_in" >"$dir/storm" &
  local storm_pid=$!
  printf 'function delay() return 50 end\n' >"$dir/reader.lua"
  wrk -t1 -c8 -d"${seconds}s" --latency -s "$dir/reader.lua" -H "Cookie: $cookie" -H 'Accept: text/html' "$base/" >"$dir/storm-home"
  wait "$storm_pid"
  local rate errors p99 verdict
  rate=$(awk '/Requests\/sec/ { printf "%.1f", $2 }' "$dir/storm")
  errors=$(awk '/Non-2xx/ { e += $NF } /Socket errors/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 } END { print e + 0 }' "$dir/storm" "$dir/storm-home")
  p99=$(awk '$1 == "99%" { print $2 }' "$dir/storm-home" | to_ms)
  verdict=$(awk -v r="$rate" -v t="$storm_target" -v p="$p99" -v e="$errors" 'BEGIN { print (r >= t && p < 50 && e == 0) ? "MEETS" : "MISSES" }')
  printf '%-10s sign-in storm     %s sign-ins/s (budget >= %s: one hash %s ms)  Home p99 %s ms at %s pages/s (budget < 50 ms)  errors %s  %s\n' \
    "$label" "$rate" "$storm_target" "$hash_ms" "$p99" "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$dir/storm-home")" "$errors" "$verdict"
  # The figure people compare: sign-ins a second per core, beside Keycloak's published sizing
  # (15 a second per vCPU with its default argon2id, m = 7 MiB, t = 5, p = 1). Ours hashes with
  # m = 19 MiB, t = 2, p = 1; at Keycloak's hashing cost the same core would do 1000 / (its hash's
  # time + what else a sign-in costs here).
  awk -v r="$rate" -v c="$(nproc)" -v h="$hash_ms" -v k="$keycloak_ms" 'BEGIN {
    per = r / c; other = 1000 / per - h; if (other < 0) other = 0
    printf "%-10s per core          %.1f sign-ins/s a core with our argon2id (m=19 MiB, t=2, p=1; %.1f ms a hash); at Keycloak'"'"'s default argon2id (m=7 MiB, t=5, p=1; %.1f ms a hash) %.1f a core; Keycloak publishes 15 a vCPU\n", "'"$label"'", per, h, k, 1000 / (k + other)
  }'
}

if [ -n "${BENCH_STORM:-}" ]; then
  hashing=$(target/server-release/gatehouse-bench hash)
  hash_ms=$(awk '$1 == "hash_ms" { print $2 }' <<<"$hashing")
  storm_target=$(awk '$1 == "storm_target" { print $2 }' <<<"$hashing")
  keycloak_ms=$(awk '$1 == "keycloak_hash_ms" { print $2 }' <<<"$hashing")
fi

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), wrk -t2 -c64, ${runs} runs of ${seconds} s, medians"
bench_backend sqlite "sqlite://$dir/bench.db"
if [ -n "${GATEHOUSE_BENCH_POSTGRES_URL:-}" ]; then
  bench_backend postgres "$GATEHOUSE_BENCH_POSTGRES_URL"
fi
