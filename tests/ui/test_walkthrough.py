"""An inspector's whole day, driven through the real main window offscreen: choose the floor and
start the inspection, put the school's real plan on it, pin three hazards by clicking the plan,
photograph one, fix one on the spot, walk a checklist with one failed item and pin its hazard, find
the day's hazards in the ledger by search, re-inspect one, and undo and redo an edit.

Everything goes through the widgets, signals and actions a user touches; the modal dialogs' exec is
replaced so the test can answer them, and the fix-on-the-spot and checklist dialogs are answered with
real key presses and clicks (their note, the file picker's button, each item's button, Complete).
Every step is checked in the database, not only on screen, and the hazard history must still verify
at the end.
"""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton, QScrollArea

from inspector_app.core import audit
from inspector_app.core.hazards import attachments_of, find_hazard
from inspector_app.core.models import ChecklistRun, Hazard
from inspector_app.ui import ledger_view as ledger_view_module
from inspector_app.ui import plan_panel as plan_panel_module
from inspector_app.ui import status_dialogs as status_dialogs_module
from inspector_app.ui.checklist_dialog import ChecklistDialog
from inspector_app.ui.editor import fix_dialog as fix_dialog_module
from inspector_app.ui.inspection_dialog import InspectionDialog
from inspector_app.ui.main_window import MainWindow
from inspector_app.ui.models import ID_ROLE
from tests.ui.conftest import answer_dialog, click_button

PINNED = (  # category, what the inspector types, where on the plan (fractions of the page)
    ("electrical.aging_wiring", "Cracked cable insulation above the lab bench", (0.30, 0.40)),
    ("electrical.high_power_appliance", "Electric heater under the desk", (0.55, 0.62)),
    ("evacuation.blocked_route", "Desks stacked in front of the east exit", (0.78, 0.35)),
)


def hazard(window, hazard_id):
    with window.context.db.session() as session:
        found = find_hazard(session, str(hazard_id))
        session.expunge(found)
        return found


def button_named(dialog, text):
    """A dialog's push button found by the words on it, as the user finds it."""
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def click_plan(qtbot, window, x, y):
    view = window.plan_panel.view
    spot = view.mapFromScene(QPointF(x * view.page_width, y * view.page_height))
    assert not view.pin_layer.pins_near(view.mapToScene(spot), view.scale_factor()), "spot already has a pin"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)


def search(qtbot, window, text):
    """Type into the ledger's search box as a user does, and wait for the typing pause to filter."""
    box = window.ledger_view.search
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(lambda: not window.ledger_view.search_timer.isActive())
    assert window.hazard_model.filter.search == text


