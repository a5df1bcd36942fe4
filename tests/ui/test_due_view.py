"""What is due, in the window (issue 25), on the demo ledger: a short notice at start whose lines open
their hazards, the Due tab listing what is due most pressing first, a line opened by double-click or
Enter, the days asked for changing the list, and the day's list printed to a PDF; the model passes
Qt's model tester."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices

from inspector_app.core.due import due_items
from inspector_app.ui import due_view as due_view_module
from inspector_app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_context):
    main = MainWindow(demo_context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_the_notice_at_start_says_what_is_due_and_a_line_opens_its_hazard(window, qtbot):
    notice = window.due_notice
    assert notice.isVisible()
    text = notice.text.text()
    with window.context.db.session() as session:
        items = due_items(session)
    first = items[0]
    assert first.why == "overdue" and first.number in text and "overdue" in text
    assert f"All {len(items)} in the Due view" in text
    notice.text.linkActivated.emit(f"hazard:{first.id}")  # what a click on the number does
    qtbot.waitUntil(lambda: window.editor.hazard_id == str(first.id))
    notice.text.linkActivated.emit("due:all")
    assert window.tabs.currentWidget() is window.due_view
    qtbot.mouseClick(notice.close_button, Qt.MouseButton.LeftButton)
    assert not notice.isVisible()


def test_the_due_view_lists_and_opens_hazards_and_prints_the_day(window, qtbot, qtmodeltester, tmp_path,
                                                                   monkeypatch):
    view = window.due_view
    window.tabs.setCurrentWidget(view)
    qtmodeltester.check(view.model)
    whys = [item.why for item in view.model.items]
    assert whys == sorted(whys, key=["overdue", "reinspection", "due"].index) and set(whys) == {
        "overdue", "reinspection", "due"}
    assert view.model.index(0, 0).data() == "Overdue"
    before = view.model.rowCount()
    view.days.setValue(60)  # further ahead: more deadlines come into the list
    assert view.model.rowCount() > before and "due within 60 days" in view.summary.text()
    row = next(r for r, item in enumerate(view.model.items) if item.why == "due")
    wanted = view.model.items[row]
    index = view.model.index(row, 1)
    view.table.setFocus()
    view.table.setCurrentIndex(index)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter on the line opens it, as a double-click does
    qtbot.waitUntil(lambda: window.editor.hazard_id == str(wanted.id))
    assert window.tabs.currentWidget() is not view  # the plan (or the ledger) shows the hazard
    out = tmp_path / "day.pdf"
    opened = []
    monkeypatch.setattr(due_view_module.file_dialogs, "save_file", lambda *args: out)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    window.tabs.setCurrentWidget(view)
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    assert opened == [str(out)] and str(out) in view.message.text()
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert all(item.number in text for item in view.model.items)
