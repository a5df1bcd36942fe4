"""Every view says what it shows, and agrees with the navigator: the editor drops a hazard of another
place, a building shows no stale pins and offers no adding, the ledger shows its scope as a filter
that can be removed and says what lies outside it, the ledger export says what it will write, and
texts (undo steps and messages included) follow a live language switch. On a demo ledger, in the
real main window."""

from __future__ import annotations

import uuid

import openpyxl
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog

from inspector_app.core.queries import list_hazards
from inspector_app.ui import plan_panel as plan_panel_module
from inspector_app.ui.models import ID_ROLE
from tests.ui.conftest import answer_dialogs, click_button, shown_window


@pytest.fixture
def window(qtbot, demo_context):
    with shown_window(qtbot, demo_context) as main:
        yield main


def floors_with_hazards(window):
    with window.context.db.session() as session:
        rows = list_hazards(session)
    by_floor: dict[uuid.UUID, list] = {}
    for row in rows:
        if row.floor_id is not None and row.x is not None and row.status != "withdrawn":
            by_floor.setdefault(row.floor_id, []).append(row)
    return by_floor


def choose(window, place_id):
    index = window.tree_model.find_place(place_id)
    assert index.isValid()
    window.tree.setCurrentIndex(index)
    return index


def test_the_editor_drops_a_hazard_of_the_floor_left_behind(window):
    (first, first_rows), (second, _rows) = list(floors_with_hazards(window).items())[:2]
    choose(window, first)
    window.plan_panel.hazardSelected.emit(str(first_rows[0].id))  # as a click on its pin does
    assert window.editor.hazard_id == str(first_rows[0].id)
    choose(window, second)
    assert window.editor.hazard_id is None
    assert window.editor.title.text() == "No hazard selected"
    # Going back up to the building of the first floor keeps a hazard that is in it.
    choose(window, first)
    window.plan_panel.hazardSelected.emit(str(first_rows[0].id))
    window.tree.setCurrentIndex(window.tree_model.find_place(first).parent())
    assert window.editor.hazard_id == str(first_rows[0].id)


def test_a_building_shows_no_stale_pins_and_offers_no_adding(window):
    floor = next(iter(floors_with_hazards(window)))
    index = choose(window, floor)
    assert window.plan_panel.view.pin_layer.pinset.pins
    window.tree.setCurrentIndex(index.parent())
    assert window.plan_panel.view.pin_layer.pinset.pins == []
    assert not window.plan_panel.add_action.isEnabled()
    assert window.plan_panel.empty_text.text() == "Choose a floor in the navigator to see its plan."


def test_the_ledger_shows_its_scope_says_what_is_outside_and_lets_it_go(window, qtbot):
    by_floor = floors_with_hazards(window)
    floor, elsewhere = list(by_floor)[:2]
    index = choose(window, floor)
    ledger = window.ledger_view
    window.ledger_tab_action.trigger()
    assert ledger.scope_button.isVisible()
    assert ledger.scope_button.text() == f"Floor: {index.parent().data()} › {index.data()}  ✕"
    total = window.hazard_model.count_matching(type(ledger.current_filter())())
    shown = ledger.model.rowCount()
    assert ledger.count_label.text() == f"{shown} hazards · {total - shown} more outside " \
        f"{index.parent().data()} › {index.data()}"
    # A hazard of another floor: not listed here, and the count says it exists outside.
    number = by_floor[elsewhere][0].number
    qtbot.keyClicks(ledger.search, number)
    qtbot.waitUntil(lambda: not ledger.search_timer.isActive())
    assert ledger.model.rowCount() == 0
    assert ledger.count_label.text().startswith("0 hazards · 1 more outside")
    qtbot.mouseClick(ledger.scope_button, Qt.MouseButton.LeftButton)
    assert not ledger.scope_button.isVisible()
    assert ledger.model.rowCount() == 1 and ledger.count_label.text() == "1 hazard"


def test_the_ledger_export_says_what_it_writes_before_writing(window, qtbot, monkeypatch, tmp_path):
    ledger = window.ledger_view
    window.tree.setCurrentIndex(window.tree_model.index(0, 0))  # the whole school
    window.ledger_tab_action.trigger()
    qtbot.keyClicks(ledger.search, "0001")
    qtbot.waitUntil(lambda: not ledger.search_timer.isActive())
    listed = ledger.model.rowCount()
    window.plan_tab_action.trigger()  # the export is started away from the ledger, as in the report
    out = tmp_path / "whole.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    seen: dict[str, str] = {}

    def choose_whole_ledger_as_xlsx(dialog):
        seen["listed"] = dialog.listed_button.text()
        seen["filters"] = dialog.filters.text()
        seen["all"] = dialog.all_button.text()
        dialog.all_button.click()
        dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
        click_button(dialog, "Export…")

    answer_dialogs(qtbot, choose_whole_ledger_as_xlsx, lambda box: click_button(box, "Close"))
    next(action for action, kind in window.print_actions if kind == "ledger").trigger()
    assert seen["listed"] == f"The {listed} hazard{'s' if listed != 1 else ''} the ledger lists now"
    assert "Search: “0001”" in seen["filters"] and "Site:" in seen["filters"]
    total = window.hazard_model.count_matching(type(ledger.current_filter())())
    assert seen["all"] == f"The whole ledger: {total} hazards"
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row - 3 == total  # under the title, the scope and the header: every hazard


