"""The editor's major-hazard panel driven as an inspector does: an e-bike hazard shows "may be a major
hazard" with item 6 and its questions; the answers enable confirming; the group decision dialog refuses
two names (and stays open saying why), then records three; a declined rule needs a reason; lowering a
confirmed severity asks for one, and Cancel keeps it major. Every step leaves its event and the history
verifies; a hazard no rule points at shows only the rules menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from inspector_app.core import audit
from inspector_app.core.hazards import add_hazard, find_hazard
from inspector_app.ui.editor import HazardEditor
from tests.ui.conftest import answer_dialog, answer_dialogs, click_button, type_text

EBIKE = "edu2024.3.1.6"


@pytest.fixture
def ebike_editor(qtbot, db, floor, catalogue, stack, english):
    with db.session() as session:
        hazard_id = str(add_hazard(session, catalogue, db.store, actor="li",
                                   category="electrical.ebike_indoor_charging", floor_id=floor, x=0.5, y=0.5,
                                   description="E-bike parked in the lobby").id)
    widget = HazardEditor(db, catalogue, "li", stack)
    qtbot.addWidget(widget)
    widget.set_hazard(hazard_id)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, hazard_id


def read(db, hazard_id):
    with db.session() as session:
        return find_hazard(session, hazard_id)


def kinds(db, hazard_id) -> list[str]:
    from sqlalchemy import select

    from inspector_app.core.models import HazardEvent

    with db.session() as session:
        return list(session.scalars(select(HazardEvent.kind).where(HazardEvent.hazard_id == read(db, hazard_id).id)
                                    .order_by(HazardEvent.seq)))


def answer(qtbot, panel, row: int, yes: bool) -> None:
    button = panel.findChild(QPushButton, f"answer_{row}_{'yes' if yes else 'no'}")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_panel_proposes_item_6_and_its_questions(ebike_editor, catalogue):
    editor, _hazard_id = ebike_editor
    panel = editor.major_panel
    assert panel.isVisible() and panel.header.text() == "⚠ May be a major hazard"
    assert "Art. 3 (1), item 6" in panel.reference.text()
    rule = catalogue.major_rules[EBIKE]
    # On an English screen the gloss, then the words as the source has them.
    assert rule.gloss in panel.rule_text.text() and rule.text in panel.rule_text.text()
    assert "item 10" in panel.source_note.text()
    questions = [panel.findChild(type(panel.header), f"question_{row}").text() for row in range(2)]
    assert questions == [f"{n}. {q.en}" for n, q in enumerate(rule.questions, start=1)]
    assert not panel.confirm_button.isEnabled() and panel.decline_button.isEnabled()


def test_confirming_needs_a_yes_and_three_names(qtbot, ebike_editor, db):
    editor, hazard_id = ebike_editor
    panel = editor.major_panel
    answer(qtbot, panel, 0, False)
    assert not panel.confirm_button.isEnabled()
    answer(qtbot, panel, 1, True)  # one yes is enough for item 6
    assert panel.confirm_button.isEnabled()
    seen: dict[str, object] = {}

    def two_names_then_three(dialog) -> None:
        dialog.names.clear()
        type_text(qtbot, dialog.names, "王建国\n李秀英")
        click_button(dialog, "Confirm major hazard")
        seen["refused"] = dialog.error.text()
        seen["still_open"] = dialog.isVisible()
        type_text(qtbot, dialog.names, "\n张伟")
        click_button(dialog, "Confirm major hazard")

    answer_dialog(qtbot, two_names_then_three)
    with qtbot.waitSignal(editor.hazardChanged):
        qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    assert "at least 3 people; 2 named" in str(seen["refused"]) and seen["still_open"]
    hazard = read(db, hazard_id)
    assert (hazard.severity, hazard.major_rule) == ("major", EBIKE)
    assert kinds(db, hazard_id)[-1] == "major_decided"
    assert editor.severity_major.isChecked()
    assert panel.header.text() == "Major hazard confirmed · listed supervision"
    assert panel.record_button.isVisible() and not panel.confirm_button.isVisible()
    assert "王建国, 李秀英, 张伟" in panel.source_note.text()
    with qtbot.waitSignal(panel.recordRequested) as asked:
        qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert asked.args == [hazard_id]
    with db.session() as session:
        assert audit.verify(session).ok


def test_lowering_a_confirmed_severity_asks_for_a_reason(qtbot, ebike_editor, db, stack):
    editor, hazard_id = ebike_editor
    panel = editor.major_panel
    answer(qtbot, panel, 0, True)

    def group(dialog) -> None:
        # The actor, and a draft conclusion in the language of the organisation's documents (Chinese here,
        # whatever the screen speaks): the record prints it.
        assert dialog.names.toPlainText() == "li" and "第三条（一）第6项" in dialog.conclusion.toPlainText()
        click_button(dialog, "Confirm major hazard")  # the one name filled in is not a group: refused
        assert dialog.isVisible() and "1 named" in dialog.error.text()
        type_text(qtbot, dialog.names, "\n王建国\n张伟")
        click_button(dialog, "Confirm major hazard")

    answer_dialog(qtbot, group)
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    assert read(db, hazard_id).major_rule == EBIKE

    answer_dialog(qtbot, lambda dialog: click_button(dialog, "Cancel"))
    qtbot.mouseClick(editor.severity_general, Qt.MouseButton.LeftButton)
    assert read(db, hazard_id).severity == "major" and editor.severity_major.isChecked()

    def reason(dialog) -> None:
        click_button(dialog, "Lower the severity")  # empty: refused, the dialog says why
        assert "needs a reason" in dialog.error.text()
        type_text(qtbot, dialog.reason, "The e-bike was moved to the shed.")
        click_button(dialog, "Lower the severity")

    answer_dialog(qtbot, reason)
    qtbot.mouseClick(editor.severity_general, Qt.MouseButton.LeftButton)
    hazard = read(db, hazard_id)
    assert (hazard.severity, hazard.major_rule) == ("general", "")
    assert kinds(db, hazard_id)[-1] == "severity_lowered"
    assert stack.count() == 0  # official acts, not undo steps
    assert panel.header.text() == ""  # decided under item 6 already: not proposed again
    with db.session() as session:
        assert audit.verify(session).ok


def test_declining_needs_a_reason(qtbot, ebike_editor, db):
    editor, hazard_id = ebike_editor
    panel = editor.major_panel

    def decline(dialog) -> None:
        click_button(dialog, "Record the reason")
        assert dialog.isVisible() and "needs a reason" in dialog.error.text()
        type_text(qtbot, dialog.reason, "Parked in the open shed, not in the building.")
        click_button(dialog, "Record the reason")

    titles = answer_dialogs(qtbot, decline)
    qtbot.mouseClick(panel.decline_button, Qt.MouseButton.LeftButton)
    assert titles == ["Not a major hazard"]
    assert kinds(db, hazard_id)[-1] == "major_decided" and read(db, hazard_id).major_rule == ""
    assert not panel.confirm_button.isVisible() and panel.rules_button.isVisible()


def test_a_hazard_no_rule_points_at_offers_the_rules_menu_only(qtbot, editor, catalogue):
    panel = editor.major_panel  # the fixture's hazard: aging wiring, which no rule names
    assert panel.isVisibleTo(editor) and panel.rules_button.isVisibleTo(editor)
    assert not panel.confirm_button.isVisibleTo(editor) and not panel.reference.isVisibleTo(editor)
    assert len(panel.rules_menu.actions()) == len(catalogue.major_rules)
    panel.rules_menu.actions()[1].trigger()  # item 2, which no category points at
    assert "Art. 3 (1), item 2" in panel.reference.text() and panel.confirm_button.isVisibleTo(editor)
    assert panel.header.text() == "⚠ Checking against a major-hazard rule"
