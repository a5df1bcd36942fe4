"""Small things a newcomer met in the first hour (issue 22, item 20): one "Other" under "Used as"; no red
"give the address" before any typing; a success line that goes with the next thing done; Redo on both
Ctrl+Shift+Z and Ctrl+Y; file dialogs that start where the last of their kind was, not in the program's
folder; a new hazard shown from the editor's top; every date field in the one date format."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDateEdit, QFileDialog, QScrollArea

from inspector_app.core import dates
from inspector_app.core.settings import load_settings
from inspector_app.ui import file_dialogs
from inspector_app.ui.inspection_dialog import InspectionDialog
from inspector_app.ui.place_dialogs import FirstSiteDialog, PlaceDialog
from inspector_app.ui.status_dialogs import ReviewDialog
from inspector_app.ui.sync_panel import ConnectDialog
from tests.ui.conftest import answer_dialog, click_button, shown_window, type_text

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot, demo_context):
    with shown_window(qtbot, demo_context) as main:
        yield main
    file_dialogs.remember_in(None)


def test_used_as_offers_other_once(qtbot, catalogue, english):
    for dialog in (PlaceDialog("building", "School", catalogue=catalogue), FirstSiteDialog(catalogue)):
        qtbot.addWidget(dialog)
        combo = dialog.area_type
        texts = [combo.itemText(i) for i in range(combo.count())]
        assert len(texts) == len(set(texts)) == len(catalogue.area_types), texts
        assert combo.currentData() == "other" and texts[-1] == "Other"


def test_the_connect_dialog_says_nothing_in_red_before_any_typing(qtbot, english):
    dialog = ConnectDialog("", "")
    qtbot.addWidget(dialog)
    assert dialog.problem.text() == "" and not dialog.ok_button.isEnabled()
    type_text(qtbot, dialog.server, "ftp://x")
    assert "http://" in dialog.problem.text()
    dialog.server.clear()
    type_text(qtbot, dialog.server, "https://ledger.example.cn")
    assert dialog.problem.text() == "", "the token was not typed in yet: not judged yet"
    type_text(qtbot, dialog.token, "t")
    qtbot.keyClick(dialog.token, Qt.Key.Key_Backspace)
    assert dialog.problem.text() == "Give your token."


def test_a_success_line_goes_with_the_next_thing_done(qtbot, window):
    ledger = window.ledger_view
    window.ledger_tab_action.trigger()
    ledger.status.setCurrentIndex(ledger.status.findData("open"))
    ledger.table.selectRow(0)

    def start(dialog) -> None:
        dialog.target.setCurrentIndex(dialog.target.findData("in_progress"))
        click_button(dialog, "OK")

    answer_dialog(qtbot, start)
    qtbot.mouseClick(ledger.status_button, Qt.MouseButton.LeftButton)
    assert ledger.message.text() == "1 hazard changed."
    ledger.table.selectRow(1)  # the next thing done
    assert ledger.message.text() == ""


def test_redo_answers_both_keys_and_the_readme_names_the_menus(qtbot, window):
    keys = [key.toString() for key in window.redo_action.shortcuts()]
    assert keys[0] == "Ctrl+Shift+Z" and "Ctrl+Y" in keys  # the first is what the menu shows
    assert "Ctrl+Shift+Z" in (REPO / "README.md").read_text(encoding="utf-8")
    floor_hazard = window.hazard_model.row_at(0)
    window.editor.set_hazard(str(floor_hazard.id))
    button = window.editor.severity_general if floor_hazard.severity == "major" else window.editor.severity_major
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window.undo_action.trigger()
    assert window.redo_action.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.tree, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert not window.redo_action.isEnabled(), "Ctrl+Y redid the step"
    assert QKeySequence("Ctrl+Shift+Z").matches(window.redo_action.shortcut()) == QKeySequence.SequenceMatch.ExactMatch


def test_file_dialogs_start_where_their_kind_was_last(qtbot, window, tmp_path, monkeypatch):
    starts: list[tuple[str, str]] = []
    plans, photos = tmp_path / "plans", tmp_path / "photos"
    plans.mkdir()
    photos.mkdir()

    def choose(folder: Path):
        def dialog(_parent, title, start, *_rest):
            starts.append((title, start))
            return str(folder / "chosen.pdf"), ""
        return dialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose(plans))
    assert file_dialogs.open_file(window, "plan", "Plan", "*") == plans / "chosen.pdf"
    assert starts[-1][1] == str(Path.home()), "the first time, home: never the program's folder"
    file_dialogs.open_file(window, "plan", "Plan", "*")
    assert starts[-1][1] == str(plans)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose(photos))
    file_dialogs.open_file(window, "photo", "Photo", "*")
    assert starts[-1][1] == str(Path.home()), "each kind its own folder"
    assert load_settings().last_folders == {"plan": str(plans), "photo": str(photos)}  # kept for next time

    seen: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, start, _patterns: (seen.append(start), ("", ""))[1])
    file_dialogs.save_file(window, "print", "Save", "notice-LL1-0001.pdf", "*.pdf")
    assert seen == [str(Path.home() / "notice-LL1-0001.pdf")]  # a full path: not the working directory


def test_another_hazard_is_shown_from_the_editors_top(qtbot, window):
    first, second = window.hazard_model.row_at(0), window.hazard_model.row_at(1)
    window.editor.set_hazard(str(first.id))
    bar = window.editor.findChild(QScrollArea).verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    window.editor.set_hazard(str(second.id))
    assert bar.value() == 0


def test_every_date_field_uses_the_one_format(qtbot, window, english):
    fields = [window.ledger_view.date_from, window.ledger_view.date_to, window.editor.deadline,
              InspectionDialog(parent=window).date, ReviewDialog(1, window).date]
    assert {field.displayFormat() for field in fields} == {dates.QT_DATE_FORMAT}
    assert all(isinstance(field, QDateEdit) for field in fields)
    row = window.hazard_model.row_at(0)
    assert window.hazard_model.index(0, 5).data() == dates.shown_date(row.deadline)
