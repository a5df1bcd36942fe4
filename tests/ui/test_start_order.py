"""The real start-up (ui/app.run) puts the main window on screen before the slow part: the window's
frame is painted before the panels are built, the last floor's plan is proved in a child process and
drawn only after the filled window's first paint, and then it is the floor the inspector left off on."""

from __future__ import annotations

import argparse
import uuid

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from inspector_app.app.context import AppContext
from inspector_app.core import structure
from inspector_app.core.plans_store import current_plan
from inspector_app.core.settings import Settings
from inspector_app.ui.main_window import MainWindow
from tests.real_start import run_real_start, start


class FirstPaint(QObject):
    """Whether the main window's first paint came before its panels, and what the plan panel held when
    the filled window (its plan tab) was painted for the first time."""

    def __init__(self) -> None:
        super().__init__()
        self.filled_at_first_paint: bool | None = None
        self.document_then: object = "not painted"
        self.floor_then: uuid.UUID | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Paint:
            return False
        if isinstance(watched, MainWindow) and self.filled_at_first_paint is None:
            self.filled_at_first_paint = watched.filled
        window = watched.window()
        if isinstance(window, MainWindow) and window.filled and watched is window.plan_panel \
                and self.document_then == "not painted":
            self.document_then = window.plan_panel.document
            self.floor_then = window.plan_panel.floor_id
        return False


def test_the_window_paints_first_then_opens_the_last_floors_plan(qtbot, demo_context, monkeypatch):
    context = demo_context
    with context.db.session() as session:
        floors = [floor.id for site in structure.site_tree(session) for building in site.buildings
                  for floor in building.floors if current_plan(session, floor.id) is not None]
    assert len(floors) >= 2
    last = floors[-1]  # not the first floor, which a start without a last place would open
    context.settings.last_floor_id = str(last)
    context.settings.inspector_name_asked = True  # no first-start question in the way
    context.close()  # run() opens the ledger itself, as at a real start

    after: dict[str, object] = {}

    def record(window: MainWindow) -> None:
        after["floor"], after["document"] = window.plan_panel.floor_id, window.plan_panel.document

    probe = FirstPaint()
    QApplication.instance().installEventFilter(probe)
    try:
        run_real_start(context, monkeypatch, record)
    finally:
        QApplication.instance().removeEventFilter(probe)
    assert probe.filled_at_first_paint is False  # the frame was on screen before the panels were built
    assert probe.document_then is None and probe.floor_then is None  # painted before any plan was opened
    assert after["floor"] == last and after["document"] is not None


def test_the_panels_fill_the_remembered_layout(qtbot, demo_context, monkeypatch):
    """The frame is laid out as it was left (where each dock is, a closed dock) before the panels move
    in, and they keep that layout: the window does not rearrange itself when it fills."""
    context = demo_context
    context.settings.inspector_name_asked = True
    window = MainWindow(context, open_last_place=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.editor_dock)  # moved under the places
    window.summary_dock.hide()
    qtbot.wait(50)
    left = {"editor": window.editor_dock.geometry(), "navigator": window.navigator.geometry()}
    window.close()  # remembers the layout in the settings
    context.close()

    seen: dict[str, object] = {}

    def measure(filled: MainWindow) -> None:
        seen.update(area=filled.dockWidgetArea(filled.editor_dock), summary=filled.summary_dock.isVisible(),
                    editor=filled.editor_dock.geometry(), navigator=filled.navigator.geometry(),
                    editor_widget=filled.editor_dock.widget())

    run_real_start(context, monkeypatch, measure)
    assert seen["area"] == Qt.DockWidgetArea.LeftDockWidgetArea and seen["summary"] is False
    assert seen["editor_widget"] is not None
    assert (seen["editor"], seen["navigator"]) == (left["editor"], left["navigator"])


class FramePainted(QObject):
    """Whether a main window was painted, and whether it was ever filled."""

    def __init__(self) -> None:
        super().__init__()
        self.painted = self.filled = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow):
            self.painted = True
            self.filled = self.filled or watched.filled
        return False


def _start_answering(qtbot, context, button: str) -> tuple[int, list[str], FramePainted]:
    """A real start whose first message box is answered with ``button`` (object name, or "ok")."""
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        found = box.button(QMessageBox.StandardButton.Ok) if button == "ok" else box.findChild(QPushButton, button)
        assert found is not None, box.text()
        qtbot.mouseClick(found, Qt.MouseButton.LeftButton)

    probe = FramePainted()
    QApplication.instance().installEventFilter(probe)
    QTimer.singleShot(0, answer)
    try:
        code = start(context)
    finally:
        QApplication.instance().removeEventFilter(probe)
    return code, seen, probe


def test_quit_at_the_new_ledger_question_ends_the_start_and_makes_nothing(qtbot, tmp_path):
    """The question sits on the window's frame; Quit there ends the program (0) with no ledger made."""
    path = tmp_path / "typo" / "ledger.sqlite"
    context = AppContext(settings=Settings(inspector_name_asked=True))
    context.configure(argparse.Namespace(db=str(path), database_url=None, actor="li", forms=[],
                                         creates_ledger=False))
    code, seen, probe = _start_answering(qtbot, context, "quit")
    assert code == 0 and str(path) in seen[0]
    assert probe.painted and not probe.filled and not (tmp_path / "typo").exists()


def test_malformed_forms_end_the_start_with_a_message_naming_the_file(qtbot, demo_context, tmp_path):
    forms = tmp_path / "our-forms"
    forms.mkdir()
    (forms / "taxonomy.yaml").write_text("categories: [never closed", encoding="utf-8")
    demo_context.close()
    context = AppContext(settings=Settings(inspector_name_asked=True))
    context.configure(argparse.Namespace(db=str(demo_context.ledger_path), database_url=None, actor="li",
                                         forms=[str(forms)], creates_ledger=False))
    code, seen, probe = _start_answering(qtbot, context, "ok")
    assert code == 1 and "taxonomy.yaml" in seen[0]
    assert probe.painted and not probe.filled


def test_a_fault_while_filling_is_reported_and_ends_the_start(qtbot, demo_context, monkeypatch):
    """Not a frame left saying "Opening the ledger…" for ever: the error dialog, then the end (1)."""
    demo_context.close()
    demo_context.settings.inspector_name_asked = True

    def broken_fill(_window: MainWindow) -> None:
        raise RuntimeError("the ledger's pages are damaged")

    monkeypatch.setattr(MainWindow, "fill", broken_fill)
    code, seen, probe = _start_answering(qtbot, demo_context, "ok")
    assert code == 1 and "the ledger's pages are damaged" in seen[0]
    assert probe.painted and not probe.filled
