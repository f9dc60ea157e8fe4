#!/usr/bin/env bash
# A private MariaDB server for tests: Debian's packages, installed if missing, and
# one server on loopback with its own data directory (.data/mariadb), port and
# socket, run as root. Idempotent: `start` on a running server only prints its URL.
#
#   bash scripts/mariadb.sh start   # install if needed, start, print the URL
#   bash scripts/mariadb.sh stop
#   bash scripts/mariadb.sh url     # the URL, if it is running
#
# The port is WORKLOGS_MARIADB_PORT (default 33306, or a free one when another server has it). The URL names a user with
# every privilege, so tests can create and drop their own databases. The InnoDB buffer pool is
# WORKLOGS_MARIADB_BUFFER_POOL (default 64M, enough for the tests; benchmarks of a million worklogs
# give it the size a database server would have, see docs/performance.md).
set -euo pipefail

cd "$(dirname "$0")/.."
PORT=${WORKLOGS_MARIADB_PORT:-33306}
DIR=$PWD/.data/mariadb
DATA=$DIR/data
SOCKET=$DIR/mysqld.sock
PIDFILE=$DIR/mysqld.pid
LOG=$DIR/mysqld.log
USER_NAME=worklogs
PORT_FILE=$DIR/port
# A server already started from this directory keeps the port it was started on.
if [ -f "$PORT_FILE" ] && [ -z "${WORKLOGS_MARIADB_PORT:-}" ]; then PORT=$(cat "$PORT_FILE"); fi
url() { echo "mysql://$USER_NAME:$USER_NAME@127.0.0.1:$PORT/"; }

port_free() { # whether nothing listens on 127.0.0.1:$1
  python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$1" 2>/dev/null
}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

find_bin() { # the first of the given programs found on PATH or in /usr/sbin
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return 0; fi
  done
  return 1
}

install() {
  if find_bin mariadbd >/dev/null && find_bin mariadb-install-db >/dev/null && find_bin mariadb >/dev/null; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "MariaDB is not installed; install mariadb-server-core and mariadb-client-core (needs root)"
  say "installing MariaDB from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    mariadb-server-core mariadb-client-core >/dev/null
}

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

client() { # runs SQL as root over the socket
  "$(find_bin mariadb)" --no-defaults --socket="$SOCKET" -uroot "$@"
}

start() {
  if running; then
    url
    return 0
  fi
  install
  mkdir -p "$DIR"
  if [ -z "${WORKLOGS_MARIADB_PORT:-}" ] && ! port_free "$PORT"; then
    # Another server (another checkout's, say) has the default port: take a free one.
    PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    say "port 33306 is taken; using $PORT"
  fi
  echo "$PORT" >"$PORT_FILE"
  if [ ! -d "$DATA/mysql" ]; then
    say "initialising $DATA"
    "$(find_bin mariadb-install-db)" --no-defaults --datadir="$DATA" --user=root \
      --auth-root-authentication-method=socket --skip-test-db >"$DIR/install.log" 2>&1 \
      || die "mariadb-install-db failed; see $DIR/install.log"
  fi
  say "starting MariaDB on 127.0.0.1:$PORT"
  setsid "$(find_bin mariadbd)" --no-defaults --datadir="$DATA" --user=root \
    --bind-address=127.0.0.1 --port="$PORT" --socket="$SOCKET" --pid-file="$PIDFILE" \
    --log-error="$LOG" --skip-name-resolve --innodb-buffer-pool-size="${WORKLOGS_MARIADB_BUFFER_POOL:-64M}" \
    --innodb-flush-log-at-trx-commit=2 --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_bin --max-connections=200 </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 150); do
    if [ -S "$SOCKET" ] && client -e 'SELECT 1' >/dev/null 2>&1; then
      client -e "CREATE USER IF NOT EXISTS '$USER_NAME'@'127.0.0.1' IDENTIFIED BY '$USER_NAME';
                 GRANT ALL PRIVILEGES ON *.* TO '$USER_NAME'@'127.0.0.1';"
      url
      return 0
    fi
    sleep 0.2
  done
  die "MariaDB did not start; see $LOG"
}

stop() {
  if running; then
    local pid
    pid=$(cat "$PIDFILE")
    kill "$pid"
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || { say "stopped"; return 0; }
      sleep 0.2
    done
    die "MariaDB (pid $pid) did not stop"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running && url || die "MariaDB is not running (bash scripts/mariadb.sh start)" ;;
  *) die "usage: $0 start|stop|url" ;;
esac
