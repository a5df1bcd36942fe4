"""Never lose work: `restore` does not replace a ledger that a running desktop program has open. The
program runs as a real second process (`python -m inspector_app --db LEDGER gui`, offscreen) and
holds the ledger's lock (core/ledger_lock.py); `restore` refuses, naming the ledger and the process,
and changes nothing. Killed, the program's lock file stays behind but is not held: `restore` works.
A second program on the same ledger is told the same, and opens it once the first has closed it."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from inspector_app.app.context import AppContext
from inspector_app.cli import main
from inspector_app.core import backups
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.ledger_lock import lock_file
from inspector_app.core.queries import list_hazards
from inspector_app.core.settings import Settings
from inspector_app.ui.ledger_file import open_ledger_or_recover

REPO_ROOT = Path(__file__).resolve().parents[2]


def _numbers(ledger: Path) -> list[str]:
    db = open_database(sqlite_url(ledger), may_create=False)
    try:
        with db.session() as session:
            return sorted(h.number for h in list_hazards(session))
    finally:
        db.dispose()


def _ledger_with_a_hazard_after_its_backup(tmp_path: Path, catalogue) -> tuple[Path, Path]:
    """A demo ledger, a backup of it, then one more hazard: restoring the backup would lose that one."""
    ledger = tmp_path / "ledger.sqlite"
    db = open_database(sqlite_url(ledger))
    create_demo(db, catalogue)
    db.dispose()
    backup = backups.make_backup(ledger, keep_days=14).path
    floor_id = _floor_of_first_hazard(ledger)
    assert main(["--db", str(ledger), "--lang", "en", "--as", "li", "hazard", "add", "--floor", floor_id,
                 "--x", "0.5", "--y", "0.5", "--category", "electrical.aging_wiring"]) == 0
    return ledger, backup


def _floor_of_first_hazard(ledger: Path) -> str:
    db = open_database(sqlite_url(ledger), may_create=False)
    try:
        with db.session() as session:
            return str(list_hazards(session)[0].floor_id)
    finally:
        db.dispose()


def _start_program(ledger: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    return subprocess.Popen([sys.executable, "-m", "inspector_app", "--db", str(ledger), "--lang", "en",
                             "--as", "li", "gui"], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _wait_until_held(process: subprocess.Popen[str], ledger: Path, timeout: float = 90) -> None:
    """The program writes its process id into the lock file once it holds the lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the program ended before it opened the ledger: {process.stderr.read()[-2000:]}")
        try:
            if lock_file(ledger).read_text(encoding="ascii").strip() == str(process.pid):
                return
        except (OSError, UnicodeDecodeError):
            pass
        time.sleep(0.1)
    pytest.fail("the program did not open the ledger in time")


def test_restore_refuses_a_ledger_the_running_program_has_open_and_a_killed_one_does_not_block(
        tmp_path, catalogue, capsys):
    ledger, backup = _ledger_with_a_hazard_after_its_backup(tmp_path, catalogue)
    numbers = _numbers(ledger)
    capsys.readouterr()
    program = _start_program(ledger)
    try:
        _wait_until_held(program, ledger)
        code = main(["--db", str(ledger), "--lang", "en", "restore", str(backup)])
        err = capsys.readouterr().err
        assert code == 1
        assert f"{ledger} is open in Fire-Risk Inspector (process {program.pid}); close it first" in err
        assert "Traceback" not in err
        assert _numbers(ledger) == numbers  # the hazard added after the backup is still there
        assert not list(tmp_path.glob("ledger.replaced-*")) and not list(tmp_path.glob(".ledger.sqlite.restoring"))

        program.send_signal(signal.SIGKILL)  # no chance to let go of anything
        program.wait(timeout=30)
    finally:
        if program.poll() is None:
            program.kill()
            program.wait(timeout=30)
    assert lock_file(ledger).read_text(encoding="ascii").strip() == str(program.pid)  # left behind...
    code = main(["--db", str(ledger), "--lang", "en", "restore", str(backup)])  # ...and not held
    assert code == 0, capsys.readouterr().err
    assert len(_numbers(ledger)) == len(numbers) - 1
    assert len(list(tmp_path.glob("ledger.replaced-*.sqlite"))) == 1


def _program(path: Path) -> AppContext:
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(path), database_url=None, actor="li", forms=[],
                                         creates_ledger=False))
    return context


def test_a_second_program_on_the_same_ledger_is_told_which_one_has_it_and_tries_again(qtbot, tmp_path,
                                                                                     catalogue):
    ledger = tmp_path / "ledger.sqlite"
    db = open_database(sqlite_url(ledger))
    create_demo(db, catalogue)
    db.dispose()
    first = _program(ledger)
    assert open_ledger_or_recover(first) is True  # no question: it is free
    second = _program(ledger)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not (isinstance(box, QMessageBox) and box.isVisible()):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        assert box.findChild(QPushButton, "restore_backup") is None  # it is not damaged
        first.close()  # the inspector closes the other window, then tries again
        qtbot.mouseClick(box.findChild(QPushButton, "try_again"), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    try:
        assert open_ledger_or_recover(second) is True
        assert seen == [f"The ledger {ledger} is open in Fire-Risk Inspector (process {os.getpid()}); "
                        "close it first."]
        with second.db.session() as session:
            assert list_hazards(session)
        with pytest.raises(backups.LedgerError, match="is open in Fire-Risk Inspector"):
            backups.restore_ledger(ledger, backups.make_backup(ledger, keep_days=14).path)
    finally:
        second.close()
        first.close()
