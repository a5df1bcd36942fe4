"""On a 1366-px laptop screen no part of the main window may ask for more width than the screen has
(issue 22, item 8): with places named as long as the ledger allows, after visiting every tab (plan,
ledger, the editor and the summary at the side) with a site, a building and a floor chosen and a hazard
open, in Chinese and in English, the window's minimum width stays within 1366 px."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inspector_app.core import structure
from inspector_app.core.queries import list_hazards
from inspector_app.ui.main_window import MainWindow

SCREEN_WIDTH = 1366
LONG = {"site": "吕梁市离石区第一实验中学（含附属小学、幼儿园及东校区综合楼）消防安全重点单位 "
                "Lüliang No. 1 Experimental Middle School, East Campus, with its primary school and kindergarten",
        "building": "综合教学实验楼及图书信息中心（东翼、西翼与连廊）Teaching, laboratory and library building, "
                    "east and west wings with the link corridor",
        "floor": "地上第三层（含夹层、设备间与屋顶检修通道）Third floor with mezzanine"}


@pytest.fixture
def window(qtbot, demo_context):
    with demo_context.db.session() as session:
        for site in structure.site_tree(session):
            structure.rename_place(session, "site", site.id, LONG["site"][:structure.MAX_NAME["site"]])
            for n, building in enumerate(site.buildings):
                name = f"{n + 1} {LONG['building']}"[:structure.MAX_NAME["building"]]
                structure.rename_place(session, "building", building.id, name)
                for m, floor in enumerate(building.floors):
                    name = f"{m + 1} {LONG['floor']}"[:structure.MAX_NAME["floor"]]
                    structure.rename_place(session, "floor", floor.id, name)
    main = MainWindow(demo_context)
    qtbot.addWidget(main)
    main.resize(SCREEN_WIDTH, 740)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def _too_wide(window: MainWindow, where: str) -> list[str]:
    asked = max(window.minimumSizeHint().width(), window.minimumWidth())
    return [f"{where}: {asked} px"] if asked > SCREEN_WIDTH else []


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_no_tab_makes_the_window_wider_than_a_laptop_screen(window, qtbot, language):
    window.switch_language(language)
    with window.context.db.session() as session:
        hazard = next(r for r in list_hazards(session) if r.floor_id is not None)
    floor = window.tree_model.find_floor(hazard.floor_id)
    places = {"floor": floor, "building": floor.parent(), "site": floor.parent().parent()}
    problems: list[str] = []
    for kind, index in places.items():
        window.tree.scrollTo(index)
        qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=window.tree.visualRect(index).center())
        assert window.selected is not None and window.selected[0] == kind
        window.ledger_tab_action.trigger()
        window.ledger_view.select_hazard(hazard.id)  # the editor shows it, with its long location
        for dock in (window.summary_dock, window.editor_dock):
            dock.raise_()
            problems += _too_wide(window, f"{kind}, ledger tab, {dock.objectName()}")
        window.plan_tab_action.trigger()
        problems += _too_wide(window, f"{kind}, plan tab")
    assert window.ledger_view.scope_button.text().endswith("✕")  # the whole text stays, only cut on screen
    assert not problems, problems
    assert window.width() <= SCREEN_WIDTH  # nothing grew it past the screen meanwhile
