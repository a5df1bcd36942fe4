"""Putting a plan file onto a floor from the program, off the UI thread: read the file as the canvas
will show it, copy it into the ledger's file store and record it as the floor's newest plan version,
reporting each step; then an undo step that takes the version back (the older one shows again).
``PlanImports`` is the plan panel's side of it: drops, the replace question, the progress shown.

One Python thread per import (not ui/background.py's pool: an import reports steps of its own and
its result is an undo step), its results handed to the UI thread through queued Qt signals.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.plans_store import (
    PlanVersionRecord,
    add_plan_version,
    current_plan,
    read_plan_facts,
    restore_plan_version,
    withdraw_plan_version,
)
from inspector_app.core.structure import get_floor
from inspector_app.i18n import _
from inspector_app.plans import sandbox
from inspector_app.plans.errors import PlanError
from inspector_app.ui.refusable_command import Notify, RefusableCommand

IMPORT_STEPS = 3


class PlanImport(QObject):
    """One import running in a worker thread; ``progress(step, of, what)`` then ``done`` or ``failed``."""

    progress = Signal(int, int, str)
    done = Signal(object, str, int)  # this import, plan version id, version number
    failed = Signal(object, str)  # this import, the message

    def __init__(self, db: Database, floor_id: uuid.UUID, path: Path, page: int = 0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.floor_id, self.path, self.page = db, floor_id, Path(path), page
        self.worker: threading.Thread | None = None
        self.replacing = False  # a new version of a floor that had a plan (the undo text says so)

    def start(self) -> None:
        self.worker = threading.Thread(target=self._run, name="plan-import", daemon=True)
        self.worker.start()

    def wait(self, timeout: float | None = None) -> None:
        if self.worker is not None:
            self.worker.join(timeout)

    def running(self) -> bool:
        return self.worker is not None and self.worker.is_alive()

    def _run(self) -> None:
        # Step texts are translated here, in the language of the moment the import runs.
        try:
            self.progress.emit(1, IMPORT_STEPS, _("Reading {name}…").format(name=self.path.name))
            sandbox.ensure_safe(self.path)  # a stranger's file: proved within its time and memory budget first
            facts = read_plan_facts(self.path, self.page)
            self.progress.emit(2, IMPORT_STEPS, _("Storing the plan in the ledger…"))
            with self.db.session() as session:
                plan = add_plan_version(session, self.db.store, get_floor(session, self.floor_id), self.path,
                                        facts, page=self.page)
                plan_id, version = str(plan.id), plan.version
            self.progress.emit(3, IMPORT_STEPS, _("Done."))
        except (InspectorError, PlanError) as exc:
            self.failed.emit(self, str(exc))
            return
        except Exception as exc:  # a broken file must never take the program down
            self.failed.emit(self, _("{name}: cannot be read as a plan ({problem}).").format(
                name=self.path.name, problem=exc))
            return
        self.done.emit(self, plan_id, version)


class PlanVersionCommand(RefusableCommand):
    """The undo step of an import that already ran: undo takes the new version back, redo restores it."""

    def __init__(self, db: Database, plan_id: uuid.UUID, filename: str, replaced: bool,
                 on_change: Callable[[uuid.UUID], None], on_error: Notify | None = None) -> None:
        super().__init__(lambda: (_("Replace plan with {name}") if replaced else _("Import plan {name}")).format(
            name=filename), on_error)
        self.db, self.plan_id, self.on_change = db, plan_id, on_change
        self.record: PlanVersionRecord | None = None
        self.first = True

    def _withdraw(self) -> None:
        with self.db.session() as session:
            self.record = withdraw_plan_version(session, self.plan_id)

    def _restore(self) -> None:
        assert self.record is not None
        with self.db.session() as session:
            restore_plan_version(session, self.record)

    def redo(self) -> None:
        if self.first:  # the import itself did it
            self.first = False
            return
        if self.attempt(self._restore) and self.record is not None:
            self.on_change(self.record.floor_id)

    def undo(self) -> None:
        if self.attempt(self._withdraw) and self.record is not None:
            self.on_change(self.record.floor_id)


class PlanImports(QWidget):
    """The plan panel's part that takes plan files in: dropped on the panel or chosen, replacing
    asks first, the import runs in the background with its progress shown, then an undo step. A
    base of ``PlanPanel`` (ui/plan_panel.py), which provides what is declared here."""

    planFileChosen = Signal(object, Path)  # floor id, file: from the empty plan's button or a drop
    context: AppContext
    undo_stack: QUndoStack
    floor_id: uuid.UUID | None
    imports: list[PlanImport]
    import_progress: QProgressBar
    import_status: QLabel

    def _say(self, text: str, error: bool = True) -> None:
        raise NotImplementedError

    def _open_plan(self, page: int | None = None) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.floor_id is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if files and self.floor_id is not None:
            event.acceptProposedAction()
            self.planFileChosen.emit(self.floor_id, files[0])

    def import_plan(self, floor_id: uuid.UUID, path: Path, page: int = 0) -> PlanImport | None:
        """Make a file the floor's newest plan version, in the background; replacing asks first. The
        older versions are kept and the step is undoable (the older plan shows again)."""
        with self.context.db.session() as session:
            existing = current_plan(session, floor_id)
            old_name = existing.filename if existing else ""
            floor_name = get_floor(session, floor_id).name
        if existing is not None:
            box = QMessageBox(QMessageBox.Icon.Question, _("Replace the plan"), _(
                "Replace the plan of {floor} ({old}) with {new}?\nThe old version is kept and Undo brings it back. "
                "Pins stay where they are on the page: check them on the new plan, and move the ones that are off."
            ).format(floor=floor_name, old=old_name, new=path.name), parent=self)
            replace = box.addButton(_("Replace"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(_("Keep the old plan"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not replace:
                return None
        job = PlanImport(self.context.db, floor_id, path, page, self)
        self.imports.append(job)
        job.progress.connect(self._import_progressed, Qt.ConnectionType.QueuedConnection)
        job.replacing = existing is not None
        # Bound methods of this widget, not lambdas: a lambda would run in the import's own thread
        # (a functor without a receiver is called where the signal is emitted) and touch widgets there.
        job.done.connect(self._import_done, Qt.ConnectionType.QueuedConnection)
        job.failed.connect(self._import_failed, Qt.ConnectionType.QueuedConnection)
        self.import_progress.setRange(0, 0)
        for widget in (self.import_progress, self.import_status):
            widget.setVisible(True)
        self.import_status.setText(_("Importing {name}…").format(name=path.name))
        job.start()
        return job

    @Slot(int, int, str)
    def _import_progressed(self, step: int, steps: int, what: str) -> None:
        self.import_progress.setRange(0, steps)
        self.import_progress.setValue(step)
        self.import_status.setText(what)

    def _import_finished(self, job: PlanImport) -> None:
        if job in self.imports:
            self.imports.remove(job)
        if not self.imports:
            for widget in (self.import_progress, self.import_status):
                widget.setVisible(False)

    @Slot(object, str)
    def _import_failed(self, job: PlanImport, message: str) -> None:
        self._import_finished(job)
        self._say(message)

    @Slot(object, str, int)
    def _import_done(self, job: PlanImport, plan_id: str, version: int) -> None:
        self._imported(job, job.floor_id, uuid.UUID(plan_id), version, job.replacing)

    def _imported(self, job: PlanImport, floor_id: uuid.UUID, plan_id: uuid.UUID, version: int,
                  replaced: bool) -> None:
        self._import_finished(job)
        self.undo_stack.push(PlanVersionCommand(self.context.db, plan_id, job.path.name, replaced,
                                                self._plan_version_changed, self._say))
        if floor_id == self.floor_id:
            self._open_plan()
        self._say(_("{name} is now version {version} of this floor's plan.").format(
            name=job.path.name, version=version) if replaced else
            _("Plan imported: tap “Add hazard (A)”, then the spot on the plan."), error=False)

    def _plan_version_changed(self, floor_id: uuid.UUID) -> None:
        if floor_id == self.floor_id:
            self._open_plan()
