"""The program's real start-up (ui.app.run) inside a test: the frame, the ledger opened, the panels
filled, then what waits for the filled window (the last floor's plan, the first-start question), and
then the test's own look at the window."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from PySide6.QtCore import QTimer

from inspector_app.app.context import AppContext
from inspector_app.ui import app as app_module
from inspector_app.ui.main_window import MainWindow


def run_real_start(context: AppContext, monkeypatch, then: Callable[[MainWindow], None], close: bool = True) -> None:
    """Start the program on ``context`` (its ledger closed: the start opens it) and call ``then(window)``
    once the start-up's own work after the first show is done; the window closes right after unless
    ``close`` is False (then ``then`` closes it, e.g. after a timer). The program must end with 0."""
    real_after_first_show = app_module.after_first_show

    def look(window: MainWindow) -> None:
        real_after_first_show(window)
        then(window)
        if close:
            QTimer.singleShot(0, window.close)  # the last window: app.exec() returns

    monkeypatch.setattr(app_module, "after_first_show", look)
    assert start(context) == 0


def start(context: AppContext) -> int:
    """ui.app.run, and the program's exit code; the test's own error hooks are put back after."""
    hooks = sys.excepthook, threading.excepthook  # the start installs its own error reporting
    try:
        return app_module.run(context)
    finally:
        sys.excepthook, threading.excepthook = hooks
