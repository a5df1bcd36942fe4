"""The Linux bundle: packaging/inspector.spec built by scripts/build_bundle.sh (PyInstaller, one
folder), trimmed to what the program uses, and its --self-test passing on real plans from outside the
source tree. The Windows folder comes from the same spec on Windows (packaging/build_windows.ps1).

One build per session (a few minutes on two cores); the figures are printed by the build script.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO_ROOT, clean_environment

pytestmark = pytest.mark.slow

# What the program imports (the import contract keeps Qt to these), and QtNetwork, which QtMultimedia's
# binding needs.
USED_QT = {"QtCore", "QtGui", "QtWidgets", "QtSvg", "QtPrintSupport", "QtMultimedia", "QtNetwork"}


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("bundle")
    done = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "build_bundle.sh"), "--dist", str(work / "dist"),
                           "--work", str(work / "build")], capture_output=True, text=True,
                          env=clean_environment(work / "home", PYTHON=sys.executable), timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "self-test passed" in done.stdout  # the build script's own check of what it built
    print(done.stdout.splitlines()[-1])  # build time and size, for `pytest -s`
    return work / "dist" / "FireRiskInspector"


def run(program: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(program), *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=clean_environment(cwd / "home"))


def test_the_bundle_passes_its_self_test_on_real_plans(bundle, tmp_path, self_test_plans):
    done = run(bundle / "inspector-app", "--self-test", *map(str, self_test_plans), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for step in ("qt", "translations", "forms", "ledger", "plan 1", "plan 2", "plan 3", "plan 4", "hazard", "notice",
                 "window"):
        assert f"ok   {step} " in done.stdout, step
    assert "media backend: " in done.stdout, "the camera's FFmpeg libraries must load (stripped, they did not)"
    # The shipped plans (tests/data/floorplans/SOURCES.txt): a DXF with four paper-space layouts, a 2-page PDF.
    assert "dxf, 5 page(s)" in done.stdout and "pdf, 2 page(s)" in done.stdout


def test_the_windowed_executable_runs_the_desktop_entry_and_speaks_chinese(bundle, tmp_path):
    done = run(bundle / "FireRiskInspector", "--lang", "zh", "--db", str(tmp_path / "l.sqlite"),
               "hazard", "show", "XX-1", cwd=tmp_path)
    assert done.returncode == 1
    # A mistyped ledger path is refused, in Chinese, from the catalogue that travelled with the package.
    assert done.stderr.strip() == f"错误：{tmp_path / 'l.sqlite'} 没有台账"


def test_the_bundle_carries_only_the_qt_it_uses_and_this_trees_data(bundle):
    internal = bundle / "_internal"
    modules = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.abi3.so")}
    assert modules == USED_QT
    qt = internal / "PySide6" / "Qt"
    assert not list(qt.glob("plugins/platformthemes/*gtk3*")) and not list(internal.glob("libgtk-3*"))
    assert not list(qt.glob("plugins/platforminputcontexts/*virtualkeyboard*"))
    assert list(qt.glob("plugins/platforms/libqxcb.so")) and list(qt.glob("plugins/platforms/libqoffscreen.so"))
    assert list(qt.glob("plugins/multimedia/*ffmpeg*"))  # the camera
    assert {p.name for p in qt.glob("translations/*.qm")} <= {f"{n}_{lang}.qm" for n in ("qt", "qtbase", "qt_help",
                                                                                        "qtmultimedia")
                                                              for lang in ("zh_CN", "en")}
    package = internal / "inspector_app"
    shipped = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    sources = {p.relative_to(REPO_ROOT).as_posix()
               for p in (REPO_ROOT / "resources").rglob("*.mo")}
    assert sources <= shipped  # every catalogue of this tree, not of some other installed copy
    assert not any(name.endswith(".po") for name in shipped)
    assert "forms/taxonomy.yaml" in shipped and "core/migrations/versions/0001_first_schema.py" in shipped
