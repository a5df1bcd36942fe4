"""The main window on a demo ledger: the navigator lists places, choosing one lists its hazards,
the language switches without losing the selection, and the models behave as Qt expects."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtCore import Qt

from inspector_app.cli.context import AppContext
from inspector_app.core.demo import create_demo
from inspector_app.core.settings import Settings
from inspector_app.i18n import set_language
from inspector_app.ui.main_window import MainWindow
from inspector_app.ui.models import ID_ROLE, KIND_ROLE


@pytest.fixture
def window(qtbot, tmp_path, catalogue):
    set_language("en")
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "ui.sqlite"), database_url=None, actor="ui", forms=[]))
    create_demo(context.db, catalogue)
    main = MainWindow(context)
    qtbot.addWidget(main)
    yield main
    context.close()
    set_language("en")


def test_navigator_lists_the_school_its_buildings_and_floors(window):
    model = window.tree_model
    assert model.rowCount() == 1
    site = model.index(0, 0)
    assert model.rowCount(site) == 3
    floors = sum(model.rowCount(model.index(r, 0, site)) for r in range(3))
    assert floors == 6
    assert window.hazard_model.rowCount() >= 40


def test_choosing_a_floor_lists_only_its_hazards(window):
    model = window.tree_model
    building = model.index(1, 0, model.index(0, 0))
    floor = model.index(0, 0, building)
    assert floor.data(KIND_ROLE) == "floor"
    window.tree.setCurrentIndex(floor)
    shown = [window.hazard_model.row_at(r) for r in range(window.hazard_model.rowCount())]
    assert shown
    assert {str(row.floor_id) for row in shown} == {floor.data(ID_ROLE)}
    assert window.place_label.text() == floor.data()


def test_status_filter(window):
    window.status_filter.setCurrentIndex(window.status_filter.findData("closed"))
    statuses = {window.hazard_model.row_at(r).status for r in range(window.hazard_model.rowCount())}
    assert statuses == {"closed"}


def test_language_switch_keeps_the_place_and_rows(window):
    floor = window.tree_model.index(0, 0, window.tree_model.index(0, 0, window.tree_model.index(0, 0)))
    window.tree.setCurrentIndex(floor)
    rows_before = window.hazard_model.rowCount()
    window.switch_language("zh_CN")
    assert window.hazard_model.headerData(1, Qt.Orientation.Horizontal) == "状态"
    assert window.file_menu.title() == "文件(&F)"
    assert window.hazard_model.rowCount() == rows_before
    assert window.tree.currentIndex() == floor
    window.switch_language("en")
    assert window.file_menu.title() == "&File"


def test_models_pass_qt_model_tester(window, qtmodeltester):
    qtmodeltester.check(window.tree_model)
    qtmodeltester.check(window.hazard_model)
