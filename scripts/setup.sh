#!/usr/bin/env bash
# Installs whatever the build needs and is missing, from the package registries only:
# OpenSSL's headers (Debian's libssl-dev), the wasm32 target, wasm-bindgen-cli matching Cargo.lock, and the npm packages (NHS.UK
# frontend, wasm-opt from binaryen, Playwright). Safe to run again: it skips what is already
# there. Sourced by run.sh and test.sh. (cargo-leptos is not needed: scripts/site.sh builds the
# site with cargo and wasm-bindgen; `cargo leptos watch` still works for those who have it.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n== %s\n' "$*"; }

# Passkeys (webauthn-rs) check signatures with OpenSSL: its headers, found with pkg-config.
if ! pkg-config --exists openssl 2>/dev/null; then
  say "installing libssl-dev and pkg-config from Debian (for passkeys' signature checks)"
  if [ "$(id -u)" = 0 ]; then sudo_=(); else sudo_=(sudo); fi
  "${sudo_[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_[@]}" apt-get install -y libssl-dev pkg-config
fi

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
