#!/usr/bin/env sh
# Bounded fuzzing: the duration parser, then every operation of the component
# (fuzz_targets/operations.rs), each for half of the time.
#
#   fuzz/run.sh SECONDS      (default 30, the total)
#
# FUZZ_BUILD=--dev builds without optimisation (and with overflow checks): a few
# minutes less to build on a cold machine, fewer runs a second. `make test` fuzzes
# such a build for a minute (the seeds from every scenario step, then new inputs);
# fuzzing for hours is the optimised build's job (the default).
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets a stable toolchain
# accept them. Installs cargo-fuzz when missing. Set CARGO_TARGET_DIR to build elsewhere.
set -eu

seconds="${1:-30}"
case "$seconds" in
    ''|*[!0-9]*) echo "usage: $0 SECONDS" >&2; exit 2 ;;
esac
half=$(( (seconds + 1) / 2 ))
build="${FUZZ_BUILD:-}"
case "$build" in
    ''|--dev) ;;
    *) echo "FUZZ_BUILD must be empty or --dev" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "$0")" && pwd)"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cd "$here"
mkdir -p corpus/duration_parse corpus/operations
RUSTC_BOOTSTRAP=1 cargo fuzz run $build duration_parse corpus/duration_parse -- \
    -max_total_time="$half" -dict=duration.dict -max_len=256

# Seeds: every step of the cross-host scenarios, as the target reads them
# (operation index, entry point, Jira answers, 0xff, input).
python3 "$here/seed_operations.py" "$here/../tests/scenarios" corpus/operations
RUSTC_BOOTSTRAP=1 cargo fuzz build $build operations
RUSTC_BOOTSTRAP=1 cargo fuzz run $build operations corpus/operations -- \
    -max_total_time="$half" -dict=operations.dict -max_len=4096 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 2>&1 \
    | grep -v '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\)' || true
# grep ate the exit status; libFuzzer leaves a crash-* file behind on failure.
if ls artifacts/operations/crash-* artifacts/operations/oom-* artifacts/operations/timeout-* >/dev/null 2>&1; then
    echo "fuzz: the operations target failed; see fuzz/artifacts/operations/" >&2
    exit 1
fi
