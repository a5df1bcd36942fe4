"""The first day in the program, in Chinese and in English: the real main window on an empty ledger,
and without the command line or private methods a new user sets up a site, a building and a floor,
imports a real PDF plan onto the floor, pins a hazard by clicking the plan, finds it in the ledger and
prints its notice. Dialogs are answered the way a person does: typing, Enter, clicking their buttons;
only the operating system's file choosers are stood in for."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from sqlalchemy import select

from inspector_app.core.models import Floor, Hazard, Notice, PlanDocument, notice_hazards
from inspector_app.i18n import set_language
from inspector_app.ui.main_window import MainWindow
from tests.ui.conftest import answer_dialogs, click_button, type_text

TEXTS = {
    "en": {"site": "No. 1 Middle School", "building": "Dormitory 2", "floor": "3F", "ledger": "Ledger",
           "close": "Close", "empty": "This ledger is empty", "import": "Import a plan for this floor…",
           "description": "Hot plate under the bed in room 305", "scope": "Floor: Dormitory 2 › 3F",
           "notice": "notice", "saved": "Saved"},
    "zh_CN": {"site": "离石区第一中学", "building": "2号宿舍楼", "floor": "三层", "ledger": "台账",
              "close": "Close", "empty": "台账还是空的", "import": "为该楼层导入图纸…",
              "description": "305 室床下使用电热炉", "scope": "楼层：2号宿舍楼 › 三层",
              "notice": "整改通知书", "saved": "已保存"},
}


def type_and_enter(qtbot, text):
    """A name dialog: type into the focused name field and press Enter (its default button)."""
    def answer(dialog):
        type_text(qtbot, dialog.name, text)
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    return answer


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_from_an_empty_ledger_to_a_printed_notice(qtbot, empty_context, floorplans, tmp_path, monkeypatch,
                                                   language):
    set_language(language)
    texts = TEXTS[language]
    context = empty_context
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)

    # -- an empty ledger says so, and offers the way in -----------------------------------------
    assert window.places.first_site_button.isVisible()
    assert window.plan_panel.empty_text.text().startswith(texts["empty"])
    assert window.plan_panel.empty_button.isVisible()
    assert not window.plan_panel.add_action.isEnabled()  # nowhere to pin a hazard yet

    # -- site, building, floor from the navigator's buttons ------------------------------------
    answer_dialogs(qtbot, type_and_enter(qtbot, texts["site"]))
    qtbot.mouseClick(window.places.buttons["site"], Qt.MouseButton.LeftButton)
    assert window.tree.currentIndex().data() == texts["site"]
    assert not window.places.first_site_button.isVisible()
    answer_dialogs(qtbot, type_and_enter(qtbot, texts["building"]))
    qtbot.mouseClick(window.places.buttons["building"], Qt.MouseButton.LeftButton)
    assert window.tree.currentIndex().data() == texts["building"]
    answer_dialogs(qtbot, type_and_enter(qtbot, texts["floor"]))
    qtbot.mouseClick(window.places.buttons["floor"], Qt.MouseButton.LeftButton)
    assert window.tree.currentIndex().data() == texts["floor"]
    with context.db.session() as session:
        floor = session.query(Floor).one()
        floor_id = floor.id
        assert floor.name == texts["floor"]
    assert window.plan_panel.floor_id == floor_id

    # -- the floor's plan: the empty plan offers to import one; it loads in the background --------
    plan = floorplans / "pdf" / "derived_from_shipped_plans.pdf"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(plan), ""))
    assert window.plan_panel.empty_button.text() == texts["import"]
    qtbot.mouseClick(window.plan_panel.empty_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.plan_panel.document is not None, timeout=30000)
    assert window.plan_panel.document.format == "pdf"
    with context.db.session() as session:
        assert [p.filename for p in session.query(PlanDocument)] == [plan.name]
    assert window.plan_panel.add_action.isEnabled()

    # -- a hazard by clicking the plan ---------------------------------------------------------
    def describe(dialog):
        dialog.category.setCurrentIndex(dialog.category.findData("electrical.high_power_appliance"))
        type_text(qtbot, dialog.description, texts["description"])
        qtbot.keyClick(dialog.description, Qt.Key.Key_Return)

    panel = window.plan_panel
    qtbot.mouseClick(panel.toolbar.widgetForAction(panel.add_action), Qt.MouseButton.LeftButton)
    view = panel.view
    qtbot.waitUntil(lambda: view.page_width > 0)
    spot = view.mapFromScene(QPointF(0.4 * view.page_width, 0.55 * view.page_height))
    answer_dialogs(qtbot, describe)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    with context.db.session() as session:
        hazard = session.query(Hazard).one()
        number, hazard_id = hazard.number, hazard.id
        assert hazard.floor_id == floor_id and hazard.description == texts["description"]
        assert hazard.x == pytest.approx(0.4, abs=0.01) and hazard.y == pytest.approx(0.55, abs=0.01)
    assert window.editor.hazard_id == str(hazard_id)

    # -- in the ledger: scoped to the floor, found by its number --------------------------------
    window.ledger_tab_action.trigger()  # View → Ledger (Alt+2)
    assert window.tabs.currentWidget() is window.ledger_view
    assert window.tabs.tabText(window.tabs.currentIndex()) == texts["ledger"]
    ledger = window.ledger_view
    assert ledger.scope_button.isVisible() and ledger.scope_button.text().startswith(texts["scope"])
    qtbot.keyClicks(ledger.search, number)
    qtbot.waitUntil(lambda: not ledger.search_timer.isActive())
    assert ledger.model.rowCount() == 1
    row = ledger.table.visualRect(ledger.model.index(0, 0)).center()
    qtbot.mouseClick(ledger.table.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert window.selected_hazard_ids() == [str(hazard_id)]

    # -- its notice: the QR address is not set, print anyway; save; close the "saved" box ------
    out = tmp_path / "notice.pdf"
    suggested: list[str] = []

    def save_as(_parent, _title, name, _filter):
        suggested.append(name)
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    told: list[str] = []

    def read_and_print(box) -> None:
        told.append(box.text())
        box.print_button.click()

    answers = [lambda box: box.anyway_button.click(), lambda box: click_button(box, texts["close"])]
    if language == "en":  # the new organisation chose no language: its notices are Chinese, and that is said
        answers.insert(1, read_and_print)
    titles = answer_dialogs(qtbot, *answers)
    notice_action = next(action for action, kind in window.print_actions if kind == "notice")
    notice_action.trigger()
    qtbot.waitUntil(lambda: len(titles) == len(answers), timeout=60000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=10000)
    assert out.is_file() and out.stat().st_size > 1000
    # Named after its hazard (notices no longer overwrite each other); said to be saved, not printed.
    assert [Path(name).name for name in suggested] == [f"{texts['notice']}-{number}.pdf"]
    assert Path(suggested[0]).is_absolute()  # in a folder of the inspector's, not the program's own
    assert titles[-1] == texts["saved"]
    assert told == ([] if language == "zh_CN" else [
        "The notice will be printed in Chinese, the program's first language: no organisation of these hazards "
        "has chosen a language for its documents."])
    with context.db.session() as session:
        assert session.query(Notice).count() == 1
        assert session.scalars(select(notice_hazards.c.hazard_id)).all() == [hazard_id]
    window.close()  # stops the plan's render worker and releases the file
