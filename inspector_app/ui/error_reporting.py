"""Unexpected errors in the desktop program: a short translated dialog for the inspector, the full
details in a rotating log file in the user's log folder (paths.user_log_dir), and the program goes on.

`install()` replaces sys.excepthook, which PySide6 calls for an exception escaping a slot or an event
handler, and threading.excepthook for plain Python threads; ui/background.py hands the exceptions of
its worker threads to `report()` on the GUI thread. Expected problems (InspectorError: a bad file, a
refused change) are not reported here: the code that raised them shows their one-line message itself.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from inspector_app import __version__
from inspector_app.i18n import _
from inspector_app.paths import user_log_dir

LOG_NAME = "inspector.log"
LOG_BYTES = 1_000_000  # per file; with LOG_BACKUPS older files, the log never grows past ~5 MB
LOG_BACKUPS = 4

log = logging.getLogger("inspector_app.errors")
_handler: RotatingFileHandler | None = None
_showing = False  # one dialog at a time: an error that repeats on every repaint must not stack dialogs


def log_path() -> Path:
    return user_log_dir() / LOG_NAME


def _file_handler() -> RotatingFileHandler | None:
    """The rotating log, opened at the first error (a start without errors writes nothing)."""
    global _handler
    if _handler is None:
        try:
            log_path().parent.mkdir(parents=True, exist_ok=True)
            _handler = RotatingFileHandler(log_path(), maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        except OSError:
            return None  # a read-only profile: the dialog still tells the inspector what happened
        _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(_handler)
        log.setLevel(logging.INFO)
    return _handler


def close_log() -> None:
    """Close the log file (at exit; a test that points the log folder elsewhere starts afresh)."""
    global _handler
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
        _handler = None


def report(exc: BaseException, parent: QWidget | None = None, where: str = "") -> None:
    """Write the details of an unexpected exception to the log and tell the inspector in a few words."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    written = _file_handler() is not None
    log.error("unexpected error%s (version %s)\n%s", f" in {where}" if where else "", __version__, details.rstrip())
    print(details, file=sys.stderr, end="")
    _show(exc, details, written, parent)


def _show(exc: BaseException, details: str, written: bool, parent: QWidget | None) -> None:
    global _showing
    app = QApplication.instance()
    if _showing or app is None or QThread.currentThread() is not app.thread():
        return
    _showing = True
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, _("Something went wrong"), "", parent=parent or _active_window())
        box.setObjectName("error_dialog")
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if written:
            text = _("The program ran into an unexpected problem: {problem}\n\nYour work so far is saved and you can "
                     "go on. The details are in {path}; send that file to whoever supports the program.").format(
                problem=problem, path=log_path())
        else:
            text = _("The program ran into an unexpected problem: {problem}\n\nYour work so far is saved and you can "
                     "go on.").format(problem=problem)
        box.setText(text)
        box.setDetailedText(details)
        box.exec()
    finally:
        _showing = False


def _active_window() -> QWidget | None:
    return QApplication.activeWindow()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    try:
        report(exc.with_traceback(tb))
    except Exception:  # reporting must never raise into Qt's event loop
        sys.__excepthook__(kind, exc, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _file_handler()
        details = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        log.error("unexpected error in thread %s\n%s", getattr(args.thread, "name", "?"), details.rstrip())


def install() -> None:
    """Route every unexpected exception of the GUI to `report` (call once, after the QApplication)."""
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
