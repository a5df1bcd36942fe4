#!/usr/bin/env bash
# Builds the one-folder PyInstaller bundle (packaging/inspector.spec) and runs its --self-test, then
# prints the build time and the bundle's size. The same spec builds the Windows folder on Windows
# (packaging/build_windows.ps1); on Linux this is the bundle CI checks.
#
#   bash scripts/build_bundle.sh [--dist DIR] [--work DIR] [PLAN...]    (default: dist/, build/)
#
# PLAN files are handed to the self-test (default: a drawn plan). PYTHON names the interpreter that
# has PyInstaller and the project installed (default .venv/bin/python, made or given the build extra
# here when it lacks PyInstaller, e.g. after scripts/demo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
# PyInstaller is the build extra, not a dependency of the program: scripts/demo.sh's .venv lacks it.
if ! "$PYTHON" -c "import PyInstaller" >/dev/null 2>&1; then
  if [ "$PYTHON" = ".venv/bin/python" ]; then
    echo "== installing the build extra (PyInstaller) into .venv"
    source scripts/lib.sh
    make_venv "[build]"
  else
    echo "$PYTHON has no PyInstaller: install the build extra into it ($PYTHON -m pip install -e '.[build]')" >&2
    exit 1
  fi
fi
DIST=dist WORK=build
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) DIST="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    *) break ;;
  esac
done
# PyInstaller's own cache (stripped libraries) goes into the work folder too: nothing is kept
# between builds outside it, so a CI run builds from scratch.
export PYINSTALLER_CONFIG_DIR="$(realpath -m "$WORK")/pyinstaller-config"
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath "$WORK" \
  packaging/inspector.spec
built=$(date +%s)
BUNDLE="$DIST/FireRiskInspector"
echo "== self-test of $BUNDLE"
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$BUNDLE/inspector-app" --self-test "$@"
printf "build time: %d s; bundle: %s MB in %s files\n" "$((built - start))" \
  "$(du -sm "$BUNDLE" | cut -f1)" "$(find "$BUNDLE" -type f | wc -l)"
