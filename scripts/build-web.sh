#!/usr/bin/env bash
# Builds the core's pure functions for the UI (crate worklogs-web) as plain JavaScript
# into ui/src/core/gen/ (gitignored). Forge's Custom UI CSP forbids compiling
# WebAssembly without 'unsafe-eval', so the UI gets no WebAssembly at all:
#
#   1. cargo build for wasm32-unknown-unknown with -C target-cpu=mvp (no post-MVP
#      instructions that wasm2js cannot lower);
#   2. wasm-opt --strip-target-features (binaryen, from ui/node_modules);
#   3. wasm-bindgen --target bundler (wasm-bindgen-cli, the exact version of the
#      wasm-bindgen crate in Cargo.lock; installed with cargo if missing);
#   4. wasm-opt -Oz, then wasm2js, which turns worklogs_web_bg.wasm into
#      worklogs_web_bg.wasm.js, an ES module with the same exports. The wasm file
#      itself is deleted: Vite resolves `./worklogs_web_bg.wasm` to the `.wasm.js`
#      file (ui/vite.config.ts).
#
# Needs: cargo with the wasm32-unknown-unknown target, and `npm ci` run in ui/.
# Honours CARGO_TARGET_DIR.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=ui/src/core/gen
bin=ui/node_modules/.bin

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

[ -x "$bin/wasm2js" ] || { echo "error: binaryen is missing: run 'npm ci' in ui/ first" >&2; exit 1; }

# The CLI must match the wasm-bindgen crate exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$want" ] || { echo "error: wasm-bindgen is not in Cargo.lock" >&2; exit 1; }
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want"
  # --locked first; a yanked crate in the CLI's own lockfile makes that fail, and
  # then the newest compatible dependencies are used.
  cargo install wasm-bindgen-cli --version "$want" --locked \
    || cargo install wasm-bindgen-cli --version "$want"
fi

say "building worklogs-web for wasm32-unknown-unknown (target-cpu=mvp)"
# Size matters more than speed here (the UI downloads it): fat LTO and opt-level z,
# for this build only (a different target and RUSTFLAGS: nothing else is rebuilt).
RUSTFLAGS="${RUSTFLAGS:-} -C target-cpu=mvp" \
CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_INCREMENTAL=false \
  cargo build --release --target wasm32-unknown-unknown -p worklogs-web

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin/wasm-opt" --strip-target-features \
  "$target_dir/wasm32-unknown-unknown/release/worklogs_web.wasm" -o "$tmp/worklogs_web.wasm"

say "wasm-bindgen --target bundler, then wasm2js"
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target bundler --out-dir "$out" "$tmp/worklogs_web.wasm"
# The features wasm2js lowers (rustc emits bulk memory even for the mvp CPU).
features=(--enable-bulk-memory --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int)
"$bin/wasm-opt" "${features[@]}" -Oz "$out/worklogs_web_bg.wasm" -o "$tmp/small.wasm"
"$bin/wasm2js" "${features[@]}" -Oz "$tmp/small.wasm" -o "$out/worklogs_web_bg.wasm.js"
rm -f "$out/worklogs_web_bg.wasm" "$out/worklogs_web_bg.wasm.d.ts"

# What the UI must never ship: compiling or evaluating code at run time.
if grep -nE 'WebAssembly\.|[^.a-zA-Z_]eval\(|new Function\(' "$out"/*.js; then
  echo "error: the generated JavaScript compiles or evaluates code (see above)" >&2
  exit 1
fi
say "wrote $out: $(du -ch "$out"/*.js | tail -n 1 | cut -f1) of JavaScript"
