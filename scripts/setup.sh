#!/usr/bin/env bash
# Installs whatever the build needs and is missing, from the package registries only:
# the wasm32 target, wasm-bindgen-cli matching Cargo.lock, and the npm packages (NHS.UK
# frontend, wasm-opt from binaryen, Playwright). Safe to run again: it skips what is already
# there. Sourced by run.sh and test.sh. (cargo-leptos is not needed: scripts/site.sh builds the
# site with cargo and wasm-bindgen; `cargo leptos watch` still works for those who have it.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg_version"; then
  say "installing wasm-bindgen-cli $wbg_version (must match Cargo.lock)"
  # Without --locked: the CLI's own lock file pins crates that no longer build on this toolchain.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/nhsuk-frontend ] || [ ! -d node_modules/@playwright/test ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

node scripts/vendor-nhsuk.mjs

# scripts/site.sh runs wasm-opt from PATH; npm's binaryen is the one that produces working WASM.
export PATH="$PWD/node_modules/.bin:$PATH"
