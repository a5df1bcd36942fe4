# Shared steps of scripts/test.sh and scripts/demo.sh: Debian packages, Python 3.12+, the venv.
# Sourced, not run.

DEBIAN_PACKAGES=(
  # Qt's offscreen and xcb platforms
  libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libpulse0 libxrandr2
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 xvfb xauth
  # a CJK font that reportlab can embed; PDF tools the tests read notices with; the test database
  fonts-wqy-microhei poppler-utils postgresql
  # zone data, or TZ=Asia/Shanghai silently means UTC and the second, Beijing-time test run checks nothing
  tzdata
  # the Windows installer: makensis compiles packaging/installer.nsi, wine64 runs it in a test prefix;
  # PyInstaller reads and strips the Linux libraries with binutils (objdump, strip)
  nsis wine64 binutils
  # the server's pages (status, and the pages phones post to) in a real browser, driven by Selenium
  chromium chromium-driver
)

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages (run as root or install them): ${missing[*]}" >&2
    return 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_ok() {
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

find_python() {
  local candidate
  # pyenv's shims answer to every name but fail for versions not selected: run each to be sure.
  for candidate in python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/3.12*/bin/python3 "$(pyenv root)"/versions/3.13*/bin/python3; do
      if [ -x "$candidate" ] && python_ok "$candidate"; then echo "$candidate"; return 0; fi
    done
  fi
  echo "Python 3.12 or newer is needed (PySide6 6.12 crashes on 3.11)." >&2
  return 1
}

make_venv() {
  local extras="$1"
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    rm -rf .venv
    "$(find_python)" -m venv .venv
  fi
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".${extras}"
}
