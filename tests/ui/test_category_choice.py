"""Choosing a new hazard's category: the list speaks the program's language first (English names
first in English), and starts where the hazard most likely is: the recently used categories, else
those the building's checklist looks for, not on whatever sorts first (bed curtains in a teaching
building)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from inspector_app.core import structure
from inspector_app.i18n import set_language
from inspector_app.ui.editor.category_picker import CODE_ROLE, CategoryPicker
from tests.ui.conftest import answer_dialog


def offered(qtbot, widget) -> dict:
    """Tap the plan in adding mode and read the new-hazard dialog that opens, then cancel it."""
    seen: dict = {}

    def read(dialog: QDialog) -> None:
        combo = dialog.category
        seen.update(current=combo.currentData(), text=combo.currentText(),
                    codes=[combo.itemData(i) for i in range(combo.count())])
        dialog.reject()

    state = answer_dialog(qtbot, read)
    widget.add_hazard_at(0.5, 0.5)
    assert state["answered"]
    return seen


def area_of(context, floor_id) -> str:
    with context.db.session() as session:
        return structure.area_type_of_floor(session, floor_id)


def test_the_new_hazard_list_starts_on_the_buildings_checklist_in_the_programs_language(qtbot, panel):
    widget, _stack, context = panel
    catalogue = context.catalogue
    area = area_of(context, widget.floor_id)
    usual = catalogue.categories_for_area(area)
    assert usual, f"the demo's {area} has a checklist"

    seen = offered(qtbot, widget)
    first = catalogue.categories[usual[0]].name
    assert seen["current"] == usual[0]
    assert seen["text"] == f"{first.en} · {first.zh}"  # English first, in English
    listed = [code for code in seen["codes"] if code]
    assert listed[:len(usual)] == usual and sorted(listed) == sorted(catalogue.categories)

    set_language("zh_CN")
    assert offered(qtbot, widget)["text"] == f"{first.zh} · {first.en}"


def test_the_recently_used_come_first(qtbot, panel):
    widget, _stack, _context = panel
    widget.recent_categories = ["fire_use.smoking", "no.such_code"]
    seen = offered(qtbot, widget)
    assert seen["current"] == "fire_use.smoking"


def test_the_editors_picker_lists_the_places_checklist_after_the_recent_ones(qtbot, catalogue, english):
    picker = CategoryPicker(catalogue, recent=["fire_use.smoking"])
    qtbot.addWidget(picker)
    picker.set_area_type("dormitory")
    assert [picker.model.item(row).text() for row in range(3)] == [
        "Recently used", "On the checklist of: Dormitory", catalogue.groups["electrical"].name.en]
    usual = catalogue.categories_for_area("dormitory")
    assert picker.visible_codes()[1:1 + len(usual)] == usual
    picker.start_on_first()
    assert picker.tree.currentIndex().data(CODE_ROLE) == "fire_use.smoking"
