#!/usr/bin/env sh
# Bounded fuzzing of the duration parser.
#
#   fuzz/run.sh SECONDS      (default 30)
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets a stable toolchain
# accept them. Installs cargo-fuzz when missing. Set CARGO_TARGET_DIR to build elsewhere.
set -eu

seconds="${1:-30}"
case "$seconds" in
    ''|*[!0-9]*) echo "usage: $0 SECONDS" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "$0")" && pwd)"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cd "$here"
mkdir -p corpus/duration_parse
RUSTC_BOOTSTRAP=1 cargo fuzz run duration_parse corpus/duration_parse -- \
    -max_total_time="$seconds" -dict=duration.dict -max_len=256
