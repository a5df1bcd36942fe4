#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (packages, venv, the project with its test
# extras), starts a throwaway PostgreSQL, then runs ruff, mypy, the import contract and pytest (the unit
# tests twice: in the machine's zone and in Asia/Shanghai).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# `set -e` stops at the first failure without a word: the exit trap names the stage it stopped in.
STAGE="install"
stage() { STAGE=$1; echo "== $1"; }
on_exit() {
  local status=$?
  [ -z "${PG_DIR:-}" ] || stop_postgres
  if [ "$status" -ne 0 ]; then
    echo "scripts/test.sh: stage '$STAGE' failed (exit $status); no later stage ran" >&2
  fi
  exit "$status"
}
trap on_exit EXIT

install_debian_packages
make_venv "[test]"

PG_DIR=""
stop_postgres() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
start_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_BIN" ]; then echo "PostgreSQL is not installed" >&2; return 1; fi
  PG_DIR=$(mktemp -d /tmp/inspector-pg.XXXXXX)
  chown postgres "$PG_DIR"
  local port
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" \
    -o "-p $port -k $PG_DIR -h 127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
  export INSPECTOR_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}
STAGE="postgresql"
if [ "$(id -u)" -eq 0 ]; then
  start_postgres
elif [ -z "${INSPECTOR_TEST_PG_URL:-}" ]; then
  echo "Not root: set INSPECTOR_TEST_PG_URL to a PostgreSQL database the tests may fill." >&2
  exit 1
fi

export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8
stage "ruff"; .venv/bin/ruff check inspector_app tests benchmarks scripts
stage "mypy"; .venv/bin/mypy
stage "import contract (no Qt in the core)"; .venv/bin/lint-imports
stage "translations"; .venv/bin/python scripts/i18n.py check
stage "pytest"; .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
# The laptops are in China: dates turn at Beijing midnight, not UTC's (core/dates.py). The fast core
# tests run a second time in that zone so a date taken from UTC, or from the wrong clock, fails here.
if [ $# -eq 0 ]; then
  stage "pytest, core tests again under TZ=Asia/Shanghai"
  TZ=Asia/Shanghai .venv/bin/python -m pytest -q -p no:cacheprovider tests/unit
fi
