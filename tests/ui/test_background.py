"""Long work in the background (ui/background.py) and unexpected errors (ui/error_reporting.py): the
window keeps running while work goes on, Cancel stops it, expected problems are one message, unexpected
ones a short dialog with the details in the rotating log, and the program goes on after them."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton, QWidget

from inspector_app.core.errors import InspectorError
from inspector_app.ui import error_reporting
from inspector_app.ui.background import run_with_progress


@pytest.fixture
def log_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    error_reporting.close_log()
    yield error_reporting.log_path()
    error_reporting.close_log()


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


class ModalCloser:
    """Closes each modal box that opens (the error dialog runs its own event loop), remembering its text."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.details: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox) and widget.isVisible():
            self.texts.append(widget.text())
            self.details.append(widget.detailedText())
            widget.done(0)


def test_the_window_keeps_running_while_the_work_goes_on(qtbot, parent):
    gui_ticked = threading.Event()
    results: list[str] = []
    seen_progress: list[tuple[int, int]] = []

    def work(progress):
        for done in range(5):
            progress(done, 5)
        # Finishes only once the GUI thread has run a timer: a frozen window would never let it.
        assert gui_ticked.wait(10), "the GUI thread did not run while the work waited"
        progress(5, 5)
        return "made"

    QTimer.singleShot(50, gui_ticked.set)
    task = run_with_progress(parent, "Making", work, results.append)
    task.progressed.connect(lambda done, total: seen_progress.append((done, total)))
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    assert results == ["made"] and task.result == "made"
    assert seen_progress[-1] == (5, 5)


def test_cancel_stops_the_work_and_says_nothing(qtbot, parent):
    results: list[object] = []
    failures: list[str] = []
    stopped = threading.Event()

    def work(progress):
        done = 0
        while progress(done, 1000):  # until the inspector cancels
            done = min(done + 1, 999)
            threading.Event().wait(0.005)
        stopped.set()
        raise InspectorError("Cancelled.")

    task = run_with_progress(parent, "Printing", work, results.append, failures.append)
    dialog = task.progress_dialog
    assert isinstance(dialog, QProgressDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10000)  # shown once the work takes longer than a moment
    assert "of 1000" in dialog.labelText()
    cancel = dialog.findChild(QPushButton)
    with qtbot.waitSignal(task.finished, timeout=10000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert stopped.is_set() and task.cancelled
    assert results == [] and failures == []  # cancelled: no result, and no message about it
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_an_expected_problem_is_one_message(qtbot, parent):
    failures: list[str] = []

    def work(progress):
        raise InspectorError("The folder /nowhere does not exist.")

    task = run_with_progress(parent, "Printing", work, lambda _r: None, failures.append)
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    assert failures == ["The folder /nowhere does not exist."]


def test_an_unexpected_error_in_the_work_is_logged_and_shown_briefly(qtbot, parent, log_folder):
    closer = ModalCloser()

    def work(progress):
        return {}["missing plan page"]

    task = run_with_progress(parent, "Reading the plan", work, lambda _r: None)
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    qtbot.waitUntil(lambda: bool(closer.texts), timeout=5000)
    assert "missing plan page" in closer.texts[0] and str(log_folder) in closer.texts[0]
    assert "Traceback" in closer.details[0]
    logged = log_folder.read_text(encoding="utf-8")
    assert "KeyError: 'missing plan page'" in logged and "Reading the plan" in logged


@pytest.mark.qt_no_exception_capture  # this test checks the program's own hook, not pytest-qt's
def test_an_exception_in_a_slot_shows_a_dialog_logs_and_the_program_goes_on(qtbot, parent, log_folder):
    previous, previous_thread_hook = sys.excepthook, threading.excepthook
    error_reporting.install()
    closer = ModalCloser()
    clicks: list[int] = []

    def on_click() -> None:
        clicks.append(1)
        if len(clicks) == 1:
            raise RuntimeError("the photo file vanished")

    button = QPushButton("Open photo", parent)
    button.clicked.connect(on_click)
    button.show()
    try:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(closer.texts), timeout=5000)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the program still answers
    finally:
        sys.excepthook, threading.excepthook = previous, previous_thread_hook
        closer.timer.stop()
    assert clicks == [1, 1]
    assert "the photo file vanished" in closer.texts[0] and len(closer.texts) == 1
    logged = log_folder.read_text(encoding="utf-8")
    assert "RuntimeError: the photo file vanished" in logged and "on_click" in logged