def test_undo_steps_and_messages_follow_a_language_switch(window, qtbot, monkeypatch):
    floor = next(iter(floors_with_hazards(window)))
    choose(window, floor)
    panel = window.plan_panel

    def fill(dialog):
        dialog.category.setCurrentIndex(dialog.category.findData("electrical.aging_wiring"))
        return True

    monkeypatch.setattr(plan_panel_module.NewHazardDialog, "exec", fill)
    view = panel.view
    spot = None
    for fraction in (0.07, 0.93, 0.5, 0.2):
        point = QPointF(fraction * view.page_width, fraction * view.page_height)
        if not view.pin_layer.pins_near(point, view.scale_factor()):
            spot = view.mapFromScene(point)
            break
    assert spot is not None
    panel.add_action.setChecked(True)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert window.undo_action.text().startswith("Undo Add hazard ")
    window.switch_language("zh_CN")
    assert window.undo_action.text().startswith("撤销添加隐患 ")
    window.undo()
    assert window.redo_action.text().startswith("重做添加隐患 ")
    # A floor without a plan says so in the language of the moment.
    with window.context.db.session() as session:
        from inspector_app.core.structure import add_floor

        building = window.tree_model.find_place(floor).parent().data(ID_ROLE)
        bare = add_floor(session, building, "9F").id
    window.reload()
    choose(window, bare)
    assert window.plan_panel.empty_text.text().startswith("该楼层还没有图纸")
    window.switch_language("en")
    assert window.plan_panel.empty_text.text().startswith("This floor has no plan yet")
    assert window.plan_panel.empty_button.text() == "Import a plan for this floor…"


def test_the_pins_have_a_legend_in_the_language_of_the_screen(window):
    floor = next(iter(floors_with_hazards(window)))
    choose(window, floor)
    legend = window.plan_panel.legend
    assert legend.isVisible()
    assert "<b>E</b> Electrical" in legend.text() and "<b>X</b> Evacuation" in legend.text()
    window.switch_language("zh_CN")
    assert "<b>电</b> 电气安全" in legend.text() and "未整改" in legend.text()
    window.plan_panel.legend_action.trigger()
    assert not legend.isVisible()


def test_rare_plan_actions_are_in_a_menu(window):
    titles = [action.text() for action in window.plan_menu.actions() if action.text()]
    assert titles == ["New site…", "New building…", "New floor…", "Rename… (F2)", "Remove (Del)",
                      "Floor plan…", "Nudge pins…", "Legend (L)"]
    file_titles = [action.text() for action in window.file_menu.actions() if action.text()]
    assert file_titles[:2] == ["New site…", "Floor plan…"]
    assert window.plan_panel.toolbar.widgetForAction(window.plan_panel.nudge_action) is None


def test_undo_drops_every_step_of_a_hazard_closed_meanwhile_at_once(window, jpeg_photo):
    from inspector_app.core.hazards import change_status, find_hazard

    floor, rows = next(iter(floors_with_hazards(window).items()))
    hazard = next(r for r in rows if r.status == "open")
    choose(window, floor)
    window.plan_panel.hazardSelected.emit(str(hazard.id))
    other = "major" if hazard.severity == "general" else "general"
    for severity in (other, hazard.severity, other):  # three steps on the same hazard
        window.editor.set_severity(severity)
    assert window.undo_stack.count() == 3
    with window.context.db.session() as session:  # closed on the spot, e.g. from another window
        change_status(session, window.context.db.store, find_hazard(session, str(hazard.id)), "closed", "li",
                      note="fixed", photos=[jpeg_photo])
    window.undo_action.trigger()
    assert window.undo_stack.count() == 0 and not window.undo_action.isEnabled()
    assert window.statusBar().currentMessage() == "3 steps could no longer be undone and were dropped."
    assert "final" in window.editor.message.text()


def test_the_deadline_is_in_reach_without_scrolling_on_a_laptop_screen(window, qtbot):
    floor, rows = next(iter(floors_with_hazards(window).items()))
    choose(window, floor)
    window.plan_panel.hazardSelected.emit(str(rows[0].id))
    qtbot.waitUntil(lambda: window.editor.hazard_id == str(rows[0].id))
    deadline = window.editor.deadline
    assert deadline.isVisible() and not deadline.visibleRegion().isEmpty()
    assert deadline.visibleRegion().boundingRect().height() == deadline.height()  # whole, not cut


def test_who_must_fix_it_is_in_reach_without_scrolling_on_a_laptop_screen(window, qtbot):
    """The responsible unit and person are printed on the notice and asked on the spot: in sight in the
    editor of a 1366×768 window, not under the photos and the rectification texts."""
    floor, rows = next(iter(floors_with_hazards(window).items()))
    choose(window, floor)
    window.plan_panel.hazardSelected.emit(str(rows[0].id))
    qtbot.waitUntil(lambda: window.editor.hazard_id == str(rows[0].id))
    for name in ("responsible_unit", "responsible_person"):
        field = window.editor.texts[name]
        assert field.isVisible() and not field.visibleRegion().isEmpty(), name
        assert field.visibleRegion().boundingRect().height() == field.height(), f"{name} is cut"
