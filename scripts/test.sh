#!/usr/bin/env bash
# Installs whatever is missing (Chromium and PostgreSQL from Debian, the Rust and npm tools) and
# runs every test: domain units, storage conformance on SQLite and PostgreSQL, HTTP integration,
# and the Playwright browser flows (desktop, mobile, JavaScript off) with axe on every page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  printf '\n== installing %s from Debian\n' "${missing[*]}"
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y "${missing[@]}"
fi

source scripts/setup.sh

printf '\n== starting PostgreSQL\n'
pg_version=$(ls /etc/postgresql | sort -n | tail -n 1)
as_root pg_ctlcluster "$pg_version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  as_postgres "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse'\"" | grep -q 1 \
  || as_postgres "psql -qc \"CREATE ROLE gatehouse LOGIN PASSWORD 'gatehouse'\""
as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'gatehouse_test'\"" | grep -q 1 \
  || as_postgres "psql -qc 'CREATE DATABASE gatehouse_test OWNER gatehouse'"
export GATEHOUSE_TEST_POSTGRES_URL="postgres://gatehouse:gatehouse@localhost/gatehouse_test"

# The outbox worker's tests send through a real SMTP server on loopback (Python's aiosmtpd).
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  printf '\n== installing aiosmtpd from PyPI\n'
  python3 -m pip install --quiet aiosmtpd 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages aiosmtpd
fi

printf '\n== unit, conformance (SQLite and PostgreSQL) and HTTP tests\n'
mkdir -p end2end/.state
cargo test --workspace 2>&1 | tee end2end/.state/cargo-test.log

printf '\n== building the release site\n'
cargo leptos build --release

printf '\n== browser tests (Playwright, Debian Chromium)\n'
cd end2end
rm -f .state/e2e.db* .state/results.json
npx playwright test

# One closing line for the whole run: Rust tests plus browser tests.
node ../scripts/summary.mjs .state/cargo-test.log .state/results.json
