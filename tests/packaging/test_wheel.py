"""The program as a user installs it: a wheel built from the project, installed (not editable) with
its dependencies into a fresh venv, run from there with nothing pointing back at the source tree.

One venv is built per session (about a minute: pip installs every dependency from the index), then
each test runs the installed entry points in it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

from tests.packaging.conftest import clean_environment, copy_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    sources = copy_sources(work / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(sources)],
                   check=True, cwd=work, env=clean_environment(work / "home"))
    (built,) = (work / "dist").glob("fire_risk_inspector-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its declared dependencies; returns its bin (Scripts) folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run([bin_dir / "python", "-m", "pip", "install", "-q", str(wheel)], check=True,
                   env=clean_environment(venv / "home"))
    return bin_dir


def run(bin_dir: Path, program: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / program), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=clean_environment(cwd / "home"))


def test_the_wheel_carries_forms_translations_migrations_and_both_entry_points(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "inspector_app/forms/taxonomy.yaml" in names
    assert "inspector_app/forms/checklists/dormitory.yaml" in names
    assert "inspector_app/resources/locale/zh_CN/LC_MESSAGES/core.mo" in names
    assert "inspector_app/core/migrations/script.py.mako" in names
    assert any(n.startswith("inspector_app/core/migrations/versions/0001_") for n in names)
    assert "[console_scripts]\ninspector-app = inspector_app.launcher:console_main" in entry_points
    assert "[gui_scripts]\ninspector-app-gui = inspector_app.launcher:gui_main" in entry_points


def test_the_installed_program_is_the_wheels_not_the_source_tree(installed, tmp_path):
    done = run(installed, "python", "-c", "import inspector_app; print(inspector_app.__file__)", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(installed.parent)


def test_forms_check_finds_the_shipped_forms(installed, tmp_path):
    done = run(installed, "inspector-app", "--lang", "en", "forms", "check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["categories"] > 40 and "dormitory" in report["checklists"]
    assert all(Path(f).is_relative_to(installed.parent) for f in report["files"])


def test_messages_are_in_chinese_with_lang_zh(installed, tmp_path):
    done = run(installed, "inspector-app", "--lang", "zh", "--db", str(tmp_path / "l.sqlite"),
               "hazard", "show", "XX-9999", cwd=tmp_path)
    assert done.returncode == 1
    # A mistyped ledger path is refused, in Chinese, from the catalogue that travelled with the package.
    assert done.stderr.strip() == f"错误：{tmp_path / 'l.sqlite'} 没有台账"


def test_a_notice_printed_on_the_demo_ledger_scans_to_its_hazard(installed, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    done = run(installed, "inspector-app", "--db", db, "demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run(installed, "inspector-app", "--db", db, "hazard", "list", "--status", "open", cwd=tmp_path)
    hazard = json.loads(done.stdout)[0]
    done = run(installed, "inspector-app", "--db", db, "--lang", "zh", "notice", hazard["number"],
               "--out", str(tmp_path / "notice.pdf"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = pypdfium2.PdfDocument(str(tmp_path / "notice.pdf"))[0]
    codes = zxingcpp.read_barcodes(page.render(scale=150 / 72).to_pil(), formats=zxingcpp.BarcodeFormat.QRCode)
    shown = json.loads(run(installed, "inspector-app", "--db", db, "hazard", "show", hazard["number"],
                           cwd=tmp_path).stdout)
    assert [code.text.rsplit("/h/", 1)[1] for code in codes] == [shown["token"]]


def test_the_gui_entry_point_passes_the_self_test(installed, tmp_path, self_test_plans):
    """inspector-app-gui is the windowed launcher: its self-test opens the main window from the wheel."""
    done = run(installed, "inspector-app-gui", "--self-test", *map(str, self_test_plans), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test passed" in done.stdout
    assert not (tmp_path / "home").exists()  # the self-test kept to its own temporary folders
