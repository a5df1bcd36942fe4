"""The hazard editor against a real temporary ledger: fields saved at once, undo/redo through the
shared stack, category prefills, fixed on the spot, read-only final hazards."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt

from inspector_app.core import audit, dates
from inspector_app.core.hazards import attachments_of, change_status, find_hazard
from tests.ui_editor.conftest import FIRST_CATEGORY, SECOND_CATEGORY


def read(db, hazard_id):
    with db.session() as session:
        return find_hazard(session, hazard_id)


def audit_ok(db) -> bool:
    with db.session() as session:
        return audit.verify(session).ok


def test_shows_the_hazard_prefilled_from_its_category(editor, db, hazard_id, catalogue):
    category = catalogue.categories[FIRST_CATEGORY]
    assert editor.category_button.text() == category.name.en
    assert editor.texts["legal_basis"].toPlainText() == category.legal_basis.en
    assert editor.texts["required_measures"].toPlainText() == category.requirement.en
    assert len(editor.phrase_box.buttons) == min(4, len(category.phrases))


# The offscreen platform cannot raise a popup or grab the keyboard for it; a real screen can.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_picking_a_category_prefills_basis_requirement_and_deadline(editor, db, hazard_id, catalogue, stack):
    found = dates.local_date(read(db, hazard_id).found_at)  # the day the laptop calls it
    editor.open_category_picker()
    editor.picker.search.setText("Improvised")
    editor.picker.choose_first()
    second = catalogue.categories[SECOND_CATEGORY]
    hazard = read(db, hazard_id)
    assert hazard.category == SECOND_CATEGORY
    assert hazard.legal_basis == second.legal_basis.en
    assert hazard.required_measures == second.requirement.en
    assert hazard.deadline == found + dt.timedelta(days=second.deadline_days)
    assert editor.texts["legal_basis"].toPlainText() == second.legal_basis.en
    assert editor.deadline.date().toPython() == hazard.deadline
    assert not editor.category_popup.isVisible()
    assert editor.recent_categories()[0] == SECOND_CATEGORY
    assert stack.count() == 1  # category and its prefills are one undo step
    stack.undo()
    hazard = read(db, hazard_id)
    assert hazard.category == FIRST_CATEGORY
    assert hazard.deadline == found + dt.timedelta(days=catalogue.categories[FIRST_CATEGORY].deadline_days)
    assert audit_ok(db)


@pytest.mark.parametrize("org_language", ["zh_CN"])
def test_an_english_screen_fills_a_chinese_organisations_hazard_with_chinese_texts(editor, db, hazard_id, catalogue,
                                                                                    qtbot):
    """The texts taken from forms/ are printed on the organisation's Chinese notices: a new category's
    legal basis and requirement, and a quick phrase (its button read in the screen's English), are
    written in Chinese whatever the screen speaks."""
    second = catalogue.categories[SECOND_CATEGORY]
    editor.choose_category(SECOND_CATEGORY)
    hazard = read(db, hazard_id)
    assert (hazard.legal_basis, hazard.required_measures) == (second.legal_basis.zh, second.requirement.zh)
    assert editor.texts["legal_basis"].toPlainText() == second.legal_basis.zh
    button = editor.phrase_box.buttons[0]
    assert button.full_text == second.phrases[0].en and second.phrases[0].zh in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert read(db, hazard_id).description == second.phrases[0].zh


def test_an_edited_legal_basis_survives_a_category_change(editor, db, hazard_id, qtbot):
    editor.texts["legal_basis"].setPlainText("School rule 12")
    editor.commit_text("legal_basis")
    editor.choose_category(SECOND_CATEGORY)
    hazard = read(db, hazard_id)
    assert hazard.category == SECOND_CATEGORY
    assert hazard.legal_basis == "School rule 12"


def test_typing_is_saved_as_one_undo_step_and_undo_restores_widget_and_database(editor, db, hazard_id, stack,
                                                                                  qtbot):
    description = editor.texts["description"]
    description.setFocus()
    qtbot.keyClicks(description, "Wires")
    qtbot.waitUntil(lambda: read(db, hazard_id).description == "Wires")  # saved after the typing pause
    qtbot.keyClicks(description, " melted")
    editor.commit_text("description")
    assert read(db, hazard_id).description == "Wires melted"
    assert stack.count() == 1  # both saves of one typing run merged

    editor.severity_major.click()
    assert read(db, hazard_id).severity == "major"
    assert stack.count() == 2

    stack.undo()
    assert read(db, hazard_id).severity == "general"
    assert editor.severity_general.isChecked()
    stack.undo()
    assert read(db, hazard_id).description == ""
    assert description.toPlainText() == ""
    stack.redo()
    stack.redo()
    hazard = read(db, hazard_id)
    assert (hazard.description, hazard.severity) == ("Wires melted", "major")
    assert description.toPlainText() == "Wires melted" and editor.severity_major.isChecked()
    assert audit_ok(db)


def test_leaving_a_field_starts_a_new_undo_step(editor, db, hazard_id, stack, qtbot):
    editor.texts["room"].setText("305")
    editor.commit_text("room")
    editor.eventFilter(editor.texts["room"], _focus_out())
    editor.texts["room"].setText("305 east")
    editor.commit_text("room")
    assert stack.count() == 2
    stack.undo()
    assert read(db, hazard_id).room == "305"
    assert editor.texts["room"].text() == "305"


def _focus_out():
    from PySide6.QtGui import QFocusEvent

    return QFocusEvent(QFocusEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason)


def test_quick_phrase_area_type_deadline_and_people_are_saved(editor, db, hazard_id, catalogue, qtbot):
    phrase = catalogue.categories[FIRST_CATEGORY].phrases[0].en
    button = editor.phrase_box.buttons[0]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    editor.area_type.setCurrentIndex(editor.area_type.findData("dormitory"))
    editor.deadline.setDate(dt.date(2031, 5, 6))
    for name, value in (("responsible_unit", "General Affairs Office"), ("responsible_person", "Wang"),
                        ("funding", "2000 yuan")):
        editor.texts[name].setText(value)
        editor.commit_text(name)
    hazard = read(db, hazard_id)
    assert hazard.description == phrase
    assert hazard.area_type == "dormitory"
    assert hazard.deadline == dt.date(2031, 5, 6)
    assert (hazard.responsible_unit, hazard.responsible_person, hazard.funding) == (
        "General Affairs Office", "Wang", "2000 yuan")


def test_every_saved_change_is_announced(editor, hazard_id, qtbot):
    with qtbot.waitSignal(editor.hazardChanged) as blocker:
        editor.set_severity("major")
    assert blocker.args == [hazard_id]


def test_fixed_on_the_spot_needs_an_after_photo_then_closes(editor, db, hazard_id, jpeg_photo):
    assert editor.fix_button.isVisibleTo(editor)
    assert not editor.fix_on_spot("Removed the power strip", None)
    assert editor.message.isVisibleTo(editor)
    assert "after-photo" in editor.message.text()
    assert read(db, hazard_id).status == "open"
    assert not editor.fix_on_spot("", jpeg_photo)  # a closing note is needed too
    assert read(db, hazard_id).status == "open"

    assert editor.fix_on_spot("Removed the power strip", jpeg_photo)
    hazard = read(db, hazard_id)
    assert (hazard.status, hazard.fixed_on_spot) == ("closed", True)
    with db.session() as session:
        assert [a.role for a in attachments_of(session, uuid.UUID(hazard_id))] == ["after"]
    assert editor.is_read_only()
    assert editor.texts["description"].isReadOnly()
    assert not editor.category_button.isEnabled()
    assert not editor.fix_button.isVisibleTo(editor)
    assert audit_ok(db)


def test_a_closed_hazard_is_shown_read_only_and_undo_of_older_edits_is_refused(editor, db, hazard_id, stack,
                                                                                jpeg_photo):
    editor.set_severity("major")
    with db.session() as session:
        change_status(session, db.store, find_hazard(session, hazard_id), "closed", "li", note="fixed",
                      photos=[jpeg_photo])
    editor.set_hazard(hazard_id)
    assert editor.is_read_only()
    assert editor.texts["room"].isReadOnly() and not editor.severity_major.isEnabled()
    assert not editor.add_photo_button.isVisibleTo(editor)
    editor.set_severity("general")
    assert read(db, hazard_id).severity == "major"
    stack.undo()  # the edit from before the closing can no longer be undone: said, not crashed
    assert read(db, hazard_id).severity == "major"
    assert "final" in editor.message.text()
    assert audit_ok(db)


def test_no_hazard_shows_an_empty_disabled_editor(qtbot, db, catalogue, stack, english):
    from inspector_app.ui.editor import HazardEditor

    widget = HazardEditor(db, catalogue, "li", stack, recent_categories=["fire_use.smoking"])
    qtbot.addWidget(widget)
    assert widget.recent_categories() == ["fire_use.smoking"]
    assert widget.picker.visible_codes()[0] == "fire_use.smoking"
    assert not widget.body.isEnabled()
    widget.set_hazard("NO-SUCH")
    assert widget.hazard_id is None
    assert widget.message.isVisibleTo(widget)


def test_an_empty_editor_shows_no_deadline_and_writes_none(editor, db, hazard_id, stack):
    shown = read(db, hazard_id).deadline
    assert editor.deadline.text() == shown.isoformat()
    editor.set_hazard(None)
    assert editor.deadline.text().strip() == ""  # not a made-up 2000-01-01
    assert stack.count() == 0 and read(db, hazard_id).deadline == shown
    editor.set_hazard(hazard_id)
    assert editor.deadline.text() == shown.isoformat()
