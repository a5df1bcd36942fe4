"""Undo on the plan panel where it meets the rest of the walk-through: an undone-then-redone hazard
keeps its id (so later edits on it still apply), an undo that the ledger refuses is said and dropped,
a checklist's hazard gets its pin by one click, and the overview map keeps out of the way at fit."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from inspector_app.core import audit, structure
from inspector_app.core.checklists import answer_item, start_run
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import add_hazard, change_status, find_hazard, place_pin
from inspector_app.core.models import Hazard, Site
from inspector_app.core.structure import create_inspection
from inspector_app.ui import new_hazard_dialog as new_hazard_dialog_module
from inspector_app.ui import plan_panel as plan_panel_module
from inspector_app.ui.new_hazard_dialog import NewHazardDialog


def _add(widget, monkeypatch, category="evacuation.blocked_route", x=0.41, y=0.63):
    def fill(dialog):
        dialog.category.setCurrentIndex(dialog.category.findData(category))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(plan_panel_module.NewHazardDialog, "exec", fill)
    widget.add_hazard_at(x, y)
    return widget.view.pin_layer.selected.copy().pop()


def test_redo_of_an_undone_add_brings_back_the_same_hazard(panel, monkeypatch):
    widget, stack, context = panel
    added = _add(widget, monkeypatch)
    stack.undo()
    with context.db.session() as session:
        assert session.get(Hazard, uuid.UUID(added)) is None
    stack.redo()
    with context.db.session() as session:
        again = find_hazard(session, added)
        assert (again.x, again.y) == (0.41, 0.63)
    assert added in widget.view.pin_layer.pinset.index



def test_redo_gives_the_hazard_back_its_number_though_another_was_added_meanwhile(panel, monkeypatch, catalogue):
    """Issue 22: undo then redo of "Add hazard LL1-0003" brought it back as LL1-0005, a gap in the register."""
    widget, stack, context = panel
    added = _add(widget, monkeypatch)
    with context.db.session() as session:
        first = find_hazard(session, added)
        before = (first.number, first.short_code, first.public_token, first.found_at)
        # Meanwhile a checklist records a hazard too: it takes the next number, and is not on the undo stack.
        later = add_hazard(session, catalogue, context.db.store, actor="li", category="evacuation.blocked_route",
                           floor_id=widget.floor_id).number
    assert later > before[0]
    stack.undo()
    stack.redo()
    with context.db.session() as session:
        again = find_hazard(session, added)
        assert (again.number, again.short_code, again.public_token, again.found_at) == before
        assert audit.verify(session).ok
    assert stack.undoText() == f"Add hazard {before[0]}"


def test_redo_draws_a_new_number_when_its_own_was_taken_meanwhile(panel, monkeypatch, catalogue):
    widget, stack, context = panel
    added = _add(widget, monkeypatch)
    stack.undo()
    with context.db.session() as session:  # the freed number goes to a checklist's hazard
        taker = add_hazard(session, catalogue, context.db.store, actor="li", category="evacuation.blocked_route",
                           floor_id=widget.floor_id)
        taken = (taker.number, taker.short_code, taker.public_token)
    stack.redo()
    with context.db.session() as session:
        again = find_hazard(session, added)
        assert again.number > taken[0]
        assert find_hazard(session, str(taker.id)).number == taken[0]
        assert audit.verify(session).ok

def test_undo_of_an_add_after_the_hazard_was_closed_is_refused_and_said(panel, monkeypatch, jpeg_photo):
    widget, stack, context = panel
    added = _add(widget, monkeypatch)
    with context.db.session() as session:
        change_status(session, context.db.store, find_hazard(session, added), "closed", "li",
                      note="moved on the spot", photos=[jpeg_photo])
    stack.undo()
    with context.db.session() as session:
        assert find_hazard(session, added).status == "closed"  # still in the ledger
        assert audit.verify(session).ok
    assert "can no longer be undone" in widget.message.text()
    assert stack.count() == 0  # dropped, not left to fail again


def test_a_checklist_hazard_gets_its_pin_with_one_click_and_undo_takes_it_off(panel, catalogue):
    widget, stack, context = panel
    with context.db.session() as session:
        site = session.get(Hazard, uuid.UUID(next(iter(widget.view.pin_layer.pinset.index)))).site_id
        inspection = create_inspection(session, session.get(Site, site), dt.date.today(), "patrol", "li")
        run = start_run(session, catalogue, inspection.id, "teaching_building", "li", floor_id=widget.floor_id)
        item = catalogue.checklists["teaching_building"].items[0].code
        created = answer_item(session, catalogue, context.db.store, run, item, "fail", "li").created_hazard
        hazard_id, number = str(created.id), created.number
        assert created.x is None
    widget.start_placing(hazard_id, number)
    assert number in widget.message.text() and widget.add_action.isChecked()
    widget.view.pinAddRequested.emit(0.25, 0.75)  # what a click at that spot emits (see the canvas tests)
    with context.db.session() as session:
        placed = find_hazard(session, hazard_id)
        assert (placed.floor_id, placed.x, placed.y) == (widget.floor_id, 0.25, 0.75)
    assert not widget.add_action.isChecked() and widget.placing is None
    assert hazard_id in widget.view.pin_layer.pinset.index
    stack.undo()
    with context.db.session() as session:
        assert find_hazard(session, hazard_id).x is None
        assert audit.verify(session).ok
    assert hazard_id not in widget.view.pin_layer.pinset.index


def test_escape_gives_up_placing(panel, qtbot):
    widget, _stack, _context = panel
    widget.start_placing(str(uuid.uuid4()), "LL1-9999")
    qtbot.keyClick(widget.view, Qt.Key.Key_Escape)
    assert widget.placing is None and not widget.add_action.isChecked()
    assert not widget.message.isVisibleTo(widget)


def test_a_pin_cannot_go_on_another_sites_plan(db, catalogue, floor, english):
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category="evacuation.blocked_route",
                            floor_id=floor)
        org = structure.create_organisation(session, "Other Bureau")
        other = structure.create_site(session, org, "Other School", code="OS")
        building = structure.create_building(session, other, "Gym", "other")
        elsewhere = structure.create_floor(session, building, "1F", 1)
        with pytest.raises(InspectorError, match="another site"):
            place_pin(session, hazard, "li", elsewhere.id, 0, 0.5, 0.5)
        assert hazard.floor_id == floor


def test_overview_map_shows_only_when_zoomed_in(panel):
    widget, _stack, _context = panel
    widget.view.fit()
    assert not widget.overview.isVisibleTo(widget)
    widget.view.zoom_by(3.0)
    assert widget.overview.isVisibleTo(widget)
    widget.view.fit()
    assert not widget.overview.isVisibleTo(widget)


def test_new_hazard_dialog_refuses_a_typed_category_that_is_no_category(qtbot, catalogue, monkeypatch):
    warnings = []
    monkeypatch.setattr(new_hazard_dialog_module.QMessageBox, "warning",
                        lambda *args: warnings.append(args[2]) or QMessageBox.StandardButton.Ok)
    dialog = NewHazardDialog(catalogue)
    qtbot.addWidget(dialog)
    dialog.category.setEditText("no such thing at all")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "no such thing at all" in warnings[0]
    name = catalogue.categories["evacuation.blocked_route"].name.en
    dialog.category.setEditText(name)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.values()["category"] == "evacuation.blocked_route"
