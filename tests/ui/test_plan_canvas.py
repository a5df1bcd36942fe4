"""The plan canvas: pins stay on their plan spot when zooming and after a plan revision; clicking
adds, dragging moves, filters hide; on the plan panel every edit is undoable through the core."""

from __future__ import annotations

import uuid

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QDialog

from inspector_app import plans
from inspector_app.core.audit import verify
from inspector_app.core.hazards import find_hazard
from inspector_app.core.models import Hazard
from inspector_app.ui import plan_panel as plan_panel_module
from inspector_app.ui.canvas.pins import Pin, PinSet
from inspector_app.ui.canvas.plan_view import PlanView
from tests.floorplan_files import all_plans, plan_id

SPOT = (0.3, 0.6)


def _plan_with_red_spot(path, width, height):
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    x, y = SPOT[0] * width, SPOT[1] * height
    r = max(3, width // 150)
    draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 0, 0))
    draw.rectangle([10, 10, width - 10, height - 10], outline="black", width=3)
    image.save(path)
    return path


@pytest.fixture
def view(qtbot):
    widget = PlanView()
    widget.resize(800, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close_document()


def _colour_under_pin(view, qtbot, pin_xy):
    view.pin_layer.setVisible(False)
    scene = QPointF(pin_xy[0] * view.page_width, pin_xy[1] * view.page_height)
    screen = view.mapFromScene(scene)
    image = view.viewport().grab().toImage()
    view.pin_layer.setVisible(True)
    return image.pixelColor(screen)


def _is_red(colour):
    return colour.red() > 200 and colour.green() < 90 and colour.blue() < 90


def test_pin_stays_on_its_plan_spot_when_zooming(view, qtbot, tmp_path):
    document = plans.open(_plan_with_red_spot(tmp_path / "plan.png", 3000, 2000))
    view.set_document(document)
    view.set_pins(PinSet([Pin("p1", *SPOT, "open", "electrical.aging_wiring", "general", "bolt", "S-0001")]))
    assert _is_red(_colour_under_pin(view, qtbot, SPOT))
    pin_screen = view.mapFromScene(QPointF(SPOT[0] * view.page_width, SPOT[1] * view.page_height))
    view.zoom_by(4.0, QPointF(pin_screen))
    view.request_detail()
    qtbot.waitUntil(lambda: view.detail_item.isVisible() and not view.detail_item.pixmap().isNull(), timeout=5000)
    assert view.scale_factor() == pytest.approx(view.pin_layer.fit_scale * 4, rel=1e-6)
    assert _is_red(_colour_under_pin(view, qtbot, SPOT))
    # The pin is still found where it is drawn, and its stored position did not change.
    screen = view.mapFromScene(QPointF(SPOT[0] * view.page_width, SPOT[1] * view.page_height))
    assert view.pin_layer.pins_near(view.mapToScene(screen), view.scale_factor()) == ["p1"]
    assert (view.pin_layer.pinset.pins[0].x, view.pin_layer.pinset.pins[0].y) == SPOT


def test_pin_stays_on_its_spot_after_a_plan_revision_of_another_size(view, qtbot, tmp_path):
    view.set_document(plans.open(_plan_with_red_spot(tmp_path / "v1.png", 1200, 800)))
    view.set_pins(PinSet([Pin("p1", *SPOT, "open", "x.y", "general", "bolt", "S-0001")]))
    view.set_document(plans.open(_plan_with_red_spot(tmp_path / "v2.png", 4800, 3200)))
    assert view.page_width == 4800
    assert _is_red(_colour_under_pin(view, qtbot, SPOT))


def test_click_in_add_mode_asks_for_a_hazard_at_that_spot(view, qtbot, tmp_path):
    view.set_document(plans.open(_plan_with_red_spot(tmp_path / "plan.png", 1000, 1000)))
    view.add_mode = True
    target = view.mapFromScene(QPointF(250, 750))
    with qtbot.waitSignal(view.pinAddRequested) as asked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    x, y = asked.args
    assert x == pytest.approx(0.25, abs=0.01) and y == pytest.approx(0.75, abs=0.01)


def test_dragging_a_pin_reports_old_and_new_position(view, qtbot, tmp_path):
    view.set_document(plans.open(_plan_with_red_spot(tmp_path / "plan.png", 1000, 1000)))
    view.set_pins(PinSet([Pin("p1", 0.5, 0.5, "open", "x.y", "general", "bolt", "S-0001")]))
    start = view.mapFromScene(QPointF(500, 500))
    end = start + QPoint(60, 0)
    with qtbot.waitSignal(view.pinsMoved) as moved:
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(view.viewport(), start + QPoint(30, 0))
        qtbot.mouseMove(view.viewport(), end)
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    (old, new), = moved.args[0].values()
    assert old == (0.5, 0.5)
    assert new[0] == pytest.approx(0.5 + 60 / view.scale_factor() / 1000, abs=1e-3) and new[1] == 0.5


def test_filters_hide_pins_from_drawing_and_hit_testing(view, tmp_path):
    view.set_document(plans.open(_plan_with_red_spot(tmp_path / "plan.png", 1000, 1000)))
    pins = PinSet([Pin("a", 0.5, 0.5, "open", "x.y", "general", "bolt", "1"),
                   Pin("b", 0.5, 0.5, "closed", "x.y", "major", "bolt", "2")])
    view.set_pins(pins)
    centre = QPointF(500, 500)
    assert set(view.pin_layer.pins_near(centre, view.scale_factor())) == {"a", "b"}
    pins.set_filter(statuses={"closed"})
    assert view.pin_layer.pins_near(centre, view.scale_factor()) == ["b"]
    pins.set_filter(severities={"general"})
    assert view.pin_layer.pins_near(centre, view.scale_factor()) == ["a"]


def test_panel_add_undo_redo_and_move(panel, monkeypatch):
    widget, stack, context = panel
    before = len(widget.view.pin_layer.pinset.pins)
    assert before > 0

    def fill(dialog):
        dialog.category.setCurrentIndex(dialog.category.findData("evacuation.blocked_route"))
        dialog.description.setText("bikes in the stairwell")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(plan_panel_module.NewHazardDialog, "exec", fill)
    widget.add_hazard_at(0.42, 0.61)
    assert len(widget.view.pin_layer.pinset.pins) == before + 1
    added_id = widget.view.pin_layer.selected.copy().pop()
    with context.db.session() as session:
        hazard = find_hazard(session, added_id)
        assert (hazard.x, hazard.y, hazard.category) == (0.42, 0.61, "evacuation.blocked_route")
    stack.undo()
    with context.db.session() as session:
        assert session.get(Hazard, uuid.UUID(added_id)) is None
    assert len(widget.view.pin_layer.pinset.pins) == before
    stack.redo()
    assert len(widget.view.pin_layer.pinset.pins) == before + 1

    pin = widget.view.pin_layer.pinset.pins[0]
    widget.move_pins({pin.id: ((pin.x, pin.y), (0.2, 0.2))})
    with context.db.session() as session:
        assert (find_hazard(session, pin.id).x, find_hazard(session, pin.id).y) == (0.2, 0.2)
    stack.undo()
    with context.db.session() as session:
        moved_back = find_hazard(session, pin.id)
        assert (moved_back.x, moved_back.y) == (pin.x, pin.y)
        assert verify(session).ok


def test_panel_new_plan_version_asks_keeps_pins_and_old_version_and_undoes(panel, qtbot, floorplans):
    from inspector_app.core.plans_store import plan_versions
    from tests.ui.conftest import answer_dialog, click_button

    widget, stack, context = panel
    plan = floorplans / "pdf" / "derived_from_shipped_plans.pdf"
    old_format = widget.document.format
    pins_before = [(p.id, p.x, p.y) for p in widget.view.pin_layer.pinset.pins]
    # Keeping the old plan changes nothing.
    answer_dialog(qtbot, lambda box: click_button(box, "Keep the old plan"))
    assert widget.import_plan(widget.floor_id, plan) is None
    with context.db.session() as session:
        assert [v.version for v in plan_versions(session, widget.floor_id)] == [1]

    answer_dialog(qtbot, lambda box: click_button(box, "Replace"))
    job = widget.import_plan(widget.floor_id, plan)
    assert job is not None
    qtbot.waitUntil(lambda: not widget.imports, timeout=30000)
    assert widget.document is not None and widget.document.format == "pdf"
    assert [(p.id, p.x, p.y) for p in widget.view.pin_layer.pinset.pins] == pins_before
    with context.db.session() as session:
        assert [v.version for v in plan_versions(session, widget.floor_id)] == [1, 2]
    assert stack.undoText() == f"Replace plan with {plan.name}"
    stack.undo()  # the old drawing is back, the new one kept in the store for redo
    assert widget.document.format == old_format
    with context.db.session() as session:
        assert [v.version for v in plan_versions(session, widget.floor_id)] == [1]
    stack.redo()
    assert widget.document.format == "pdf"
    with context.db.session() as session:
        assert [v.version for v in plan_versions(session, widget.floor_id)] == [1, 2]
    # The pins stay where they were on the page, each marked "?" until moved or said to be right.
    live = [p for p in widget.view.pin_layer.pinset.pins if p.status not in ("closed", "withdrawn")]
    assert live and all(p.label.endswith(" ?") for p in live)
    assert not widget.check_label.isHidden()
    assert widget.check_label.text().startswith(f"{len(live)} pins (marked ?) were placed on an older version")
    first = live[0]
    widget.view.pinsMoved.emit({first.id: ((first.x, first.y), (first.x + 0.01, first.y))})  # dragged
    assert first.id not in widget.to_check and len(widget.to_check) == len(live) - 1
    qtbot.mouseClick(widget.check_button, Qt.MouseButton.LeftButton)
    assert widget.to_check == set() and widget.check_label.isHidden()
    assert not any(p.label.endswith(" ?") for p in widget.view.pin_layer.pinset.pins)



def test_panel_reports_a_broken_plan_file_without_crashing(panel, qtbot, tmp_path):
    from tests.ui.conftest import answer_dialog, click_button

    widget, stack, _context = panel
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing more")
    answer_dialog(qtbot, lambda box: click_button(box, "Replace"))
    widget.import_plan(widget.floor_id, broken)
    qtbot.waitUntil(lambda: not widget.imports, timeout=30000)
    assert not widget.message.isHidden() and widget.message.text().startswith("broken.pdf: ")
    assert "\n" not in widget.message.text()
    assert widget.document is not None  # the previous plan is still shown
    assert stack.count() == 0  # nothing to undo: nothing happened


@pytest.mark.parametrize("path", all_plans(), ids=plan_id)
def test_every_real_plan_shows_in_the_canvas(view, qtbot, path):
    with plans.open(path) as document:
        view.set_document(document, first_paint_now=False)  # the background path the GUI takes
        qtbot.waitUntil(lambda: view.base_image is not None, timeout=30000)
        assert view.base_image.width() > 100
        assert view.scale_factor() == pytest.approx(view.pin_layer.fit_scale)
        view.set_document(None)
