"""Opening a plan for the canvas without letting the file hang or crash the program.

The file is first proved in a child process within a time and memory budget (``plans.sandbox``:
open it and draw its first page small); only then is it opened in-process for the canvas, whose
later renders are of a file known to open and draw within budget. Both steps run in a worker
thread while the event loop keeps turning: a progress dialog with a Cancel button appears if it
takes longer than a moment, and Cancel stops the child at once. Each file is proved once per run.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from inspector_app import plans
from inspector_app.i18n import _
from inspector_app.plans import sandbox

SHOW_PROGRESS_AFTER_MS = 400
_POLL_MS = 25


class _Job:
    """One open in a worker thread; the GUI thread only reads ``document``/``error`` once it is done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cancel = threading.Event()
        self.document: plans.PlanDocument | None = None
        self.error: plans.PlanError | None = None
        self.thread = threading.Thread(target=self._run, name="plan-loader", daemon=True)

    def _run(self) -> None:
        try:
            sandbox.ensure_safe(self.path, cancel=self.cancel)
            document = plans.open(self.path)
        except plans.PlanError as exc:
            self.error = exc
            return
        except Exception as exc:  # never let a reader's surprise escape into the GUI
            self.error = plans.PlanError(self.path, _("cannot open: {error}").format(error=exc))
            return
        if self.cancel.is_set():  # the user gave up while the in-process open was running
            document.close()
            return
        self.document = document


def load_plan(path: Path, parent: QWidget | None = None, name: str = "") -> plans.PlanDocument:
    """Prove and open ``path``, keeping the GUI responsive; PlanError (PlanCancelled on Cancel).

    ``name``: what the progress dialog calls the plan (a floor and the file's original name): a file
    of the store is named by its content hash, which tells the inspector nothing."""
    job = _Job(Path(path))
    job.thread.start()
    dialog = QProgressDialog(_("Opening the plan {name}…").format(name=name or job.path.name), _("Cancel"), 0, 0,
                             parent)
    dialog.setWindowTitle(_("Opening plan"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    loop = QEventLoop()

    def check() -> None:
        if dialog.wasCanceled():  # also when cancelled by a shortcut rather than the button
            job.cancel.set()
        if not job.thread.is_alive() or job.cancel.is_set():
            loop.quit()

    def cancelled() -> None:
        job.cancel.set()
        loop.quit()

    dialog.canceled.connect(cancelled)
    timer = QTimer(interval=_POLL_MS)
    timer.timeout.connect(check)
    timer.start()
    dialog.setValue(0)
    if job.thread.is_alive():
        loop.exec()
    timer.stop()
    if job.thread.is_alive():  # the loop was ended from outside (the program quits): give up the open
        job.cancel.set()
    # Only our own slot goes: canceled() is also wired inside Qt to the dialog's cancel(), which a
    # blanket disconnect() would cut, leaving a Cancel button that does nothing.
    dialog.canceled.disconnect(cancelled)
    # reset() stops the timer that shows the dialog after SHOW_PROGRESS_AFTER_MS; hide(), not close()
    # (which emits canceled()). A plan opened sooner than that left the timer running: the dialog then
    # popped up later, modal and stale, over the first-start question (issue 22), and deleteLater()
    # does not run while that question's own event loop turns.
    dialog.reset()
    dialog.hide()
    dialog.deleteLater()
    if job.cancel.is_set():
        if job.document is not None:
            job.document.close()
        raise sandbox.PlanCancelled(job.path, _("opening was cancelled"))
    if job.error is not None:
        raise job.error
    assert job.document is not None
    return job.document
