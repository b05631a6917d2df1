#!/usr/bin/env bash
# The release build: the site (scripts/site.sh --release) and the server binary
# target/server-release/gatehouse. Extra arguments go to cargo (`--bin gatehouse-bench` adds the
# benchmark tools). Expects scripts/setup.sh to have run (run.sh and the bench scripts source it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

printf '\n== building the site (WebAssembly, CSS, assets)\n'
bash scripts/site.sh --release
printf '\n== building the server\n'
cargo build --profile server-release -p server --bin gatehouse "$@"
