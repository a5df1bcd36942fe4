"""The desktop program and its ledger file, driven by clicks: it asks before making a new ledger, and a
damaged ledger opens the recovery dialog whose "Restore the latest backup" brings the work back, at
start and through File → Open alike (where giving up keeps the ledger that was open)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from inspector_app.app.context import AppContext
from inspector_app.core import backups
from inspector_app.core.db import LedgerError, open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import add_hazard
from inspector_app.core.ledger import LedgerFilter
from inspector_app.core.ledger_lock import LedgerLock
from inspector_app.core.queries import list_hazards
from inspector_app.core.settings import Settings
from inspector_app.ui.ledger_file import open_ledger_or_recover
from inspector_app.ui.main_window import MainWindow


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


def _damaged_past_what_opening_reads(path: Path) -> None:
    """Garble the last pages, behind an intact header and schema: the ledger still opens, and only
    reading every page (as File → Open does) finds the damage."""
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) >= 12 * page
    data[-6 * page:] = b"\xa5" * (6 * page)
    path.write_bytes(bytes(data))
    open_database(sqlite_url(path), may_create=False).dispose()  # opening alone does not see it
    with pytest.raises(LedgerError, match="damaged"):
        backups.check_ledger_file(path)


def _window_on_a_ledger_and_another_damaged_one(qtbot, tmp_path, catalogue, monkeypatch):
    """The program open on one ledger; another one, backed up with one hazard more, then damaged,
    is what File → Open's file chooser returns."""
    current = tmp_path / "current.sqlite"
    context = _context(current)
    context.may_create = True
    create_demo(context.db, catalogue)
    assert open_ledger_or_recover(context) is True  # held, as at start
    other = tmp_path / "other.sqlite"
    db = open_database(sqlite_url(other))
    create_demo(db, catalogue)
    with db.session() as session:
        hazards = list_hazards(session)
        db_floor, count = hazards[0].floor_id, len(hazards)
        add_hazard(session, catalogue, db.store, actor="li", category="electrical.aging_wiring",
                   floor_id=db_floor, x=0.5, y=0.5)
    db.dispose()
    backup = backups.make_backup(other, keep_days=14)
    _damaged_past_what_opening_reads(other)
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(other), ""))
    return window, context, other, backup, count


def _listed(window: MainWindow) -> int:
    """How many hazards the window's ledger list reads from the ledger it is on."""
    return window.ledger_view.model.count_matching(LedgerFilter())


def test_file_open_of_a_damaged_ledger_offers_its_latest_backup_as_at_start(qtbot, tmp_path, catalogue,
                                                                          monkeypatch):
    window, context, other, backup, count = _window_on_a_ledger_and_another_damaged_one(
        qtbot, tmp_path, catalogue, monkeypatch)
    try:
        assert _listed(window) == count
        seen: list[str] = []
        _click_in_dialogs(qtbot, "restore_backup", "ok", seen=seen)
        window.open_action.trigger()  # File → Open ledger…
        assert "damaged" in seen[0] and str(backup.path) in seen[0] and "Traceback" not in seen[0]
        kept = list(tmp_path.glob("other.replaced-*.sqlite"))
        assert len(kept) == 1 and str(kept[0]) in seen[1]
        # The window is on the restored ledger, all of it: its hazards, its title, its lock.
        assert context.ledger_path == other.resolve() and str(other) in window.windowTitle()
        assert _listed(window) == count + 1
        assert window.editor.db is context.db
        with pytest.raises(LedgerError, match="is open in Fire-Risk Inspector"):
            LedgerLock.acquire(other.resolve())
        LedgerLock.acquire((tmp_path / "current.sqlite").resolve()).release()  # the one it left is free
    finally:
        context.close()


def test_file_open_given_up_keeps_the_ledger_that_was_open(qtbot, tmp_path, catalogue, monkeypatch):
    window, context, other, _backup, count = _window_on_a_ledger_and_another_damaged_one(
        qtbot, tmp_path, catalogue, monkeypatch)
    damaged = other.read_bytes()
    try:
        seen: list[str] = []
        _click_in_dialogs(qtbot, "quit", seen=seen)  # labelled "Keep the current ledger" here
        window.open_action.trigger()
        assert "damaged" in seen[0] and window.isVisible()
        assert context.ledger_path == (tmp_path / "current.sqlite").resolve()
        assert _listed(window) == count and window.editor.db is context.db
        assert other.read_bytes() == damaged and not list(tmp_path.glob("other.replaced-*"))
        with pytest.raises(LedgerError, match="is open in Fire-Risk Inspector"):
            LedgerLock.acquire((tmp_path / "current.sqlite").resolve())  # held again
    finally:
        context.close()
