"""Printing from the desktop program: notices, QR labels and the PDF ledger for the hazards chosen in
the main window, made in a background thread behind a progress dialog that can cancel (ui/background.py),
then opened in the system's PDF viewer or sent to the print dialog (pages rendered by pypdfium2).

The documents themselves come from inspector_app.notices.printing, the same calls as the CLI's; the
QR address, notice prefix and language are the organisation's (ui/org_dialogs.py asks first when phones
could not reach that address), whatever language the program itself speaks; when that is not the
language of the screen, the person is told which it will be, and why, before anything is made
(DocumentLanguageBox). A notice for hazards
whose deadline has passed asks for a new deadline first (NewDeadlineDialog); the printing records it
in each hazard's history before the notice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core import dates, notice_register
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Organisation
from inspector_app.core.organisation import choose_organisation, effective_settings, settings_for_hazards
from inspector_app.i18n import DEFAULT_LANGUAGE, N_, _, current_language, ngettext
from inspector_app.ui.background import run_with_progress
from inspector_app.ui.file_dialogs import save_file
from inspector_app.ui.org_dialogs import confirm_print_settings

if TYPE_CHECKING:
    from inspector_app.notices.printing import Printed

# The printer (reportlab, qrcode, openpyxl) and PDFium are imported when something is printed: the main
# window builds its Print menu from this module before it first shows.


def _ask_file(parent: QWidget, title: str, name: str) -> Path | None:
    return save_file(parent, "print", title, name, _("PDF files (*.pdf)"))


def open_or_print(parent: QWidget, printed: Printed, paper_size: str = "A4") -> None:
    """Offer to open the PDF in the system viewer or to print it at once."""
    # Saved, not printed: printing is what the Print… button here offers.
    message = ngettext("{pages} page saved to {path}.", "{pages} pages saved to {path}.", printed.pages).format(
        pages=printed.pages, path=printed.out)
    box = QMessageBox(QMessageBox.Icon.Information, _("Saved"), message, parent=parent)
    open_button = box.addButton(_("Open"), QMessageBox.ButtonRole.AcceptRole)
    print_button = box.addButton(_("Print…"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is open_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(printed.out)))
    elif box.clickedButton() is print_button:
        send_to_printer(parent, printed.out, paper_size)


PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3, "Letter": QPageSize.PageSizeId.Letter}


def send_to_printer(parent: QWidget, pdf: Path, paper_size: str = "A4") -> None:
    """paper_size: the inspector's setting (core.settings.PAPER_SIZES), what the print dialog starts with."""
    import pypdfium2

    from inspector_app.plans.pdf import PDFIUM_LOCK

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(PAGE_SIZES.get(paper_size, QPageSize.PageSizeId.A4)))
    if QPrintDialog(printer, parent).exec() != QPrintDialog.DialogCode.Accepted:
        return
    painter = QPainter(printer)
    try:
        with PDFIUM_LOCK:  # PDFium is not thread-safe, even across documents
            document = pypdfium2.PdfDocument(str(pdf))
            try:
                for index in range(len(document)):
                    if index:
                        printer.newPage()
                    page = document[index]
                    try:
                        target = painter.viewport()
                        scale = min(target.width() / page.get_width(), target.height() / page.get_height())
                        bitmap = page.render(scale=scale)
                        image = bitmap.to_pil().convert("RGB")
                        bitmap.close()
                    finally:
                        page.close()
                    data = image.tobytes()
                    qimage = QImage(data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888)
                    painter.drawImage(0, 0, qimage)
            finally:
                document.close()  # not left open for pypdfium2 to close, and warn about, at exit
    finally:
        painter.end()


