"""Putting a plan file onto a floor from the program, off the UI thread: read the file as the canvas
will show it, copy it into the ledger's file store and record it as the floor's newest plan version,
reporting each step; then an undo step that takes the version back (the older one shows again).

This is a small stand-in for a shared background-task helper: one Python thread per import, its
results handed to the UI thread through queued Qt signals.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.plans_store import (
    PlanVersionRecord,
    add_plan_version,
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
    done = Signal(str, int)  # plan version id, version number
    failed = Signal(str)

    def __init__(self, db: Database, floor_id: uuid.UUID, path: Path, page: int = 0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.floor_id, self.path, self.page = db, floor_id, Path(path), page
        self.worker: threading.Thread | None = None

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
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a broken file must never take the program down
            self.failed.emit(_("{name}: cannot be read as a plan ({problem}).").format(
                name=self.path.name, problem=exc))
            return
        self.done.emit(plan_id, version)


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
