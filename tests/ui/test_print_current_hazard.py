"""Print → Notice for the hazard the inspector has in front of them (issue 22, item 11): the hazard
just pinned on the plan and open in the editor is printed without first finding it in the ledger, and
an old selection in the ledger, out of sight, does not win over the pin selected on the plan."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from inspector_app.core.models import HazardEvent, Organisation
from inspector_app.core.organisation import choose_organisation
from inspector_app.core.queries import list_hazards
from inspector_app.ui import plan_panel as plan_panel_module
from inspector_app.ui.main_window import MainWindow
from tests.ui.conftest import answer_dialogs, shown_window


@pytest.fixture
def window(qtbot, demo_context):
    with demo_context.db.session() as session:  # a QR address phones reach: no question before printing
        session.get(Organisation, choose_organisation(session).id).public_base_url = "http://10.0.0.8:8470"
    with shown_window(qtbot, demo_context, 1280, 720) as main:
        yield main


def _pin_a_new_hazard(window: MainWindow, qtbot, monkeypatch) -> str:
    """Add hazard (A), a click on a free spot of the plan, the new-hazard dialog accepted."""
    def fill(dialog):
        dialog.category.setCurrentIndex(dialog.category.findData("electrical.aging_wiring"))
        return True

    monkeypatch.setattr(plan_panel_module.NewHazardDialog, "exec", fill)
    view = window.plan_panel.view
    spot = next(view.mapFromScene(point) for fraction in (0.07, 0.93, 0.5, 0.2)
                if not view.pin_layer.pins_near(point := QPointF(fraction * view.page_width,
                                                                 fraction * view.page_height), view.scale_factor()))
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert window.editor.hazard_id is not None
    return window.editor.hazard_id


def _print_notice(window: MainWindow, qtbot, monkeypatch, tmp_path) -> list[str]:
    """Print → Notice for selected hazards…, saved to a file; the titles of the boxes that came."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / "notice.pdf"), ""))
    said: list[str] = []

    def read_and_close(box):
        said.append(box.text())
        box.done(0)

    titles = answer_dialogs(qtbot, read_and_close)
    next(action for action, kind in window.print_actions if kind == "notice").trigger()
    qtbot.waitUntil(lambda: bool(titles), timeout=30000)
    return [f"{title}: {text}" for title, text in zip(titles, said, strict=True)]


def _noticed(window: MainWindow) -> set[str]:
    with window.context.db.session() as session:
        return {str(i) for i in session.scalars(select(HazardEvent.hazard_id)
                                                .where(HazardEvent.kind == "notice_issued"))}


def test_the_hazard_just_pinned_is_the_one_printed(window, qtbot, monkeypatch, tmp_path):
    window.select_floor(next(r.floor_id for r in _rows(window)))
    before = _noticed(window)
    pinned = _pin_a_new_hazard(window, qtbot, monkeypatch)
    assert window.ledger_view.selected_ids() == []  # nothing chosen in the ledger
    boxes = _print_notice(window, qtbot, monkeypatch, tmp_path)
    # One notice: its page and the responsible unit's report slip.
    assert len(boxes) == 1 and boxes[0].startswith("Saved: 2 pages saved to"), boxes
    assert _noticed(window) - before == {pinned}


def test_a_ledger_selection_out_of_sight_does_not_win_over_the_plans(window, qtbot, monkeypatch, tmp_path):
    rows = _rows(window)
    floor = rows[0].floor_id
    window.select_floor(floor)
    window.ledger_tab_action.trigger()
    ledger = window.ledger_view
    spot = ledger.table.visualRect(ledger.model.index(0, 1)).center()
    qtbot.mouseClick(ledger.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    in_ledger = [str(i) for i in ledger.selected_ids()]
    assert len(in_ledger) == 1
    window.plan_tab_action.trigger()
    other = next(str(r.id) for r in rows if r.floor_id == floor and str(r.id) not in in_ledger
                 and str(r.id) in window.plan_panel.view.pin_layer.pinset.index)
    window.plan_panel.select_hazard(other)  # as a click on its pin
    assert window.selected_hazard_ids() == [other]
    window.ledger_tab_action.trigger()  # back in the ledger, its rows are what is meant
    assert window.selected_hazard_ids() == in_ledger


def _rows(window: MainWindow):
    with window.context.db.session() as session:
        return [r for r in list_hazards(session, status="open") if r.floor_id is not None and r.x is not None]
