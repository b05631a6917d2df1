#!/usr/bin/env bash
# Builds the browser's half of Gatehouse into target/site, with cargo and wasm-bindgen alone:
#   pkg/gatehouse.wasm, pkg/gatehouse.js  the islands, compiled for wasm32 and bound for the browser
#   pkg/gatehouse.css                     style/main.css
#   vendor/, assets/, robots.txt          public/ (the NHS.UK frontend, vendored by setup.sh)
# `bash scripts/site.sh` is the development build (what the browser tests load); `--release`
# optimises for size (wasm-release profile, then wasm-opt -Oz), for run.sh.
#
# It does what `cargo leptos build` does for this project, without having to compile cargo-leptos
# first (13 to 22 minutes on a fresh 2-core machine). Contributors who have cargo-leptos keep
# `cargo leptos watch`: the settings in Cargo.toml's [workspace.metadata.leptos] are the same.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=dev
dir=debug
if [ "${1:-}" = "--release" ]; then
  profile=wasm-release
  dir=wasm-release
fi

target_dir=${CARGO_TARGET_DIR:-target}
site=target/site

cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "$profile"

# Built beside the site first, then copied over only where a file's content changed: the server
# binary holds the site's files, and cargo rebuilds it whenever one of them is newer, so rewriting
# an unchanged site cost every run.sh a 3.5-minute release build of the server.
stage=target/site-stage
rm -rf "$stage"
mkdir -p "$stage/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$stage/pkg" --out-name gatehouse \
  "$target_dir/wasm32-unknown-unknown/$dir/frontend.wasm"
# The page asks for /pkg/gatehouse.wasm (LEPTOS_OUTPUT_NAME is set in .cargo/config.toml).
mv "$stage/pkg/gatehouse_bg.wasm" "$stage/pkg/gatehouse.wasm"
if [ "$profile" = wasm-release ]; then
  # npm's binaryen (node_modules/.bin, put on PATH by setup.sh).
  # --converge runs the passes again until the file stops shrinking: 0.5 KB less with brotli.
  wasm-opt -Oz --converge "$stage/pkg/gatehouse.wasm" -o "$stage/pkg/gatehouse.wasm"
fi
cp style/main.css "$stage/pkg/gatehouse.css"
cp -r public/. "$stage/"
if [ "$profile" = wasm-release ]; then
  # Each large file compressed once with brotli's best (quality 11) beside itself, for the
  # server to send to browsers that take brotli: a third smaller than compressing per request at
  # the compression layer's quality 4, and no work per request. Node's zlib has brotli.
  node -e '
    const zlib = require("zlib"), fs = require("fs");
    for (const f of process.argv.slice(1)) {
      const b = fs.readFileSync(f);
      fs.writeFileSync(f + ".br", zlib.brotliCompressSync(b, { params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }));
    }' "$stage"/pkg/gatehouse.{wasm,js,css} "$stage"/vendor/*.{css,js}
fi

changed=0
while IFS= read -r file; do
  if ! cmp -s "$stage/$file" "$site/$file"; then
    mkdir -p "$(dirname "$site/$file")"
    cp "$stage/$file" "$site/$file"
    changed=$((changed + 1))
  fi
done < <(cd "$stage" && find . -type f)
# And nothing the build no longer makes: a development build after a release one must not leave
# the release's brotli copies beside files they no longer match.
while IFS= read -r file; do
  if [ ! -e "$stage/$file" ]; then
    rm -f "$site/$file"
    changed=$((changed + 1))
  fi
done < <(cd "$site" && find . -type f)
rm -rf "$stage"
printf 'site built in %s (%s): %s KB of WebAssembly, %s files changed\n' "$site" "$profile" \
  "$(( $(stat -c %s "$site/pkg/gatehouse.wasm") / 1024 ))" "$changed"
