"""Exporting the ledger from the program: a dialog that says how many hazards will be written and
which filters choose them (the ledger's scope, search and filters, or the selected rows, or all), in
the format asked for (XLSX, CSV or PDF), before anything is written; then where it was saved."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core import notice_register
from inspector_app.core.errors import InspectorError
from inspector_app.core.organisation import choose_organisation
from inspector_app.exports.ledger_table import ledger_lines, review_statement, write_csv
from inspector_app.exports.ledger_xlsx import write_ledger_xlsx
from inspector_app.i18n import _, ngettext, use_language
from inspector_app.notices.printing import ledger_language, print_ledger
from inspector_app.ui.file_dialogs import save_file
from inspector_app.ui.print_dialogs import document_language, document_language_sentence

FORMATS = ("xlsx", "csv", "pdf")


class LedgerExportDialog(QDialog):
    """Which hazards (listed / selected / all, each with its count) and which format."""

    def __init__(self, listed: list[uuid.UUID], selected: list[uuid.UUID], total: int, filters: list[str],
                 parent: QWidget | None = None, language_note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Export the ledger"))
        self.setMinimumWidth(520)
        self.listed, self.selected = listed, selected
        form = QFormLayout(self)
        self.choice = QButtonGroup(self)
        self.listed_button = QRadioButton(ngettext(
            "The {count} hazard the ledger lists now", "The {count} hazards the ledger lists now",
            len(listed)).format(count=len(listed)))
        self.selected_button = QRadioButton(ngettext(
            "The {count} selected hazard", "The {count} selected hazards", len(selected)).format(count=len(selected)))
        self.all_button = QRadioButton(ngettext(
            "The whole ledger: {count} hazard", "The whole ledger: {count} hazards", total).format(count=total))
        for index, button in enumerate((self.listed_button, self.selected_button, self.all_button)):
            self.choice.addButton(button, index)
            form.addRow(button)
        self.selected_button.setEnabled(bool(selected))
        (self.selected_button if len(selected) > 1 else self.listed_button).setChecked(True)
        self.filters = QLabel(_("Filters of the list: {filters}").format(
            filters="; ".join(filters) if filters else _("none")))
        self.filters.setObjectName("export_filters")
        self.filters.setWordWrap(True)
        form.addRow(self.filters)
        # The file speaks the organisation's language, which need not be the screen's: said before it is made.
        self.language_note = QLabel(language_note)
        self.language_note.setObjectName("export_language")
        self.language_note.setWordWrap(True)
        self.language_note.setVisible(bool(language_note))
        form.addRow(self.language_note)
        self.format = QComboBox()
        for code, text in (("xlsx", _("Excel workbook (XLSX)")), ("csv", _("CSV table")), ("pdf", _("PDF to print"))):
            self.format.addItem(text, code)
        form.addRow(_("Format:"), self.format)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Export…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen(self) -> tuple[list[uuid.UUID] | None, str]:
        """The hazards to write (None: all) and the format."""
        which = self.choice.checkedId()
        ids = self.listed if which == 0 else self.selected if which == 1 else None
        return ids, self.format.currentData()

    def scope(self, filters: list[str]) -> str:
        """What the file holds, for its subtitle, in the current language: the list's filters only when
        the listed hazards are written (the selection or the whole ledger did not pass through them)."""
        which = self.choice.checkedId()
        if which == 0 and filters:
            return "; ".join(filters)
        if which == 1:
            return ngettext("{count} selected hazard", "{count} selected hazards", len(self.selected)).format(
                count=len(self.selected))
        return _("all hazards")


def export_ledger(parent: QWidget, context: AppContext, listed: list[uuid.UUID], selected: list[uuid.UUID],
                  total: int, describe_filters: Callable[[], list[str]]) -> Path | None:
    """Ask what to export, then where; write it; say where it went. Returns the file written.
    ``describe_filters`` names the list's filters in the current language (the file's may differ)."""
    found = document_language(context, [])
    note = document_language_sentence("ledger", *found) if found is not None else ""
    dialog = LedgerExportDialog(listed, selected, total, describe_filters(), parent, note)
    if not dialog.exec():
        return None
    ids, kind = dialog.chosen()
    today = notice_register.today()
    name = _("ledger-{date}").format(date=today.isoformat()) + f".{kind}"
    patterns = {"xlsx": _("Excel workbooks (*.xlsx)"), "csv": _("CSV files (*.csv)"), "pdf": _("PDF files (*.pdf)")}
    out = save_file(parent, "export", _("Save the ledger"), name, patterns[kind])
    if out is None:
        return None
    if out.suffix.lower() != f".{kind}":
        out = out.with_name(out.name + f".{kind}")
    try:
        # The file speaks the organisation's language, like its notices, whatever the screen speaks.
        with context.db.session() as session:
            language = ledger_language(session)
            try:
                organisation = choose_organisation(session).name
            except InspectorError:  # several top-level organisations: the sites listed say whose it is
                organisation = ""
            with use_language(language):
                lines = ledger_lines(session, context.catalogue, ids, today, context.db.store)
                review = review_statement(session, ids)
                scope = dialog.scope(describe_filters())
        count = len(lines)
        if kind == "pdf":
            unit = " · ".join(part for part in (organisation, scope) if part)
            print_ledger(context.db, context.catalogue, ids, out, unit=unit, language=language)
        else:
            with use_language(language):
                if kind == "csv":
                    write_csv(lines, out)
                else:
                    write_ledger_xlsx(lines, out, organisation=organisation, scope=scope, printed_on=today,
                                      review=review)
    except InspectorError as exc:
        QMessageBox.warning(parent, _("Export the ledger"), str(exc))
        return None
    box = QMessageBox(QMessageBox.Icon.Information, _("Saved"), ngettext(
        "{count} hazard saved to {path}.", "{count} hazards saved to {path}.", count).format(count=count, path=out),
        parent=parent)
    open_button = box.addButton(_("Open the file"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is open_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))
    return out
