"""The Windows installer script (packaging/installer.nsi), compiled by Debian's makensis and run
silently by wine in a throwaway prefix: it installs per user what it should, and its uninstaller
removes the program but leaves the user's data folder.

PyInstaller cannot build the Windows executables on Linux, so the payload here is a stand-in: the
two .exe names hold a small real Windows program from wine (hostname.exe), beside the program's real
forms and translations under _internal/ as the one-folder build lays them out. What is proved is the
installer script: its files, Start-menu entry, file association, Apps entry and uninstaller.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

WINE_DIRS = ("/usr/lib/wine", "/usr/lib64/wine", "/usr/bin")
APP = "Fire-Risk Inspector"


def wine_tool(name: str) -> str:
    for folder in WINE_DIRS:
        if os.access(Path(folder) / name, os.X_OK):
            return str(Path(folder) / name)
    found = shutil.which(name)
    assert found, f"{name} not found: scripts/lib.sh installs Debian's wine64"
    return found


def stand_in_payload(folder: Path) -> Path:
    (windows_program,) = glob.glob("/usr/lib/*/wine/x86_64-windows/hostname.exe")[:1]
    folder.mkdir()
    for name in ("FireRiskInspector.exe", "inspector-app.exe"):
        shutil.copy2(windows_program, folder / name)
    shutil.copytree(REPO_ROOT / "forms", folder / "_internal" / "inspector_app" / "forms")
    shutil.copytree(REPO_ROOT / "resources", folder / "_internal" / "inspector_app" / "resources",
                    ignore=shutil.ignore_patterns("*.po"))
    return folder


class Wine:
    """A fresh WINEPREFIX; no menu entries or MIME types leak to the Linux desktop (winemenubuilder off)."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        self.env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all",
                    "WINEDLLOVERRIDES": "winemenubuilder.exe=d;mscoree,mshtml="}
        self.env.pop("DISPLAY", None)
        self.wine, self.server = wine_tool("wine64"), wine_tool("wineserver64" if "lib" in wine_tool("wine64")
                                                                 else "wineserver")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([self.wine, *args], env=self.env, capture_output=True, text=True, timeout=300)
        subprocess.run([self.server, "-w"], env=self.env, timeout=300)  # until every process of it ended
        if check:
            assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done

    def registry_default(self, key: str) -> str | None:
        done = self.run("reg", "query", key, "/ve", check=False)
        if done.returncode != 0:
            return None
        return done.stdout.split("REG_SZ", 1)[1].strip()

    def user_folder(self) -> Path:
        (home,) = [p for p in (self.prefix / "drive_c" / "users").iterdir() if p.name != "Public"]
        return home

    def stop(self) -> None:
        subprocess.run([self.server, "-k"], env=self.env, timeout=60)


@pytest.fixture(scope="module")
def installer(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("installer")
    payload = stand_in_payload(work / "payload")
    out = work / "FireRiskInspector-Setup.exe"
    done = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "build_installer.sh"), str(payload), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    prefix = Wine(tmp_path_factory.mktemp("wineprefix"))
    prefix.run("wineboot", "--init", check=False)
    yield prefix
    prefix.stop()


def test_the_installer_is_a_64_bit_windows_program_with_its_version(installer):
    assert installer.read_bytes()[:2] == b"MZ"
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version.encode("utf-16-le") in installer.read_bytes()  # VIAddVersionKey ProductVersion


def test_installs_per_user_upgrades_in_place_and_the_uninstaller_keeps_the_data(installer, wine):
    wine.run(str(installer), "/S")
    home = wine.user_folder()
    program = home / "AppData" / "Local" / "Programs" / APP
    menu = home / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / APP
    # The files, where a user without administrator rights can write them:
    for name in ("FireRiskInspector.exe", "inspector-app.exe", "Uninstall.exe", "FireRiskInspector.ico",
                 "_internal/inspector_app/forms/taxonomy.yaml",
                 "_internal/inspector_app/resources/locale/zh_CN/LC_MESSAGES/core.mo"):
        assert (program / name).is_file(), name
    assert (menu / f"{APP}.lnk").is_file()
    assert b"FireRiskInspector.exe" in (menu / f"{APP}.lnk").read_bytes()
    # Double-clicking a bundle opens it with the program:
    assert wine.registry_default(r"HKCU\Software\Classes\.fribundle") == "FireRiskInspector.Bundle"
    command = wine.registry_default(r"HKCU\Software\Classes\FireRiskInspector.Bundle\shell\open\command")
    assert command == rf'"C:\users\{home.name}\AppData\Local\Programs\{APP}\FireRiskInspector.exe" "%1"'
    apps_entry = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\FireRiskInspector"
    listed = wine.run("reg", "query", apps_entry).stdout
    assert "DisplayName" in listed and APP in listed and "Uninstall.exe" in listed

    # The inspector's data, as the program keeps it (platformdirs on Windows), and a file of their own:
    data = home / "AppData" / "Local" / "FireRiskInspector" / "FireRiskInspector"
    data.mkdir(parents=True)
    (data / "ledger.sqlite").write_bytes(b"the day's work")
    (program / "notes.txt").write_text("mine")

    # Installing again (a new version) replaces the program's files, leaving no stale one behind:
    (program / "_internal" / "from_the_old_version.pyd").write_bytes(b"old")
    wine.run(str(installer), "/S")
    assert not (program / "_internal" / "from_the_old_version.pyd").exists()
    assert (program / "_internal" / "inspector_app" / "forms" / "taxonomy.yaml").is_file()
    assert (data / "ledger.sqlite").read_bytes() == b"the day's work"

    wine.run(str(program / "Uninstall.exe"), "/S")
    assert not (program / "FireRiskInspector.exe").exists() and not (program / "_internal").exists()
    assert not (program / "Uninstall.exe").exists()
    assert (program / "notes.txt").read_text() == "mine"  # only what it installed is removed
    assert not menu.exists()
    assert wine.registry_default(r"HKCU\Software\Classes\.fribundle") is None
    assert wine.run("reg", "query", apps_entry, check=False).returncode != 0
    assert (data / "ledger.sqlite").read_bytes() == b"the day's work"
