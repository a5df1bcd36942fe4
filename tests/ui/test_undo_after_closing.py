"""Undo offers no step that is known to be impossible: once a hazard is closed (fixed on the spot) or
withdrawn, the editor's steps on it can never run again, so Undo stops offering them at once instead
of naming them until a click finds out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from inspector_app.core.hazards import find_hazard
from inspector_app.core.queries import list_hazards
from tests.ui.conftest import answer_dialog, click_button, shown_window, type_text


@pytest.fixture
def window(qtbot, demo_context):
    with shown_window(qtbot, demo_context) as main:
        yield main


def open_hazards(window, count: int) -> list[str]:
    with window.context.db.session() as session:
        return [str(row.id) for row in list_hazards(session) if row.status == "open"][:count]


def change_severity(qtbot, window, hazard_id: str) -> None:
    window.show_hazard(hazard_id)
    window.editor.set_hazard(hazard_id)
    button = window.editor.severity_general if window.editor.severity_major.isChecked() else \
        window.editor.severity_major
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_after_fixing_on_the_spot_undo_no_longer_offers_its_edits(qtbot, window, monkeypatch, jpeg_photo):
    (hazard,) = open_hazards(window, 1)
    change_severity(qtbot, window, hazard)
    assert window.undo_action.isEnabled() and window.undo_action.text() == "Undo Change severity"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(jpeg_photo), ""))

    def fixed(dialog) -> None:
        type_text(qtbot, dialog.note_edit, "Strip unplugged")
        click_button(dialog, "Choose after-photo…")
        click_button(dialog, "Close as fixed on the spot")

    state = answer_dialog(qtbot, fixed)
    qtbot.mouseClick(window.editor.fix_button, Qt.MouseButton.LeftButton)
    assert state["answered"]
    with window.context.db.session() as session:
        assert find_hazard(session, hazard).status == "closed"
    assert not window.undo_action.isEnabled() and window.undo_action.text() == "Undo"
    assert window.undo_stack.count() == 0


def test_a_step_further_down_goes_unrun_when_it_comes_up(qtbot, window):
    first, second = open_hazards(window, 2)
    change_severity(qtbot, window, first)
    change_severity(qtbot, window, second)
    with window.context.db.session() as session:
        second_severity = find_hazard(session, second).severity

    # The first is withdrawn from the editor's status badge, as the ledger would.
    window.editor.set_hazard(first)

    def withdraw(dialog) -> None:
        type_text(qtbot, dialog.note, "Recorded twice")
        click_button(dialog, "OK")

    answer_dialog(qtbot, withdraw)
    assert window.editor.change_status_to("withdrawn")
    assert window.undo_action.text() == "Undo Change severity"  # the second hazard's step, still possible
    window.undo_action.trigger()
    with window.context.db.session() as session:
        assert find_hazard(session, second).severity != second_severity  # undone
    # The first hazard's step came up: it is gone, not offered, and nothing was said about a failure.
    assert not window.undo_action.isEnabled()
    assert "no longer be undone" not in window.statusBar().currentMessage()
    assert window.redo_action.isEnabled() and window.redo_action.text() == "Redo Change severity"
