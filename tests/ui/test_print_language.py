"""Printing from an English screen for an organisation whose documents are Chinese (issue 22, item 10):
before anything is made, the program says the notice will be in Chinese and that this is the
organisation's choice; printing then makes a Chinese notice, cancelling makes nothing. The ledger's
export dialog says the same before it writes. Driven through the real dialogs."""

from __future__ import annotations

import subprocess

from PySide6.QtWidgets import QMessageBox, QWidget

from inspector_app.core.models import Organisation
from inspector_app.core.organisation import choose_organisation
from inspector_app.core.queries import list_hazards
from inspector_app.ui.ledger_export import LedgerExportDialog, export_ledger
from inspector_app.ui.print_dialogs import DocumentLanguageBox, print_selected
from tests.ui.test_org_dialogs import Answers, close_printed, save_as


def _chinese_documents(context) -> tuple[str, str]:
    """The demo organisation prints in Chinese from now on; returns its name and an open hazard's id."""
    with context.db.session() as session:
        org = session.get(Organisation, choose_organisation(session).id)
        org.language, org.public_base_url = "zh_CN", "http://10.0.0.8:8470"
        name = org.name
        hazard = next(r for r in list_hazards(session, status="open") if r.deadline and r.overdue is False)
        return name, str(hazard.id)


def test_an_english_screen_is_told_the_notice_will_be_chinese_and_gets_a_chinese_notice(qtbot, demo_context,
                                                                                        tmp_path):
    organisation, hazard_id = _chinese_documents(demo_context)
    out = tmp_path / "notice.pdf"
    told: list[str] = []

    def read_and_print(widget: QWidget) -> None:
        assert isinstance(widget, DocumentLanguageBox)
        told.append(widget.text())
        widget.print_button.click()

    parent = QWidget()
    qtbot.addWidget(parent)
    answers = Answers([read_and_print, save_as(out), close_printed])
    try:
        print_selected(parent, demo_context, [hazard_id], "notice")
        qtbot.waitUntil(lambda: answers.done, timeout=20000)
    finally:
        answers.stop()
    assert "notice will be printed in Chinese" in told[0] and organisation in told[0], told
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "火灾隐患整改通知书" in text


def test_cancelling_at_the_language_makes_nothing(qtbot, demo_context, tmp_path):
    _organisation, hazard_id = _chinese_documents(demo_context)
    parent = QWidget()
    qtbot.addWidget(parent)

    def cancel(widget: QWidget) -> None:
        assert isinstance(widget, DocumentLanguageBox)
        widget.button(QMessageBox.StandardButton.Cancel).click()

    answers = Answers([cancel])
    try:
        print_selected(parent, demo_context, [hazard_id], "labels")
        assert answers.done
    finally:
        answers.stop()
    assert not list(tmp_path.glob("*.pdf"))


def test_the_ledger_export_dialog_names_the_files_language(qtbot, demo_context, tmp_path, monkeypatch):
    organisation, _hazard_id = _chinese_documents(demo_context)
    seen: list[str] = []

    def read_and_cancel(widget: QWidget) -> None:
        assert isinstance(widget, LedgerExportDialog)
        seen.append(widget.language_note.text() if widget.language_note.isVisibleTo(widget) else "")
        widget.reject()

    parent = QWidget()
    qtbot.addWidget(parent)
    answers = Answers([read_and_cancel])
    try:
        assert export_ledger(parent, demo_context, [], [], 0, list) is None
    finally:
        answers.stop()
    assert "ledger will be printed in Chinese" in seen[0] and organisation in seen[0], seen
