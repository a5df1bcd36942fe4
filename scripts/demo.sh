#!/usr/bin/env bash
# Installs the program into .venv and starts it on a demo project (embedded SQLite, no server).
# The demo keeps its settings, logs and default data in demo/home (INSPECTOR_HOME), never in the user's
# own folders, unless INSPECTOR_HOME is set already.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
install_debian_packages || echo "(continuing: the Qt libraries may already be there)"
make_venv ""
export INSPECTOR_HOME="${INSPECTOR_HOME:-$PWD/demo/home}"
echo "Settings and logs of the demo: $INSPECTOR_HOME"
DEMO_DB="${1:-demo/demo-ledger.sqlite}"
if [ ! -f "$DEMO_DB" ]; then
  .venv/bin/inspector-app --db "$DEMO_DB" demo >/dev/null
fi
exec .venv/bin/inspector-app --db "$DEMO_DB" gui