class NewDeadlineDialog(QDialog):
    """Names the hazards whose deadline is before the issue date and asks for the new one (no notice
    may order a correction in the past); the date cannot be set before the issue date."""

    DEFAULT_DAYS = 15

    def __init__(self, parent: QWidget | None, past: list[tuple[str, dt.date]], issued: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New deadline"))
        listed = "\n".join(_("{number}: deadline {date}").format(number=n, date=dates.shown_date(d)) for n, d in past)
        self.message = QLabel(_("The notice is issued on {today}, after the deadline of these hazards:\n{hazards}\n\n"
                                "Give them a new deadline; it is recorded in each hazard's history.").format(
            today=dates.shown_date(issued), hazards=listed))
        self.message.setWordWrap(True)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(dates.QT_DATE_FORMAT)
        self.date.setMinimumDate(QDate(issued.year, issued.month, issued.day))
        proposed = issued + dt.timedelta(days=self.DEFAULT_DAYS)
        self.date.setDate(QDate(proposed.year, proposed.month, proposed.day))
        form = QFormLayout()
        form.addRow(_("New deadline:"), self.date)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Set and print"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def chosen(self) -> dt.date:
        value = self.date.date()
        return dt.date(value.year(), value.month(), value.day())


def ask_new_deadline(parent: QWidget, past: list[tuple[str, dt.date]], issued: dt.date) -> dt.date | None:
    dialog = NewDeadlineDialog(parent, past, issued)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


LANGUAGE_NAMES = {"zh_CN": N_("Chinese"), "en": N_("English")}
DOCUMENT_NAMES = {"notice": N_("The notice"), "labels": N_("The QR labels"), "ledger": N_("The ledger"),
                  "determination": N_("The determination record")}


def document_language(context: AppContext, ids: list[uuid.UUID]) -> tuple[str, str] | None:
    """The language documents about these hazards (none: the whole ledger) are made in, and the name
    of the organisation that chose it ("" when none did: the program's first language); None when
    the hazards cannot be printed together (printing then says why)."""
    try:
        with context.db.session() as session:
            if ids:
                settings = settings_for_hazards(session, ids).settings
            else:
                settings = effective_settings(session, choose_organisation(session))
            source = settings.sources["language"]
            chosen_by = session.get(Organisation, source) if source is not None else None
            return settings.language or DEFAULT_LANGUAGE, chosen_by.name if chosen_by is not None else ""
    except InspectorError:
        return None


def document_language_sentence(kind: str, language: str, organisation: str) -> str:
    """Which language a document will speak, and why: its organisation's choice, not the screen's."""
    document, name = _(DOCUMENT_NAMES[kind]), _(LANGUAGE_NAMES.get(language, language))
    if organisation:
        return _("{document} will be printed in {language}, the language {organisation} chose for its documents, "
                 "whatever language this program's screens speak.").format(
            document=document, language=name, organisation=organisation)
    return _("{document} will be printed in {language}, the program's first language: no organisation of these "
             "hazards has chosen a language for its documents.").format(document=document, language=name)


class DocumentLanguageBox(QMessageBox):
    """Shown when a document will not speak the screen's language: says which it will speak and that
    this is the organisation's setting; print, or cancel."""

    def __init__(self, kind: str, language: str, organisation: str, parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Information, _("Language of the document"),
                         document_language_sentence(kind, language, organisation), parent=parent)
        self.setInformativeText(_("The language of an organisation's documents is one of its settings "
                                  "(inspector-app org set --language zh_CN or en)."))
        self.print_button = self.addButton(_("Print in {language}").format(
            language=_(LANGUAGE_NAMES.get(language, language))), QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.print_button)


def confirm_document_language(parent: QWidget, context: AppContext, ids: list[uuid.UUID], kind: str) -> bool:
    """True to go on: the document speaks the screen's language, or the person agreed to another."""
    found = document_language(context, ids)
    if found is None or found[0] == current_language():
        return True
    box = DocumentLanguageBox(kind, *found, parent=parent)
    box.exec()
    return box.clickedButton() is box.print_button


def default_file_name(context: AppContext, ids: list[uuid.UUID], kind: str) -> str:
    """Named after the hazard (or the first and how many), so notices do not overwrite each other."""
    from inspector_app.core.hazards import find_hazard

    base = {"notice": _("notice"), "labels": _("QR labels"), "ledger": _("ledger"),
            "determination": _("determination record")}[kind]
    if not ids:
        return f"{base}.pdf"
    with context.db.session() as session:
        first = find_hazard(session, str(ids[0])).number
    if len(ids) == 1:
        return f"{base}-{first}.pdf"
    return f"{base}-{first}-" + ngettext("and {count} more", "and {count} more", len(ids) - 1).format(
        count=len(ids) - 1) + ".pdf"


def print_selected(parent: QWidget, context: AppContext, hazard_ids: list[str], kind: str) -> None:
    """kind: "notice", "labels", "ledger" (the ledger of the selection, or of all when none) or
    "determination" (the determination record of one confirmed major hazard)."""
    ids = [uuid.UUID(i) for i in hazard_ids]
    if kind != "ledger" and not ids:
        QMessageBox.information(parent, _("Print"), _("Select hazards in the ledger or on the plan first."))
        return
    base_url, prefix, deadline = "", "", None
    if kind != "ledger":
        # The organisation's settings (in the ledger), after asking if phones could not open the QR address.
        found = confirm_print_settings(parent, context, ids)
        if found is None:
            return
        base_url, prefix = found.base_url, found.settings.notice_prefix
    if not confirm_document_language(parent, context, ids, kind):
        return
    if kind == "notice":  # (a determination record orders nothing: its deadline is only reported)
        from inspector_app.notices.printing import past_deadlines

        issued = notice_register.today()
        with context.db.session() as session:
            past = past_deadlines(session, ids, issued)
        if past:
            deadline = ask_new_deadline(parent, past, issued)
            if deadline is None:
                return
    out = _ask_file(parent, _("Save the PDF"), default_file_name(context, ids, kind))
    if out is None:
        return
    from inspector_app.notices.printing import print_determination, print_labels, print_ledger, print_notices

    db, catalogue, actor = context.db, context.catalogue, context.actor

    def job(progress: Callable[[int, int], bool]) -> Printed:
        if kind == "notice":
            return print_notices(db, catalogue, ids, out, actor=actor, base_url=base_url, prefix=prefix,
                                 deadline=deadline, progress=progress)
        if kind == "labels":
            return print_labels(db, catalogue, ids, out, base_url=base_url, progress=progress)
        if kind == "determination":
            return print_determination(db, catalogue, ids[0], out, base_url=base_url)
        return print_ledger(db, catalogue, ids or None, out, unit="")

    paper = context.settings.paper_size
    run_with_progress(parent, _("Making the PDF…"), job, lambda printed: open_or_print(parent, printed, paper))
