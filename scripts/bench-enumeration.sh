#!/usr/bin/env bash
# Benchmark: sign-in and forgotten password must not tell an existing account from an
# unknown address, by their bytes or by their time. Starts the release server on a fresh demo
# database, with the lock-out and rate limits raised so that 50 wrong passwords keep taking the
# real path, and runs scripts/bench-enumeration.mjs against it. Not part of the test run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
[ -x target/server-release/gatehouse ] && [ -d target/site/pkg ] || bash scripts/release.sh
dir=$(mktemp -d)
port=${BENCH_PORT:-3299}
DATABASE_URL="sqlite://$dir/bench.db" GATEHOUSE_DEMO=1 GATEHOUSE_BIND="127.0.0.1:$port" \
  GATEHOUSE_RATE_LIMIT_PER_MINUTE=1000000 GATEHOUSE_LOCK_AFTER_FAILURES=1000000 \
  RUST_LOG=warn target/server-release/gatehouse &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/sign-in" >/dev/null && break
  sleep 0.5
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
node scripts/bench-enumeration.mjs "http://127.0.0.1:$port" "${BENCH_TRIES:-50}"
