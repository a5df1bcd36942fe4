"""Fixtures of the UI tests: the program's context on a fresh demo ledger, in English."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from inspector_app.app.context import AppContext
from inspector_app.core.demo import create_demo
from inspector_app.core.settings import Settings
from inspector_app.i18n import set_language


@pytest.fixture
def demo_context(tmp_path, catalogue):
    set_language("en")
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "demo.sqlite"), database_url=None, actor="li", forms=[]))
    create_demo(context.db, catalogue)
    yield context
    context.close()
    set_language("en")


@pytest.fixture
def empty_context(tmp_path):
    """The program's context on a new, empty ledger file (no organisation, no site)."""
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "new-ledger.sqlite"), database_url=None, actor="li",
                                         forms=[]))
    yield context
    context.close()
    set_language("en")


@contextlib.contextmanager
def shown_window(qtbot, context: AppContext, width: int = 1366, height: int = 768) -> Iterator[Any]:
    """The main window on ``context`` as an inspector sees it: shown and exposed at a laptop's size,
    closed afterwards."""
    from inspector_app.ui.main_window import MainWindow

    main = MainWindow(context)
    qtbot.addWidget(main)
    main.resize(width, height)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


@pytest.fixture
def panel(qtbot, demo_context):
    """A plan panel on the floor of the demo's first hazard, with its own undo stack."""
    from PySide6.QtGui import QUndoStack

    from inspector_app.core.queries import list_hazards
    from inspector_app.ui.plan_panel import PlanPanel

    context = demo_context
    with context.db.session() as session:
        floor_id = list_hazards(session)[0].floor_id
    stack = QUndoStack()
    widget = PlanPanel(context, stack)
    widget.resize(1000, 700)
    qtbot.addWidget(widget)
    widget.set_floor(floor_id)
    yield widget, stack, context
    widget.shutdown()


def answer_dialog(qtbot, answer, timeout_ms: int = 10000):
    """Answer the next modal dialog as a user would: ``answer(dialog)`` runs once it is on screen (it
    clicks a button, types, presses a key). Call before the action that opens the dialog."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    state = {"waited": 0, "answered": False}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            state["answered"] = True
            try:
                answer(dialog)
            except BaseException:
                dialog.close()  # a failed answer fails the test (pytest-qt reports it), never hangs it
                raise
            return
        state["waited"] += 20
        if state["waited"] < timeout_ms:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return state


def click_button(dialog, text: str) -> None:
    """Click the dialog's button whose text (without the & mnemonic) is ``text``."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractButton

    for button in dialog.findChildren(QAbstractButton):
        if button.text().replace("&", "") == text and button.isVisible():
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            return
    names = [b.text() for b in dialog.findChildren(QAbstractButton)]
    raise AssertionError(f"no button {text!r} in {dialog.windowTitle()!r}: {names}")


def answer_dialogs(qtbot, *answers, timeout_ms: int = 30000):
    """Answer the next modal dialogs in turn, each by its own function (see ``answer_dialog``);
    returns the list of dialog titles answered, for the test to check."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    pending = list(answers)
    answered: list[str] = []
    seen: set[int] = set()
    state = {"waited": 0}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible() and id(dialog) not in seen:
            seen.add(id(dialog))
            answered.append(dialog.windowTitle())
            answer = pending.pop(0)
            if pending:
                QTimer.singleShot(20, look)
            try:
                answer(dialog)
            except BaseException:
                dialog.close()  # a failed answer fails the test (pytest-qt reports it), never hangs it
                raise
            return
        state["waited"] += 20
        if state["waited"] < timeout_ms:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return answered


def type_text(qtbot, widget, text: str) -> None:
    """Type as a user does: key presses for plain ASCII, and for Chinese what an input method sends
    (QTest cannot press keys for characters that are not on the keyboard)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
