"""Overlapping pins: one count bubble at any zoom, a click on it lists its hazards to pick one (the
editor then shows it, as after clicking its pin) or to zoom in until they stand apart."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from inspector_app import plans
from inspector_app.ui.canvas.pins import OVERLAP_X, OVERLAP_Y, Pin, PinSet, cluster_labels
from inspector_app.ui.canvas.plan_view import PlanView

# A popup menu asks the platform to raise it and grab the keyboard; the offscreen one cannot.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")


@pytest.fixture
def view(qtbot, tmp_path):
    widget = PlanView()
    widget.resize(800, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    plan = tmp_path / "plan.png"
    Image.new("RGB", (2000, 2000), "white").save(plan)
    widget.set_document(plans.open(plan))
    yield widget
    widget.close_document()


def _pin(pin_id, x, y, status="open", label=None):
    return Pin(pin_id, x, y, status, "electrical.aging_wiring", "general", "bolt", label or pin_id, "Aging wiring")


def _three_on_one_spot_and_one_apart():
    return PinSet([_pin("a", 0.5, 0.5, label="S-0001"), _pin("b", 0.505, 0.5, "in_progress", "S-0002"),
                   _pin("c", 0.5, 0.505, label="S-0003"), _pin("far", 0.1, 0.1, label="S-0009")])


def _choose_from_menu(qtbot, pick):
    """Answer the cluster menu when it opens (exec() blocks the click until then)."""
    seen = []

    def poll():
        menu = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()), None)
        if menu is None:
            QTimer.singleShot(20, poll)
            return
        seen.append([a.text() for a in menu.actions()])
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(pick(menu)).center())

    QTimer.singleShot(0, poll)
    return seen


def _screen(view, x, y):
    return view.mapFromScene(QPointF(x * view.page_width, y * view.page_height))


def test_at_fit_overlapping_pins_are_one_cluster_and_distant_ones_are_not(view):
    pins = _three_on_one_spot_and_one_apart()
    view.set_pins(pins)
    scale = view.scale_factor()
    assert scale == pytest.approx(view.pin_layer.fit_scale)
    assert view.pin_layer.cluster_at(QPointF(1000, 1000), scale) == ["a", "b", "c"]
    assert view.pin_layer.cluster_at(QPointF(200, 200), scale) == ["far"]
    # Drawn that way: a grey count bubble where the three are, a red pin where the lone one is.
    image = view.viewport().grab().toImage()
    beside_count = image.pixelColor(_screen(view, 0.5, 0.5) + QPointF(-9, 0).toPoint())
    assert abs(beside_count.red() - beside_count.green()) < 30 and beside_count.red() < 120  # grey
    lone = image.pixelColor(_screen(view, 0.1, 0.1) + QPointF(0, -6).toPoint())
    assert lone.red() > 180 and lone.green() < 90


def test_markers_across_a_grid_border_still_merge_and_a_row_does_not_chain():
    cell = OVERLAP_X
    _group, sizes = cluster_labels(np.array([cell - 1.0, cell + 1.0]), np.array([5.0, 5.0]))
    assert list(sizes) == [2]
    xs = np.arange(20) * (cell * 0.9)  # a row of pins each just overlapping the next
    _group, sizes = cluster_labels(xs, np.zeros(20))
    assert len(sizes) > 3
    apart = cluster_labels(np.array([0.0, 3.0 * cell]), np.array([0.0, 0.0]))[1]
    assert list(apart) == [1, 1]
    # One above the other, a marker's height and its number apart: the number would be covered.
    stacked = cluster_labels(np.array([0.0, 0.0]), np.array([0.0, OVERLAP_Y - 4.0]))[1]
    assert list(stacked) == [2]
    # Points spread too far for the dense grid take the sorting path and group the same way.
    far = 1e5 * cell
    _group, sizes = cluster_labels(np.array([cell - 1.0, cell + 1.0, far, far]), np.array([5.0, 5.0, far, far + 3]))
    assert sorted(sizes) == [2, 2]


def test_zoomed_in_pins_stand_apart(view):
    view.set_pins(_three_on_one_spot_and_one_apart())
    view.zoom_by(40.0, QPointF(_screen(view, 0.5, 0.5)))
    assert view.pin_layer.cluster_at(QPointF(1000, 1000), view.scale_factor()) == ["a"]


def test_clicking_a_cluster_and_choosing_the_second_hazard_selects_it(view, qtbot):
    view.set_pins(_three_on_one_spot_and_one_apart())
    seen = _choose_from_menu(qtbot, lambda menu: menu.actions()[1])
    with qtbot.waitSignal(view.selectionChanged) as selected:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_screen(view, 0.5, 0.5))
    assert selected.args == [["b"]]
    assert view.pin_layer.selected == {"b"}
    texts = seen[0]
    assert texts[:3] == ["S-0001  Aging wiring · Open", "S-0002  Aging wiring · In progress",
                         "S-0003  Aging wiring · Open"]
    assert "&Zoom in here" in texts


def test_zoom_in_here_separates_the_pins_of_the_cluster(view, qtbot):
    view.set_pins(_three_on_one_spot_and_one_apart())
    _choose_from_menu(qtbot, lambda menu: next(a for a in menu.actions() if a.text() == "&Zoom in here"))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_screen(view, 0.5, 0.5))
    assert view.scale_factor() > view.pin_layer.fit_scale * 4
    scale = view.scale_factor()
    assert [view.pin_layer.cluster_at(QPointF(x * 2000, y * 2000), scale)
            for x, y in ((0.5, 0.5), (0.505, 0.5), (0.5, 0.505))] == [["a"], ["b"], ["c"]]
    assert view.viewport().rect().contains(_screen(view, 0.5, 0.5))  # still looking at them


def test_the_menu_key_opens_the_cluster_of_the_selected_hazard(view, qtbot):
    view.set_pins(_three_on_one_spot_and_one_apart())
    view.set_selection(["a"])
    _choose_from_menu(qtbot, lambda menu: menu.actions()[2])
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert view.pin_layer.selected == {"c"}


def test_dismissing_the_menu_changes_nothing_and_a_lone_pin_still_drags(view, qtbot):
    view.set_pins(_three_on_one_spot_and_one_apart())
    view.set_selection(["far"])

    def dismiss():
        menu = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()), None)
        if menu is None:
            QTimer.singleShot(20, dismiss)
            return
        qtbot.keyClick(menu, Qt.Key.Key_Escape)

    QTimer.singleShot(0, dismiss)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_screen(view, 0.5, 0.5))
    assert view.pin_layer.selected == {"far"}
    start = _screen(view, 0.1, 0.1)
    with qtbot.waitSignal(view.pinsMoved) as moved:
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(view.viewport(), start + QPointF(20, 0).toPoint())
        qtbot.mouseMove(view.viewport(), start + QPointF(40, 0).toPoint())
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPointF(40, 0).toPoint())
    assert list(moved.args[0]) == ["far"]
