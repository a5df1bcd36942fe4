#!/usr/bin/env bash
# Compiles the Windows installer (packaging/installer.nsi) with makensis around a one-folder build.
# On Windows, packaging/build_windows.ps1 does this after PyInstaller; on Linux (Debian's nsis) it
# compiles the same script against any folder, which is how tests/packaging/test_installer.py checks it.
#
#   bash scripts/build_installer.sh PAYLOAD_DIR OUT.exe
set -euo pipefail
cd "$(dirname "$0")/.."
PAYLOAD="$(cd "$1" && pwd)"
OUT="$2"
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)
makensis -V2 -DAPP_VERSION="$VERSION" -DPAYLOAD_DIR="$PAYLOAD" -DOUT_FILE="$(realpath -m "$OUT")" "$PWD/packaging/installer.nsi"
echo "installer: $OUT ($(du -h "$OUT" | cut -f1))"
