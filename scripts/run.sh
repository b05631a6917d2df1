#!/usr/bin/env bash
# Installs whatever is missing, builds Gatehouse, and runs it on SQLite with demo data.
#   DATABASE_URL     default sqlite://gatehouse.db (created on first run)
#   GATEHOUSE_BIND   default 127.0.0.1:3000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

bash scripts/release.sh

export DATABASE_URL="${DATABASE_URL:-sqlite://gatehouse.db}"
export GATEHOUSE_DEMO="${GATEHOUSE_DEMO:-1}"
exec target/server-release/gatehouse
