#!/usr/bin/env bash
# Installs the program into .venv and starts it on a demo project (embedded SQLite, no server).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
install_debian_packages || echo "(continuing: the Qt libraries may already be there)"
make_venv ""
DEMO_DB="${1:-demo/demo-ledger.sqlite}"
if [ ! -f "$DEMO_DB" ]; then
  .venv/bin/inspector-app --db "$DEMO_DB" demo >/dev/null
fi
exec .venv/bin/inspector-app --db "$DEMO_DB" gui
