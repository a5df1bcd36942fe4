"""A pin's menu on the plan: a right click (or the Menu key on the selected pin) names the hazard and
offers its next states, changed as the ledger changes them (the same dialog asks what the step needs);
the pin then shows the new status. A final hazard offers none."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from inspector_app.core.hazards import find_hazard
from tests.ui.conftest import answer_dialog, click_button, type_text

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")


def lone_pin(view, status: str):
    """A pin of that status that stands alone (not in a bubble), and where it is on the viewport."""
    for pin in view.pin_layer.pinset.pins:
        spot = QPointF(pin.x * view.page_width, pin.y * view.page_height)
        if pin.status == status and view.pin_layer.cluster_at(spot, view.scale_factor()) == [pin.id]:
            return pin, view.mapFromScene(spot)
    raise AssertionError(f"no lone {status} pin on this floor")


def right_click(view, at: QPoint) -> None:
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), event)


def click_entry(menu, state: str) -> None:
    action = next(a for a in menu.actions() if a.data() == state)
    spot = menu.actionGeometry(action).center()
    QTest.mouseMove(menu, spot)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=spot)


def test_right_click_on_a_pin_offers_its_next_states(qtbot, panel):
    widget, _stack, context = panel
    widget.show()
    qtbot.waitExposed(widget)
    view = widget.view
    pin, at = lone_pin(view, "awaiting_reinspection")
    right_click(view, at)
    menu = widget.pin_menu.menu
    qtbot.waitUntil(menu.isVisible)
    with context.db.session() as session:
        number = find_hazard(session, pin.id).number
    assert menu.actions()[0].text() == f"Hazard {number} · Awaiting re-inspection"
    assert [a.data() for a in menu.actions() if a.data()] == ["closed", "in_progress", "withdrawn"]
    assert view.pin_layer.selected == {pin.id}

    def failed(dialog) -> None:
        assert dialog.windowTitle() == f"Change the status of hazard {number}"
        assert dialog.needs.text() == "Sending it back needs a note saying what is still wrong."
        assert not dialog.ok.isEnabled()
        type_text(qtbot, dialog.note, "Still blocked")
        click_button(dialog, "OK")

    state = answer_dialog(qtbot, failed)
    click_entry(menu, "in_progress")
    assert state["answered"]
    with context.db.session() as session:
        assert find_hazard(session, pin.id).status == "in_progress"
    pins = view.pin_layer.pinset
    assert pins.pins[pins.index[pin.id]].status == "in_progress"  # the pin is redrawn in its new colour


def test_the_menu_key_opens_the_selected_pins_menu_and_a_final_one_offers_nothing(qtbot, panel):
    widget, _stack, _context = panel
    widget.show()
    qtbot.waitExposed(widget)
    view = widget.view
    pin, _at = lone_pin(view, "closed")
    view.set_selection([pin.id])
    QTest.mouseMove(view.viewport(), QPoint(1, 1))  # the pointer away from every pin
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Menu)
    menu = widget.pin_menu.menu
    qtbot.waitUntil(menu.isVisible)
    assert not [a for a in menu.actions() if a.data()]
    assert "Final: its status no longer changes" in [a.text() for a in menu.actions()]
    menu.hide()