@pytest.fixture
def window(qtbot, demo_context):
    main = MainWindow(demo_context)
    qtbot.addWidget(main)
    main.resize(1400, 900)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_a_whole_walk_through(window, qtbot, monkeypatch, floorplans, jpeg_photo):
    context = window.context

    # -- morning: the floor and today's inspection -------------------------------------------
    school = window.tree_model.index(0, 0)
    teaching = window.tree_model.index(0, 0, school)
    floor_index = window.tree_model.index(1, 0, teaching)
    window.tree.setCurrentIndex(floor_index)
    floor_id = uuid.UUID(floor_index.data(ID_ROLE))
    assert window.plan_panel.floor_id == floor_id

    def start_inspection(dialog):
        dialog.inspectors.setText("Li Ming, Wang Fang")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(InspectionDialog, "exec", start_inspection)
    window.new_inspection_action.trigger()
    inspection_id = window.current_inspection()
    assert inspection_id is not None
    assert "Li Ming, Wang Fang" in window.inspection_combo.currentText()
    assert window.plan_panel.inspection_id == inspection_id

    answer_dialog(qtbot, lambda box: click_button(box, "Replace"))
    window.plan_panel.import_plan(floor_id, floorplans / "pdf" / "derived_from_shipped_plans.pdf")  # a real plan
    qtbot.waitUntil(lambda: not window.plan_panel.imports, timeout=30000)
    assert window.plan_panel.document is not None and window.plan_panel.document.format == "pdf"

    # -- three hazards pinned by clicking the plan --------------------------------------------
    answers = iter(PINNED)

    def describe(dialog):
        category, description, _spot = next(answers)
        dialog.category.setCurrentIndex(dialog.category.findData(category))
        dialog.description.setText(description)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(plan_panel_module.NewHazardDialog, "exec", describe)
    window.plan_panel.add_action.trigger()
    pinned: list[str] = []
    for category, description, (x, y) in PINNED:
        click_plan(qtbot, window, x, y)
        pinned.append(window.editor.hazard_id)  # the editor shows each new hazard at once
        added = hazard(window, pinned[-1])
        assert (added.category, added.description, added.floor_id) == (category, description, floor_id)
        assert (added.x, added.y) == (pytest.approx(x, abs=0.01), pytest.approx(y, abs=0.01))
        assert added.inspection_id == inspection_id
        assert pinned[-1] in window.plan_panel.view.pin_layer.pinset.index
    window.plan_panel.add_action.trigger()
    wiring, heater, exit_route = pinned
    assert len(set(pinned)) == 3

    # -- a photo of the wiring, the room typed into the editor --------------------------------
    window.plan_panel.select_hazard(wiring)
    assert window.editor.hazard_id == wiring
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(jpeg_photo)], ""))
    qtbot.mouseClick(window.editor.add_photo_button, Qt.MouseButton.LeftButton)
    with context.db.session() as session:
        assert [a.role for a in attachments_of(session, uuid.UUID(wiring))] == ["before"]
    assert window.editor.strip.photo_model.rowCount() == 1
    room = window.editor.texts["room"]
    room.setFocus()
    qtbot.keyClicks(room, "Physics lab 204")
    qtbot.waitUntil(lambda: hazard(window, wiring).room == "Physics lab 204")  # saved after the pause

    # -- the heater is unplugged and taken away on the spot -----------------------------------
    window.plan_panel.select_hazard(heater)
    assert window.editor.hazard_id == heater
    assert window.editor.fix_button.isVisible()

    def fixed(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.note_edit.setFocus()
        qtbot.keyClicks(dialog.note_edit, "Heater unplugged and handed to the caretaker")
        assert not dialog.ok.isEnabled()  # a note alone is not enough: the after-photo is missing
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(jpeg_photo), ""))
        qtbot.mouseClick(button_named(dialog, "Choose after-photo…"), Qt.MouseButton.LeftButton)
        assert dialog.ok.isEnabled()
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(fix_dialog_module.FixOnSpotDialog, "exec", fixed)
    qtbot.mouseClick(window.editor.fix_button, Qt.MouseButton.LeftButton)
    closed = hazard(window, heater)
    assert (closed.status, closed.fixed_on_spot) == ("closed", True)
    assert window.editor.is_read_only()
    assert "Fixed on the spot: 1 (33%)" in window.summary.inspection_text.text()

    # -- the classroom checklist: one item fails -----------------------------------------------
    def walk_checklist(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        codes = list(dialog.groups)
        for code in codes:
            assert not dialog.complete_button.isEnabled()  # not before every item has an answer
            result = "fail" if code == codes[0] else "pass"
            button = next(b for b in dialog.groups[code].buttons() if b.property("result") == result)
            dialog.findChild(QScrollArea).ensureWidgetVisible(button)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            assert button.isChecked()
        assert f"{len(codes)} of {len(codes)} answered" in dialog.progress.text()
        qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(ChecklistDialog, "exec", walk_checklist)
    window.checklist_action.trigger()
    with context.db.session() as session:
        runs = session.query(ChecklistRun).filter_by(inspection_id=inspection_id).all()
        assert len(runs) == 1 and runs[0].completed_at is not None
        from_checklist = session.query(Hazard).filter(Hazard.inspection_id == inspection_id,
                                                      Hazard.id.notin_([uuid.UUID(i) for i in pinned])).one()
        checklist_hazard = str(from_checklist.id)
        assert from_checklist.x is None  # waiting for its pin
    assert window.editor.hazard_id == checklist_hazard
    assert window.editor.place_button.isVisible()

    qtbot.mouseClick(window.editor.place_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.plan_panel
    assert window.plan_panel.add_action.isChecked()
    click_plan(qtbot, window, 0.20, 0.70)
    placed = hazard(window, checklist_hazard)
    assert (placed.floor_id, placed.x, placed.y) == (floor_id, pytest.approx(0.2, abs=0.01),
                                                     pytest.approx(0.7, abs=0.01))
    assert not window.plan_panel.add_action.isChecked()
    assert not window.editor.place_button.isVisible()
    assert checklist_hazard in window.plan_panel.view.pin_layer.pinset.index

    # -- afternoon: the day's hazards found in the ledger by search ---------------------------
    window.ledger_tab_action.trigger()
    assert window.tabs.currentWidget() is window.ledger_view
    search(qtbot, window, "heater")
    assert [str(window.hazard_model.id_at(row)) for row in range(window.hazard_model.rowCount())] == [heater]
    search(qtbot, window, "Physics lab")
    assert [str(window.hazard_model.id_at(row)) for row in range(window.hazard_model.rowCount())] == [wiring]

    # -- the exit is cleared and reported; re-inspection passes ----------------------------------
    search(qtbot, window, hazard(window, exit_route).number)
    assert window.hazard_model.rowCount() == 1
    window.hazard_table.selectRow(0)
    assert window.editor.hazard_id == exit_route  # the editor follows the ledger's row

    def report_done(dialog):
        dialog.target.setCurrentIndex(dialog.target.findData("awaiting_reinspection"))
        dialog.note.setPlainText("Desks moved to the store room")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(status_dialogs_module.StatusChangeDialog, "exec", report_done)
    qtbot.mouseClick(window.ledger_view.status_button, Qt.MouseButton.LeftButton)
    assert hazard(window, exit_route).status == "awaiting_reinspection"

    def passed(dialog):
        dialog.photos.set_paths([jpeg_photo])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ledger_view_module.ReinspectionDialog, "exec", passed)
    qtbot.mouseClick(window.ledger_view.reinspect_button, Qt.MouseButton.LeftButton)
    assert hazard(window, exit_route).status == "closed"
    assert window.editor.is_read_only()  # the editor followed the change made in the ledger

    # -- an edit undone and redone -------------------------------------------------------------
    window.show_hazard(wiring)
    assert window.editor.hazard_id == wiring
    qtbot.mouseClick(window.editor.severity_major, Qt.MouseButton.LeftButton)
    assert hazard(window, wiring).severity == "major"
    description = window.editor.texts["description"]
    description.setFocus()
    description.moveCursor(description.textCursor().MoveOperation.End)
    qtbot.keyClicks(description, "; scorch marks")
    window.undo_action.trigger()  # before the typing pause: the words become a step, and that step is undone
    assert hazard(window, wiring).description == PINNED[0][1]
    assert description.toPlainText() == PINNED[0][1]
    window.undo_action.trigger()
    assert hazard(window, wiring).severity == "general"
    assert window.editor.severity_general.isChecked()
    window.redo_action.trigger()
    window.redo_action.trigger()
    edited = hazard(window, wiring)
    assert (edited.severity, edited.description) == ("major", PINNED[0][1] + "; scorch marks")
    assert window.editor.severity_major.isChecked()
    assert window.hazard_model.row_at(window.hazard_model.row_of(uuid.UUID(wiring))).severity == "major"

    with context.db.session() as session:
        assert audit.verify(session).ok
