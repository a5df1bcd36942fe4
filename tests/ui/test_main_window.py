"""The main window on a demo ledger: the navigator lists places, choosing one narrows the ledger,
inspections are chosen and started, the language switches without losing the place, and the window
remembers its last floor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from inspector_app.ui.inspection_dialog import InspectionDialog
from inspector_app.ui.main_window import MainWindow
from inspector_app.ui.models import ID_ROLE, KIND_ROLE


@pytest.fixture
def context(demo_context):
    return demo_context


@pytest.fixture
def window(qtbot, context):
    main = MainWindow(context)
    qtbot.addWidget(main)
    return main


def _floor(window, building_row=1, floor_row=0):
    model = window.tree_model
    return model.index(floor_row, 0, model.index(building_row, 0, model.index(0, 0)))


def test_navigator_lists_the_school_its_buildings_and_floors(window):
    model = window.tree_model
    assert model.rowCount() == 1
    site = model.index(0, 0)
    assert model.rowCount(site) == 3
    assert sum(model.rowCount(model.index(r, 0, site)) for r in range(3)) == 6
    # A first start opens on the first floor's plan, not on an empty canvas.
    assert window.tree.currentIndex().data(KIND_ROLE) == "floor"
    assert window.plan_panel.document is not None
    window.tree.setCurrentIndex(site)
    assert window.hazard_model.rowCount() >= 40


def test_choosing_a_floor_narrows_the_ledger(window):
    floor = _floor(window)
    assert floor.data(KIND_ROLE) == "floor"
    window.tree.setCurrentIndex(floor)
    shown = [window.hazard_model.row_at(r) for r in range(window.hazard_model.rowCount())]
    assert shown
    assert {str(row.floor_id) for row in shown} == {floor.data(ID_ROLE)}
    assert window.place_label.text() == floor.data()


def test_the_demo_inspection_is_offered_and_feeds_the_summary(window):
    assert window.inspection_combo.count() == 2  # "(none chosen)" and the demo's inspection
    assert window.inspection_combo.currentIndex() == 1, "the newest inspection is chosen at start"
    assert window.current_inspection() is not None
    assert window.summary.last["inspection"].total >= 40


def test_new_inspection_for_the_chosen_site(window, monkeypatch):
    window.tree.setCurrentIndex(window.tree_model.index(0, 0))

    def accept(dialog):
        dialog.inspectors.setText("Wang, Li")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(InspectionDialog, "exec", accept)
    window.new_inspection()
    assert window.inspection_combo.count() == 3
    assert "Wang, Li" in window.inspection_combo.currentText()


def test_language_switch_keeps_the_place_and_rows(window):
    floor = _floor(window, 0, 0)
    window.tree.setCurrentIndex(floor)
    rows_before = window.hazard_model.rowCount()
    window.switch_language("zh_CN")
    assert window.hazard_model.headerData(1, Qt.Orientation.Horizontal) == "状态"
    assert window.file_menu.title() == "文件(&F)"
    assert window.hazard_model.rowCount() == rows_before
    assert window.tree.currentIndex() == floor
    window.switch_language("en")
    assert window.file_menu.title() == "&File"


def test_remembers_the_last_floor(qtbot, context, window):
    floor = _floor(window, 2, 0)
    window.tree.setCurrentIndex(floor)
    window.close()
    again = MainWindow(context)
    qtbot.addWidget(again)
    assert again.tree.currentIndex().data(ID_ROLE) == floor.data(ID_ROLE)


def test_show_hazard_selects_its_floor_and_row(window):
    window.tree.setCurrentIndex(window.tree_model.index(0, 0))  # the whole site
    target = window.hazard_model.row_at(9)
    window.show_hazard(target.number)
    assert window.tree.currentIndex().data(ID_ROLE) == str(target.floor_id)
    assert window.ledger_view.selected_ids() == [target.id]


def test_models_pass_qt_model_tester(window, qtmodeltester):
    qtmodeltester.check(window.tree_model)


def test_scanning_a_notice_goes_to_the_hazard_and_offers_reinspection(window, monkeypatch, jpeg_photo):
    from inspector_app.core.hazards import find_hazard
    from inspector_app.core.queries import list_hazards
    from inspector_app.ui import ledger_view as ledger_view_module

    with window.context.db.session() as session:
        rows = list_hazards(session)
    awaiting = next(r for r in rows if r.status == "awaiting_reinspection")
    opened = next(r for r in rows if r.status == "open")

    window.scan_box.setText(opened.short_code.lower())
    window.scan_box.resolve()
    assert window.ledger_view.selected_ids() == [opened.id]
    assert window.tree.currentIndex().data(ID_ROLE) == str(opened.floor_id)

    def passed(dialog):
        dialog.photos.set_paths([jpeg_photo])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ledger_view_module.ReinspectionDialog, "exec", passed)
    window.scan_box.setText(f"http://192.0.2.1:8470/h/{awaiting.token}")  # what a USB scanner types
    window.scan_box.resolve()
    with window.context.db.session() as session:
        assert find_hazard(session, str(awaiting.id)).status == "closed"

    window.scan_box.setText("NOPE1234")
    window.scan_box.resolve()
    assert "NOPE1234" in window.statusBar().currentMessage()
    assert window.scan_box.text() == "NOPE1234"  # kept, selected, for correcting
