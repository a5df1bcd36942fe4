"""The canvas loader over the hostile corpus: every file opens and draws, or is refused in one line;
a slow file can be cancelled from the progress dialog, which stops its child process."""

from __future__ import annotations

import psutil
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from inspector_app.i18n import use_language
from inspector_app.plans import PlanError, sandbox
from inspector_app.ui.canvas.loader import load_plan
from inspector_app.ui.canvas.plan_view import PlanView
from tests.hostile.conftest import corpus_cases


def _slow_svg(path):
    """Passes the safety screen (1.9 million elements drawn, under the limit) but takes far longer to
    draw than any budget a test gives it, however quiet the machine: each element is a stroked
    zigzag of 60 segments."""
    zigzag = " ".join(f"L{k * 0.01:.2f} {(k % 2) * 0.5}" for k in range(60))
    rects = "".join(f'<path d="M{i % 40} {i // 40} {zigzag}" fill="none" stroke="#000" stroke-width="0.05"/>'
                    for i in range(1000))
    uses = "".join(f'<use xlink:href="#r" x="{i % 40}" y="{i // 40}"/>' for i in range(1900))
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                    f'width="400" height="400"><defs><g id="r">{rects}</g></defs>{uses}</svg>')
    return path


def _sandbox_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "inspector_app.plans.sandbox" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # gone, or a zombie waiting to be reaped: not a running child
            continue
    return found


# resvg's filter/huge-region.svg asks QtSvg for a filter buffer past Qt's 256 MB image limit: Qt warns,
# skips the filter and draws the rest, which is what the plan needs (the filter is decoration).
@pytest.mark.qt_log_ignore("exceeds the current allocation limit", "The requested buffer size is too big",
                           "The requested filter is too big")
def test_every_corpus_file_loads_and_draws_or_is_refused(qtbot):
    view = PlanView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    problems = []
    with use_language("en"):
        for case in corpus_cases():
            try:
                document = load_plan(case.path, view)
            except PlanError as exc:
                message = str(exc)
                if case.plan == "ok" or case.name not in message or "\n" in message:
                    problems.append(f"{case.name}: {message}")
                continue
            if case.plan == "refuse":
                problems.append(f"{case.name}: opened, but the manifest says it must be refused")
            view.set_document(document)
            qtbot.waitUntil(lambda: view.base_image is not None, timeout=30_000)
            view.set_document(None)
            document.close()
    view.close_document()
    assert not problems, "\n".join(problems)


def test_cancel_in_the_progress_dialog_stops_the_child(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_PLAN_SECONDS", "120")  # only Cancel may end it
    sandbox.stop_children()  # no warm child left by earlier tests: the one seen is this file's
    slow = _slow_svg(tmp_path / "slow.svg")
    clicked = []

    def click_cancel_once_shown():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible() and _sandbox_children():
                qtbot.mouseClick(widget.findChild(QPushButton), Qt.MouseButton.LeftButton)
                clicked.append(True)
                return
        QTimer.singleShot(50, click_cancel_once_shown)

    QTimer.singleShot(50, click_cancel_once_shown)
    with use_language("en"), pytest.raises(sandbox.PlanCancelled) as refused:
        load_plan(slow, None)
    assert clicked and "slow.svg" in str(refused.value)
    qtbot.waitUntil(lambda: not _sandbox_children(), timeout=5000)
