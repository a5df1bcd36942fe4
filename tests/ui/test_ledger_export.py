"""Print → Export ledger… in the real main window, as an inspector uses it (issue 22, item 9): with
the dialog's own default choice (the hazards the ledger lists) every format is written, and with rows
selected in the ledger the dialog offers and writes exactly those, leaving the selection as it was."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import openpyxl
import pypdfium2
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QFileDialog

from inspector_app.core.hazards import find_hazard
from inspector_app.core.queries import list_hazards
from inspector_app.ui.main_window import MainWindow
from tests.ui.conftest import answer_dialogs, click_button, shown_window


@pytest.fixture
def window(qtbot, demo_context):
    with shown_window(qtbot, demo_context, 1280, 720) as main:
        yield main


def _busiest_floor(window: MainWindow) -> uuid.UUID:
    with window.context.db.session() as session:
        floors = [row.floor_id for row in list_hazards(session) if row.floor_id is not None]
    return max(set(floors), key=floors.count)


def _export(window: MainWindow, qtbot, monkeypatch, out: Path, kind: str, seen: dict[str, object]) -> None:
    """Print → Export ledger…: keep the dialog's choice of hazards, pick the format, save to ``out``."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))

    def keep_the_default_choice(dialog):
        seen["checked"] = dialog.choice.checkedButton().text()
        seen["selected"] = (dialog.selected_button.text(), dialog.selected_button.isEnabled())
        dialog.format.setCurrentIndex(dialog.format.findData(kind))
        click_button(dialog, "Export…")

    def read_and_close(box):
        seen["said"] = box.text()
        box.done(0)  # whichever box it is, Close or OK

    answered = answer_dialogs(qtbot, keep_the_default_choice, read_and_close)
    next(action for action, what in window.print_actions if what == "ledger").trigger()
    seen["titles"] = answered


def _numbers_in(out: Path, kind: str) -> list[str]:
    if kind == "csv":
        with out.open(encoding="utf-8-sig", newline="") as fh:
            return [row[0] for row in list(csv.reader(fh))[1:]]
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(out).active
        return [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    document = pypdfium2.PdfDocument(str(out))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return [word for word in text.split() if word.startswith("LL1-")]


@pytest.mark.parametrize("kind", ["xlsx", "csv", "pdf"])
def test_the_default_choice_writes_the_listed_hazards(window, qtbot, monkeypatch, tmp_path, kind):
    window.select_floor(_busiest_floor(window))
    window.ledger_tab_action.trigger()
    ledger = window.ledger_view
    with window.context.db.session() as session:
        listed = sorted(find_hazard(session, str(i)).number for i in ledger.model.ids())
    assert 1 < len(listed) < ledger.model.count_matching(type(ledger.current_filter())())
    out = tmp_path / f"ledger.{kind}"
    seen: dict[str, object] = {}
    _export(window, qtbot, monkeypatch, out, kind, seen)
    assert seen["titles"] == ["Export the ledger", "Saved"], seen.get("said")
    assert seen["checked"] == f"The {len(listed)} hazards the ledger lists now"
    assert seen["said"] == f"{len(listed)} hazards saved to {out}."
    assert sorted(_numbers_in(out, kind)) == listed


def test_the_selected_rows_are_offered_written_and_still_selected_after(window, qtbot, monkeypatch, tmp_path):
    window.select_floor(_busiest_floor(window))
    window.ledger_tab_action.trigger()
    table = window.ledger_view.table
    rows = (0, 2, 3)
    for n, row in enumerate(rows):  # a click, then Ctrl+clicks, as on the screen
        spot = table.visualRect(table.model().index(row, 1)).center()
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, spot)
    chosen = window.ledger_view.selected_ids()
    assert len(chosen) == len(rows)
    with window.context.db.session() as session:
        numbers = sorted(find_hazard(session, str(i)).number for i in chosen)
    out = tmp_path / "selected.csv"
    seen: dict[str, object] = {}
    _export(window, qtbot, monkeypatch, out, "csv", seen)
    assert seen["selected"] == ("The 3 selected hazards", True)
    assert seen["checked"] == "The 3 selected hazards"  # several rows chosen: they are what is meant
    assert seen["titles"] == ["Export the ledger", "Saved"], seen.get("said")
    assert sorted(_numbers_in(out, "csv")) == numbers
    assert sorted(window.ledger_view.selected_ids()) == sorted(chosen)  # the dialog left them selected


def test_a_list_read_anew_keeps_the_rows_selected(window, qtbot):
    """An edit in the editor re-reads the ledger: a selection of several rows must survive it too."""
    window.select_floor(_busiest_floor(window))
    view = window.ledger_view
    model, selection = view.model, view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    open_rows = [row for row in range(model.rowCount()) if model.row_at(row).status == "open"]
    for row in open_rows[:2]:  # open: the editor may change them
        selection.select(model.index(row, 0), flags)
    chosen = sorted(view.selected_ids())
    with window.context.db.session() as session:
        severity = find_hazard(session, str(chosen[0])).severity
    window.editor.set_hazard(str(chosen[0]))
    undo_steps = window.undo_stack.count()
    # The editor's change re-reads the ledger (the main window's wiring).
    window.editor.set_severity("major" if severity == "general" else "general")
    assert window.undo_stack.count() == undo_steps + 1
    assert sorted(view.selected_ids()) == chosen


def _export_choosing(window, qtbot, monkeypatch, out: Path, button: str) -> None:
    """Print → Export ledger…, choosing the ``button`` ("listed_button", "all_button") and XLSX."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))

    def choose(dialog):
        getattr(dialog, button).click()
        dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
        click_button(dialog, "Export…")

    answered = answer_dialogs(qtbot, choose, lambda box: box.done(0))
    next(action for action, what in window.print_actions if what == "ledger").trigger()
    assert answered == ["Export the ledger", "Saved"]


def test_the_files_subtitle_names_the_filters_only_of_the_hazards_they_chose(window, qtbot, monkeypatch, tmp_path):
    """A floor chosen in the navigator filters the list; the whole ledger written while it is chosen
    did not pass through that filter, so its subtitle must not name it (issue 22, item 13)."""
    window.select_floor(_busiest_floor(window))
    scope = window.ledger_view.scope_button.text().removesuffix("✕").strip()
    assert scope.startswith("Floor:")
    _export_choosing(window, qtbot, monkeypatch, tmp_path / "all.xlsx", "all_button")
    subtitle = openpyxl.load_workbook(tmp_path / "all.xlsx").active["A2"].value
    assert scope not in subtitle and "Floor" not in subtitle and "all hazards" in subtitle
    _export_choosing(window, qtbot, monkeypatch, tmp_path / "listed.xlsx", "listed_button")
    assert scope in openpyxl.load_workbook(tmp_path / "listed.xlsx").active["A2"].value


def test_a_chinese_files_subtitle_names_the_screens_filter_in_chinese(window, qtbot, monkeypatch, tmp_path):
    from inspector_app.core.models import Organisation
    from inspector_app.core.organisation import choose_organisation

    with window.context.db.session() as session:
        session.get(Organisation, choose_organisation(session).id).language = "zh_CN"
    window.select_floor(_busiest_floor(window))
    _export_choosing(window, qtbot, monkeypatch, tmp_path / "listed.xlsx", "listed_button")
    subtitle = openpyxl.load_workbook(tmp_path / "listed.xlsx").active["A2"].value
    assert "楼层：" in subtitle and "Floor" not in subtitle, subtitle
