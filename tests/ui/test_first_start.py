"""The first start through the real start-up (ui/app.run) on a new INSPECTOR_HOME and a demo ledger:
the last floor's plan opens and then the name question comes, and neither traps the other (issue 22):
no progress dialog is left over the question or the window, both the question's buttons and the
progress dialog's Cancel respond, and the progress names the plan as a person knows it."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.demo import create_demo
from inspector_app.core.settings import load_settings
from inspector_app.i18n import set_language
from inspector_app.plans import sandbox
from inspector_app.ui.canvas import loader
from inspector_app.ui.first_start import FirstStartDialog
from inspector_app.ui.main_window import MainWindow
from tests.real_start import run_real_start

READING_MS = 2 * loader.SHOW_PROGRESS_AFTER_MS  # a person reads the question before answering


@pytest.fixture
def first_start(tmp_path, catalogue):
    """A first start: no settings file (INSPECTOR_HOME is new), no --as, a demo ledger with plans."""
    set_language("en")
    context = AppContext(settings=load_settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "demo.sqlite"), database_url=None, actor=None, forms=[]))
    create_demo(context.db, catalogue)
    context.close()  # run() opens the ledger itself, as at a real start
    yield context
    context.close()
    set_language("en")


def _shown(kind: type[QWidget]) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


class User:
    """Answers what comes on screen as a person does: only the top modal window takes clicks (the
    window system ignores clicks on a window that another modal one blocks). What it meets is kept in
    ``seen``; a modal window over the one it wanted to answer is a trap: noted, then everything is
    closed so that the test ends and fails rather than hangs."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.trapped: list[str] = []
        self.errors: list[BaseException] = []

    def when_shown(self, kind: type[QWidget], answer: Callable[[QWidget], None], after_ms: int = 0) -> None:
        started = time.monotonic()

        def look() -> None:
            widgets = _shown(kind)
            if not widgets:
                if time.monotonic() - started < 60:
                    QTimer.singleShot(30, look)
                return
            QTimer.singleShot(after_ms, lambda: self._answer(widgets[0], answer))

        QTimer.singleShot(0, look)

    def _answer(self, widget: QWidget, answer: Callable[[QWidget], None]) -> None:
        self.seen.append(type(widget).__name__)
        top = QApplication.activeModalWidget()
        if top is not widget:
            self.trapped.append(f"{type(top).__name__} {top.windowTitle() if top else ''!r} over "
                                f"{type(widget).__name__}")
            for stuck in _shown(QProgressDialog) + _shown(FirstStartDialog):
                stuck.reject() if isinstance(stuck, FirstStartDialog) else stuck.hide()
            return
        try:
            answer(widget)
        except BaseException as exc:  # reported by the test, not lost in the event loop
            self.errors.append(exc)
            widget.close()


def _run_first_start(context: AppContext, monkeypatch, user: User) -> dict[str, object]:
    """ui.app.run as at a real start; what the window is like once the start-up's work is done and a
    moment later (a stale dialog would pop up in between), then the window closes."""
    after: dict[str, object] = {}

    def look_then_close(window: MainWindow) -> None:
        after["name"] = context.actor

        def look() -> None:
            after["progress"] = [d.labelText() for d in _shown(QProgressDialog)]
            after["modal"] = QApplication.activeModalWidget()
            after["document"] = window.plan_panel.document
            after["message"] = window.plan_panel.message.text()
            window.close()  # the last window: app.exec() returns

        QTimer.singleShot(READING_MS, look)

    run_real_start(context, monkeypatch, look_then_close, close=False)
    assert not user.errors, user.errors
    return after


def test_the_name_question_after_a_quick_plan_is_not_trapped_by_its_progress(qtbot, first_start, monkeypatch):
    user = User()

    def give_name(dialog: QWidget) -> None:
        assert isinstance(dialog, FirstStartDialog)
        dialog.name.insert("王建国")  # as an input method types it (QTest types ASCII only)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    user.when_shown(FirstStartDialog, give_name, after_ms=READING_MS)
    after = _run_first_start(first_start, monkeypatch, user)
    assert not user.trapped, user.trapped
    assert user.seen == ["FirstStartDialog"]
    assert after["name"] == "王建国" and load_settings().inspector_name == "王建国"
    assert after["progress"] == [] and after["modal"] is None  # nothing left over the window
    assert after["document"] is not None  # the first floor's plan is shown


def test_a_slow_plan_can_be_cancelled_and_then_the_question_answered_later(qtbot, first_start, monkeypatch):
    def slow_proof(path, cancel=None, **_kwargs):  # a plan that takes its time: only Cancel ends it
        assert cancel is not None and cancel.wait(60)
        raise sandbox.PlanCancelled(path, "cancelled")

    monkeypatch.setattr(sandbox, "ensure_safe", slow_proof)
    user = User()
    progress_text: list[str] = []

    def cancel(dialog: QWidget) -> None:
        assert isinstance(dialog, QProgressDialog)
        progress_text.append(dialog.labelText())
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)

    user.when_shown(QProgressDialog, cancel)
    user.when_shown(FirstStartDialog, lambda d: qtbot.mouseClick(d.later_button, Qt.MouseButton.LeftButton),
                    after_ms=READING_MS)
    after = _run_first_start(first_start, monkeypatch, user)
    assert not user.trapped, user.trapped
    assert user.seen == ["QProgressDialog", "FirstStartDialog"]
    # The plan as the inspector knows it: the floor and the file's own name, not the store's hash.
    assert progress_text == ["Opening the plan Teaching building › 1F · plan-0-1.png…"]
    assert after["progress"] == [] and after["modal"] is None
    assert after["document"] is None and "cancelled" in str(after["message"])
    assert load_settings().inspector_name_asked and load_settings().inspector_name == ""
