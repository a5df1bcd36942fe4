"""The ledger file in the desktop program, before and while the main window works on it: asking before
a new ledger is made, the recovery dialog for a ledger that will not open (offering its latest backup,
never a traceback), at start and for File → Open alike; holding the ledger's lock while it is open
(core/ledger_lock.py), so `restore` elsewhere refuses it; and the automatic backups while the program
runs (at start, then daily)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core import backups, dates
from inspector_app.core.db import LedgerError
from inspector_app.i18n import _
from inspector_app.ui.file_dialogs import open_file

# A start within this long of the last backup (a quick restart) makes no new one.
START_GAP = timedelta(minutes=10)
CHECK_EVERY_MS = 60 * 60 * 1000  # how often a running program asks whether the daily backup is due


def _choose_file(parent: QWidget | None) -> Path | None:
    return open_file(parent, "ledger", _("Open ledger"), _("Ledger files (*.sqlite *.db);;All files (*)"))


def _ask_to_create(path: Path, give_up: str, parent: QWidget | None) -> str:
    """"create", "open" or "quit": what to do where no ledger is yet."""
    box = QMessageBox(QMessageBox.Icon.Question, _("No ledger yet"), _(
        "There is no ledger at {path}.\nMake a new, empty ledger there, or open an existing one?").format(
        path=path), QMessageBox.StandardButton.NoButton, parent)
    create = box.addButton(_("Make a new ledger"), QMessageBox.ButtonRole.AcceptRole)
    create.setObjectName("create_ledger")
    other = box.addButton(_("Open another ledger…"), QMessageBox.ButtonRole.ActionRole)
    other.setObjectName("open_other_ledger")
    quit_button = box.addButton(give_up, QMessageBox.ButtonRole.RejectRole)
    quit_button.setObjectName("quit")
    box.setDefaultButton(create)
    box.exec()
    clicked = box.clickedButton()
    return "create" if clicked is create else "open" if clicked is other else "quit"


def _usable_backup(ledger: Path) -> backups.Backup | None:
    """The newest automatic backup that itself opens (a damaged or newer one is no way out)."""
    for backup in backups.list_backups(ledger):
        try:
            backups.check_ledger_file(backup.path)
        except LedgerError:
            continue
        return backup
    return None


def _ask_to_recover(error: LedgerError, backup: backups.Backup | None, give_up: str,
                    parent: QWidget | None) -> str:
    """"restore", "retry", "open" or "quit" for a ledger that failed to open. A ledger open in another
    running program is not damaged: the way out is to close it there and try again."""
    in_use = error.reason == "in_use"
    text = str(error)
    if backup is not None:
        text += "\n\n" + _("The latest backup was made on {when}: {path}").format(
            when=dates.shown_moment(backup.made_at), path=backup.path)
    elif not in_use:
        text += "\n\n" + _("There is no backup of this ledger to restore.")
    box = QMessageBox(QMessageBox.Icon.Warning, _("The ledger cannot be opened"), text,
                      QMessageBox.StandardButton.NoButton, parent)
    first = None
    if in_use:
        first = box.addButton(_("Try again"), QMessageBox.ButtonRole.AcceptRole)
        first.setObjectName("try_again")
    elif backup is not None:
        first = box.addButton(_("Restore the latest backup"), QMessageBox.ButtonRole.AcceptRole)
        first.setObjectName("restore_backup")
    if first is not None:
        box.setDefaultButton(first)
    other = box.addButton(_("Open another ledger…"), QMessageBox.ButtonRole.ActionRole)
    other.setObjectName("open_other_ledger")
    quit_button = box.addButton(give_up, QMessageBox.ButtonRole.RejectRole)
    quit_button.setObjectName("quit")
    box.exec()
    clicked = box.clickedButton()
    if first is not None and clicked is first:
        return "retry" if in_use else "restore"
    return "open" if clicked is other else "quit"


def _switch_to_chosen_file(context: AppContext, parent: QWidget | None) -> bool:
    """Let the user pick another ledger file and point the context at it; False if they cancelled."""
    chosen = _choose_file(parent)
    if chosen is None:
        return False
    context.db_path, context.database_url = chosen, None
    return True


def _open_held(context: AppContext, whole_file: bool) -> None:
    """Open the context's ledger holding its lock; ``whole_file``: and read every page of it first
    (PRAGMA quick_check), so that damage past the pages opening reads is found now, not by the window."""
    context.hold_ledger()
    ledger = context.ledger_path
    if whole_file and ledger is not None:
        backups.check_ledger_file(ledger)


def open_ledger_or_recover(context: AppContext, parent: QWidget | None = None, give_up: str | None = None,
                           whole_file: bool = False) -> bool:
    """Open the context's ledger (holding its lock, core/ledger_lock.py), asking the user where a choice
    is theirs: before a new ledger is made, and when it will not open (its latest backup is offered).
    True: ``context.db`` is open; False: the user gave up (the button ``give_up``, "Quit" at start),
    and nothing of the ledger is left open. ``whole_file``: check every page (File → Open)."""
    give_up = give_up or _("Quit")
    if context.ledger_missing():
        path = context.ledger_path
        assert path is not None
        choice = _ask_to_create(path, give_up, parent)
        if choice == "quit":
            return False
        if choice == "open" and not _switch_to_chosen_file(context, parent):
            return False
        context.may_create = choice == "create"
    while True:
        try:
            _open_held(context, whole_file)
            return True
        except LedgerError as error:
            context.close()  # nothing of a ledger that failed stays open or locked
            ledger = context.ledger_path
            backup = _usable_backup(ledger) if ledger is not None and error.reason != "in_use" else None
            choice = _ask_to_recover(error, backup, give_up, parent)
            if choice == "quit":
                return False
            if choice == "retry":
                continue
            if choice == "open":
                if not _switch_to_chosen_file(context, parent):
                    return False
                context.may_create = False
                continue
            assert ledger is not None and backup is not None
            try:
                done = backups.restore_ledger(ledger, backup.path)
            except LedgerError as problem:
                QMessageBox.warning(parent, _("The ledger cannot be opened"), str(problem))
                continue
            QMessageBox.information(parent, _("Backup restored"), _(
                "The ledger was restored from the backup of {when}.\nThe file that failed to open is "
                "kept at {kept}").format(when=dates.shown_moment(backup.made_at),
                                         kept=done.replaced_kept_at))


def switch_ledger(context: AppContext, path: Path, parent: QWidget | None = None) -> str:
    """File → Open in the running program: the ledger at ``path`` opened the way the one at start is
    (``open_ledger_or_recover``), every page checked. "switched": it is open now; "kept": the user
    gave up and the ledger that was open is open (and held) again; "quit": not even that one opens
    any more and the user chose to quit."""
    previous = (context.db_path, context.database_url, context.may_create)
    context.close()  # its lock too: the ledger chosen may be this very one, restored from a backup
    context.db_path, context.database_url, context.may_create = path, None, False
    if open_ledger_or_recover(context, parent, give_up=_("Keep the current ledger"), whole_file=True):
        return "switched"
    context.db_path, context.database_url, context.may_create = previous
    return "kept" if open_ledger_or_recover(context, parent) else "quit"


class BackupKeeper(QObject):
    """Automatic backups of the open ledger while the program runs: one at start (unless a backup is
    minutes old), then one whenever the newest is a day old. The copy runs on a worker thread (a
    30 MB ledger takes about half a second, benchmarks/ledger_file.py) so the window never waits. A
    failure is kept in ``last_problem`` and never interrupts work: the ledger itself is fine, only
    its copy failed."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.last_problem = ""
        self.last_made: backups.Backup | None = None
        self._worker: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.back_up_if_due)

    def start(self) -> None:
        QTimer.singleShot(0, lambda: self.back_up_if_due(START_GAP))  # after the window is shown
        self.timer.start()

    def busy(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def back_up_if_due(self, every: timedelta = backups.DAILY) -> None:
        ledger = self.context.ledger_path
        if ledger is None or self.busy():
            return
        keep_days = self.context.settings.backup_days

        def work() -> None:
            try:
                self.last_made = backups.backup_if_due(ledger, keep_days, every=every) or self.last_made
                self.last_problem = ""
            except (OSError, LedgerError) as exc:
                self.last_problem = str(exc)

        self._worker = threading.Thread(target=work, name="ledger-backup", daemon=True)
        self._worker.start()
