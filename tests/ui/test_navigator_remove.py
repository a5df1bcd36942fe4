"""Removing a place from the navigator: one that holds anything is refused at once, saying what it holds
and what to do instead (no "Remove?" first, then a refusal); an empty one is asked about, and Enter (the
default button) keeps it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from inspector_app.core import structure
from inspector_app.ui.navigator import Navigator
from tests.ui.conftest import answer_dialog, click_button


@pytest.fixture
def navigator(qtbot, demo_context):
    widget = Navigator(demo_context)
    qtbot.addWidget(widget)
    widget.placesChanged.connect(lambda _place: reload(widget))
    reload(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def reload(navigator) -> None:
    with navigator.context.db.session() as session:
        navigator.model.set_sites(structure.site_tree(session))
    navigator.tree.expandAll()


def press_delete_on(qtbot, navigator, place_id: str, answer) -> dict:
    """Choose the place in the tree and press Delete, answering the box that comes; returns what it showed."""
    navigator.tree.setCurrentIndex(navigator.model.find_place(place_id))
    navigator.activateWindow()  # back to the window after the last box, as a user's click would
    qtbot.waitUntil(navigator.isActiveWindow)
    navigator.tree.setFocus()
    seen: dict = {}

    def look(box) -> None:
        seen.update(title=box.windowTitle(), text=box.text(), buttons=[b.text() for b in box.buttons()],
                    default=box.defaultButton().text() if box.defaultButton() else None)
        answer(box)

    state = answer_dialog(qtbot, look)
    QTest.keyClick(navigator.tree, Qt.Key.Key_Delete)
    assert state["answered"], "Delete showed no box"
    return seen


def place_ids(navigator) -> set[str]:
    with navigator.context.db.session() as session:
        return {str(node.id) for site in structure.site_tree(session) for node in
                [site, *site.buildings, *[f for b in site.buildings for f in b.floors]]}


def test_a_building_with_hazards_is_refused_up_front_saying_why(qtbot, navigator):
    with navigator.context.db.session() as session:
        building = structure.site_tree(session)[0].buildings[0]
        ident, floors = str(building.id), len(building.floors)
    seen = press_delete_on(qtbot, navigator, ident, lambda box: click_button(box, "OK"))
    assert seen["title"] == "Cannot remove"
    assert seen["buttons"] == ["OK"]  # nothing to confirm: it is not going to happen
    assert f"it holds {floors} floors, with " in seen["text"]
    assert "hazards stay in the ledger" in seen["text"].lower() and "rename it" in seen["text"]
    assert ident in place_ids(navigator)


def test_an_empty_floor_is_asked_about_and_enter_keeps_it(qtbot, navigator):
    with navigator.context.db.session() as session:
        site = structure.site_tree(session)[0]
        annex = structure.add_building(session, site.id, "Annex", "storage")
        floor = str(structure.add_floor(session, annex.id, "B1").id)
        annex_id = str(annex.id)
    reload(navigator)

    # The building holds an empty floor: remove that first, it says.
    seen = press_delete_on(qtbot, navigator, annex_id, lambda box: click_button(box, "OK"))
    assert seen["text"] == "Cannot remove the building 'Annex': it holds 1 floor. Remove them first."

    seen = press_delete_on(qtbot, navigator, floor, lambda box: QTest.keyClick(box, Qt.Key.Key_Return))
    assert seen["title"] == "Remove" and seen["default"] == "Cancel"
    assert floor in place_ids(navigator), "Enter chose the default, Cancel"

    press_delete_on(qtbot, navigator, floor, lambda box: click_button(box, "Remove"))
    assert floor not in place_ids(navigator)
    assert annex_id in place_ids(navigator)
