"""The real start-up (ui/app.run) puts the main window on screen before the slow part: the last
floor's plan is proved in a child process and drawn only after the window's first paint, and then it
is the floor the inspector left off on."""

from __future__ import annotations

import sys
import threading
import uuid

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from inspector_app.core import structure
from inspector_app.core.plans_store import current_plan
from inspector_app.ui import app as app_module
from inspector_app.ui.main_window import MainWindow


class FirstPaint(QObject):
    """What the plan panel held when the main window was painted for the first time."""

    def __init__(self) -> None:
        super().__init__()
        self.document_then: object = "not painted"
        self.floor_then: uuid.UUID | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow) \
                and self.document_then == "not painted":
            self.document_then = watched.plan_panel.document
            self.floor_then = watched.plan_panel.floor_id
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
    real_after_first_show = app_module.after_first_show

    def record_then_close(window: MainWindow) -> None:
        real_after_first_show(window)
        after["floor"], after["document"] = window.plan_panel.floor_id, window.plan_panel.document
        QTimer.singleShot(0, window.close)

    monkeypatch.setattr(app_module, "after_first_show", record_then_close)
    probe = FirstPaint()
    QApplication.instance().installEventFilter(probe)
    hooks = sys.excepthook, threading.excepthook
    try:
        assert app_module.run(context) == 0
    finally:
        sys.excepthook, threading.excepthook = hooks
        QApplication.instance().removeEventFilter(probe)
    assert probe.document_then is None and probe.floor_then is None  # painted before any plan was opened
    assert after["floor"] == last and after["document"] is not None
