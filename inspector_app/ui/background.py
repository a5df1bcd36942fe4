"""Long work off the GUI thread, behind a progress dialog that can cancel: the window never freezes.

    task = run_with_progress(parent, _("Making the PDF…"), work, on_done)

`work(progress)` runs on a QThreadPool thread. It calls `progress(done, total)` as it goes (total 0:
"busy, no count yet") and stops when that returns False (the inspector pressed Cancel); the
notices.printing functions take exactly this callback. When it returns, `on_done(result)` runs on the
GUI thread. An InspectorError (an expected problem, or "Cancelled.") goes to `on_failed(message)` on
the GUI thread (default: a warning box, nothing when the inspector cancelled); any other exception is
reported by ui/error_reporting.py (a short dialog, the details in the log) and the program goes on.

The work must not touch widgets: it gets plain values (paths, ids, the Database) and returns one.
The dialog appears only if the work takes longer than MIN_DURATION_MS, so quick jobs do not flash.

For a plan import: `run_with_progress(self, _("Reading the plan…"), lambda progress: read(path), show)`;
a reader without progress reports still gets a busy dialog with a working Cancel (the result of a
cancelled task is dropped: on_done is not called).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _
from inspector_app.ui import error_reporting

Progress = Callable[[int, int], bool]
MIN_DURATION_MS = 300

_running: set[BackgroundTask] = set()  # a task lives until its result is back on the GUI thread


class BackgroundTask(QObject):
    """One piece of work in the thread pool. Its public signals are emitted on the GUI thread: the worker
    emits only the private _worker_* signals, queued to this object's slots (it lives on the GUI thread)."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    crashed = Signal(object)
    finished = Signal()  # last of all, whatever the outcome (also after a cancel)
    _worker_progress = Signal(int, int)
    _worker_done = Signal(object, object)  # (result, exception)

    def __init__(self, work: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.cancelled = False
        self.abandoned = False  # the program is closing: the worker tells nobody when it ends
        self.worker_done = threading.Event()
        self.result: Any = None
        self.error = ""
        self.progress_dialog: QProgressDialog | None = None
        self._worker_progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._worker_done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        self.cancelled = True

    def start(self) -> BackgroundTask:
        _running.add(self)
        QThreadPool.globalInstance().start(_Runner(self))
        return self

    def report_progress(self, done: int, total: int) -> bool:
        """The `progress` callback handed to the work (called on the worker thread)."""
        if not self.abandoned:
            try:
                self._worker_progress.emit(done, total)
            except RuntimeError:  # the program ended under us: stop
                return False
        return not self.cancelled

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    @Slot(object, object)
    def _on_done(self, result: object, exc: object) -> None:
        _running.discard(self)
        try:
            if isinstance(exc, InspectorError):
                self.error = str(exc)
                self.failed.emit(self.error)
            elif isinstance(exc, BaseException):
                self.crashed.emit(exc)
            elif not self.cancelled:
                self.result = result
                self.succeeded.emit(result)
        finally:
            self.finished.emit()


class _Runner(QRunnable):
    def __init__(self, task: BackgroundTask) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        try:
            result = self.task.work(self.task.report_progress)
        except BaseException as exc:  # every outcome goes back to the GUI thread
            self._send(None, exc)
        else:
            self._send(result, None)
        finally:
            self.task.worker_done.set()

    def _send(self, result: object, exc: object) -> None:
        if self.task.abandoned:
            return  # the window has closed (stop_all): nobody to tell, and the task's object may be gone
        with contextlib.suppress(RuntimeError):  # "Signal source has been deleted": the program ended under us
            self.task._worker_done.emit(result, exc)


def stop_all(wait_seconds: float = 2.0) -> None:
    """The program is closing: cancel every task still running, give them a moment to stop, and cut
    them off from the GUI, so none reports into objects that are going away."""
    tasks = list(_running)
    for task in tasks:
        task.cancel()
        task.abandoned = True
    deadline = time.monotonic() + wait_seconds
    for task in tasks:
        task.worker_done.wait(max(0.0, deadline - time.monotonic()))
    _running.clear()


def run_with_progress(parent: QWidget, label: str, work: Callable[[Progress], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None] | None = None) -> BackgroundTask:
    """Run `work` in the background behind a cancellable progress dialog (see the module's text)."""
    task = BackgroundTask(work)
    dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
    dialog.setObjectName("progress_dialog")
    dialog.setWindowTitle(label)
    # Not modal: the window stays usable while the work runs (it is only a view of its progress).
    dialog.setMinimumDuration(MIN_DURATION_MS)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    dialog.canceled.connect(task.cancel)

    def progressed(done: int, total: int) -> None:
        if dialog.maximum() != total:
            dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if total:
            dialog.setLabelText(_("{label} {done} of {total}").format(label=label, done=done, total=total))

    def failed(message: str) -> None:
        if task.cancelled:
            return
        if on_failed is not None:
            on_failed(message)
        else:
            QMessageBox.warning(parent, label, message)

    def finished() -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    task.progressed.connect(progressed)
    task.succeeded.connect(on_done)
    task.failed.connect(failed)
    task.crashed.connect(lambda exc: error_reporting.report(exc, parent, where=label))
    task.finished.connect(finished)
    task.progress_dialog = dialog
    return task.start()
