"""The editor's status badge offers the hazard's next states (core.workflow.allowed_targets) and changes
the status as the ledger does: the step's needs (a note to withdraw, an after-photo to close) are asked
in the same dialog, whose OK waits for them. A final status offers nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from inspector_app.core.hazards import find_hazard
from tests.ui.conftest import answer_dialog, click_button, type_text

# A menu pops up: the offscreen platform says it cannot raise it nor grab the keyboard for it.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")


def pick_from_menu(qtbot, button, state: str) -> None:
    """Click ``button`` and, in the menu it pops up, the entry for ``state``, as a user does; returns
    once that entry's work (and any dialog it asked) is over."""
    picked = {"done": False}

    def look() -> None:
        popup = QApplication.activePopupWidget()
        if isinstance(popup, QMenu) and popup.isVisible():
            action = next(a for a in popup.actions() if a.data() == state)
            spot = popup.actionGeometry(action).center()
            QTest.mouseMove(popup, spot)  # a menu takes the entry under the pointer, as a hand moves to it
            QTest.mouseClick(popup, Qt.MouseButton.LeftButton, pos=spot)
            picked["done"] = True
        else:
            QTimer.singleShot(20, look)

    button.window().show()
    qtbot.waitExposed(button.window())
    QTimer.singleShot(0, look)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: picked["done"], timeout=15000)


def status_of(db, hazard_id: str) -> str:
    with db.session() as session:
        return find_hazard(session, hazard_id).status


def test_the_badge_offers_the_next_states_and_asks_what_a_step_needs(qtbot, editor, db, hazard_id):
    badge = editor.status_chip
    assert badge.text().startswith("Open")
    assert [a.data() for a in badge.menu().actions()] == ["in_progress", "awaiting_reinspection", "closed",
                                                          "withdrawn"]
    seen: dict[str, object] = {}

    def withdraw(dialog) -> None:
        seen.update(title=dialog.windowTitle(), needs=dialog.needs.text(), ok_before=dialog.ok.isEnabled(),
                    target=dialog.target.currentData(), photos=dialog.photos.isVisible())
        type_text(qtbot, dialog.note, "Recorded twice by mistake")
        seen["ok_after"] = dialog.ok.isEnabled()
        click_button(dialog, "OK")

    state = answer_dialog(qtbot, withdraw)
    pick_from_menu(qtbot, badge, "withdrawn")
    assert state["answered"]
    number = editor._number
    assert seen == {"title": f"Change the status of hazard {number}", "target": "withdrawn",
                    "needs": "Withdrawing needs a reason: say why in the note.", "ok_before": False, "ok_after": True,
                    "photos": False}  # withdrawing takes no after-photo: not offered
    assert status_of(db, hazard_id) == "withdrawn"
    assert editor.message.text() == f"Hazard {number} is now Withdrawn."
    # Final: the badge says so and offers nothing more.
    assert badge.text() == "Withdrawn"
    assert badge.menu() is None


def test_closing_from_the_badge_needs_an_after_photo(qtbot, editor, db, hazard_id, jpeg_photo):
    def close(dialog) -> None:
        assert dialog.needs.text() == "Closing needs an after-photo showing the fixed state."
        assert not dialog.ok.isEnabled() and dialog.photos.isVisible()
        dialog.photos.set_paths([jpeg_photo])  # what "Add after-photo…" hands back
        assert dialog.ok.isEnabled()
        click_button(dialog, "OK")

    answer_dialog(qtbot, close)
    pick_from_menu(qtbot, editor.status_chip, "closed")
    assert status_of(db, hazard_id) == "closed"
    assert editor.is_read_only()


def test_cancel_changes_nothing(qtbot, editor, db, hazard_id):
    answer_dialog(qtbot, lambda dialog: click_button(dialog, "Cancel"))
    pick_from_menu(qtbot, editor.status_chip, "in_progress")
    assert status_of(db, hazard_id) == "open"
    assert editor.status_chip.text().startswith("Open")


def test_no_badge_without_a_hazard(editor):
    editor.set_hazard(None)
    assert editor.status_chip.isHidden()
    assert editor.phrases_label.isHidden()
