#!/usr/bin/env bash
# Installs what a fresh machine lacks for `make demo` and `make test`, and nothing else.
# Idempotent: every step checks first, so a second run is quick and offline.
set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need_rust_target() {
  if ! rustup target list --installed | grep -qx "$1"; then
    say "adding Rust target $1"
    rustup target add "$1"
  fi
}

apt_updated=0
need_deb() { # need_deb COMMAND PACKAGE...
  local cmd=$1; shift
  if ! command -v "$cmd" >/dev/null 2>&1; then
    if [ "$apt_updated" = 0 ]; then
      say "updating Debian package lists"
      apt-get update -qq
      apt_updated=1
    fi
    say "installing Debian packages: $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# /dev/null must be the null device: when something has renamed a file over it,
# every program's discarded output collects there and is read back by the
# next one that reads it (cargo's compiler probes among them).
if [ ! -c /dev/null ]; then
  if [ "$(id -u)" = 0 ]; then
    say "restoring /dev/null (it is a $(stat -c %F /dev/null), not the null device)"
    rm -f /dev/null && mknod -m 666 /dev/null c 1 3
  else
    echo "error: /dev/null is not the null device (a $(stat -c %F /dev/null)); ask root to run: rm /dev/null; mknod -m 666 /dev/null c 1 3" >&2
    exit 1
  fi
fi

command -v cargo >/dev/null || { echo "error: Rust is not installed (https://rustup.rs), then run this again" >&2; exit 1; }
need_rust_target wasm32-wasip2
need_rust_target wasm32-unknown-unknown
need_deb cc gcc
need_deb make make
need_deb python3 python3

need_py() { # need_py MODULE PACKAGE
  if ! python3 -c "import $1" >/dev/null 2>&1; then
    say "installing Python package $2"
    python3 -m pip install --quiet --disable-pip-version-check "$2"
  fi
}

case "${1:-demo}" in
  test)
    command -v node >/dev/null || { echo "error: Node.js 20 or later is needed (with npm)" >&2; exit 1; }
    need_py pytest pytest
    need_py openpyxl openpyxl
    # A real OData v4 client for tests/python/test_odata.py (pyodata speaks v2 only).
    need_py odata python-odata
    # A real S3-compatible server (moto_server) for tests/python/test_backup_destinations.py.
    need_py moto.server 'moto[server]'
    need_deb chromium chromium
    ;;
esac
