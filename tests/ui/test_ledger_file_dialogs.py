"""The desktop program and its ledger file, driven by clicks: it asks before making a new ledger, and a
damaged ledger opens the recovery dialog whose "Restore the latest backup" brings the work back."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from inspector_app.cli.context import AppContext
from inspector_app.core import backups
from inspector_app.core.demo import create_demo
from inspector_app.core.queries import list_hazards
from inspector_app.core.settings import Settings
from inspector_app.ui.ledger_file import open_ledger_or_recover


def _context(path: Path) -> AppContext:
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(path), database_url=None, actor="li", forms=[],
                                         creates_ledger=False))
    return context


def _click_in_dialogs(qtbot, *buttons: str, seen: list[str] | None = None) -> None:
    """Click, in the message boxes that open one after another, the buttons named (object name, or the
    standard OK), the way a person would; each box's text goes into ``seen``."""
    pending = list(buttons)

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and pending:
            name = pending.pop(0)
            if seen is not None:
                seen.append(box.text())
            button = (box.button(QMessageBox.StandardButton.Ok) if name == "ok"
                      else box.findChild(QPushButton, name))
            assert button is not None, f"no button {name} in {box.text()!r}"
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        if pending:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_it_asks_before_making_a_ledger_and_quit_makes_nothing(qtbot, tmp_path):
    path = tmp_path / "typo" / "ledger.sqlite"
    context = _context(path)
    seen: list[str] = []
    _click_in_dialogs(qtbot, "quit", seen=seen)
    assert open_ledger_or_recover(context) is False
    assert str(path) in seen[0] and not (tmp_path / "typo").exists()


def test_make_a_new_ledger_when_the_user_says_so(qtbot, tmp_path):
    path = tmp_path / "new" / "ledger.sqlite"
    context = _context(path)
    _click_in_dialogs(qtbot, "create_ledger")
    try:
        assert open_ledger_or_recover(context) is True
        assert path.exists() and context.db.created
    finally:
        context.close()


def test_a_corrupt_ledger_is_recovered_from_its_latest_backup_by_clicking(qtbot, tmp_path, catalogue):
    path = tmp_path / "ledger.sqlite"
    context = _context(path)
    context.may_create = True
    create_demo(context.db, catalogue)
    with context.db.session() as session:
        numbers = sorted(h.number for h in list_hazards(session))
    context.close()
    backup = backups.make_backup(path, keep_days=14)
    data = bytearray(path.read_bytes())
    data[100:8192] = b"\xa5" * (8192 - 100)  # behind an intact header: SQLite only finds out on reading
    path.write_bytes(bytes(data))

    context = _context(path)
    seen: list[str] = []
    _click_in_dialogs(qtbot, "restore_backup", "ok", seen=seen)
    try:
        assert open_ledger_or_recover(context) is True
        assert "damaged" in seen[0] and str(backup.path) in seen[0] and "Traceback" not in seen[0]
        with context.db.session() as session:
            assert sorted(h.number for h in list_hazards(session)) == numbers
        kept = list(tmp_path.glob("ledger.replaced-*.sqlite"))
        assert len(kept) == 1 and kept[0].read_bytes()[100:200] == b"\xa5" * 100
        assert str(kept[0]) in seen[1]
    finally:
        context.close()


def test_a_ledger_without_backup_offers_no_restore_and_quits_cleanly(qtbot, tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"not a ledger at all" * 100)
    context = _context(path)
    seen: list[str] = []
    _click_in_dialogs(qtbot, "quit", seen=seen)
    assert open_ledger_or_recover(context) is False
    assert "is not a ledger" in seen[0] and "no backup" in seen[0]
    assert path.read_bytes() == b"not a ledger at all" * 100


def test_the_running_program_backs_up_at_start_off_the_ui_thread(qtbot, tmp_path):
    from inspector_app.ui.ledger_file import BackupKeeper

    path = tmp_path / "ledger.sqlite"
    context = _context(path)
    context.may_create = True
    try:
        context.db  # noqa: B018 - a new ledger: no backup yet
        assert backups.latest_backup(path) is None
        keeper = BackupKeeper(context)
        keeper.start()
        qtbot.waitUntil(lambda: keeper.last_made is not None and not keeper.busy(), timeout=20000)
        assert backups.latest_backup(path) == keeper.last_made and keeper.last_problem == ""
        keeper.back_up_if_due()  # the hourly check: not due again today
        qtbot.waitUntil(lambda: not keeper.busy(), timeout=20000)
        assert len(backups.list_backups(path)) == 1
    finally:
        context.close()
