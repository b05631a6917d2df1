#!/usr/bin/env bash
# Installs whatever is missing (Chromium, PostgreSQL and sqlite3 from Debian, the Rust and npm tools) and
# runs every test: domain units, storage conformance on SQLite and PostgreSQL, HTTP integration,
# and the Playwright browser flows (desktop, mobile, JavaScript off) with axe on every page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Each phase says how long it took, so a slow suite shows where its time goes.
started=$SECONDS
phase() { printf '\n== %s (at %d s)\n' "$1" $((SECONDS - started)); }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
# The browser tests age a session in the demo database to walk the idle time-out.
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then
  printf '\n== installing %s from Debian\n' "${missing[*]}"
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y "${missing[@]}"
fi

source scripts/setup.sh

source scripts/postgres.sh gatehouse_test
export GATEHOUSE_TEST_POSTGRES_URL="$POSTGRES_URL"

# The outbox worker's tests send through a real SMTP server on loopback (Python's aiosmtpd).
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  printf '\n== installing aiosmtpd from PyPI\n'
  python3 -m pip install --quiet aiosmtpd 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages aiosmtpd
fi

# A whole run builds every crate of the workspace once; incremental compilation only adds the
# cost of writing its caches (measured on a fresh clone: `app` 65 to 60 s, `server` 50 to 44 s).
# An edit-and-retest loop with `cargo test` keeps cargo's default; set CARGO_INCREMENTAL=1 to
# keep it here too.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# The site first: the server binary holds it (server/src/site.rs), so it must be built before the
# binary. The browser tests then run the server binary `cargo test` builds for the HTTP tests
# (target/debug/gatehouse), on no site folder at all. Both builds share one target directory,
# so the host's proc macros are compiled once. A release build compiled the whole dependency tree
# a second time and was a third of the suite's time; `scripts/run.sh` builds the release.
phase 'building the site (WebAssembly, CSS, assets)'
bash scripts/site.sh

phase 'unit, conformance (SQLite and PostgreSQL) and HTTP tests'
mkdir -p end2end/.state
cargo test --workspace 2>&1 | tee end2end/.state/cargo-test.log

phase 'browser tests (Playwright, Debian Chromium)'
# The example service the browser tests sign in to Gatehouse with (its own workspace).
cargo build --manifest-path examples/claims-service/Cargo.toml
cd end2end
rm -f .state/e2e.db* .state/first-run.db* .state/two-factor.db* .state/results.json
npx playwright test

# One closing line for the whole run: Rust tests plus browser tests.
phase 'done'
node ../scripts/summary.mjs .state/cargo-test.log .state/results.json
