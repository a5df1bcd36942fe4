"""Dialogs about the organisation's public address (kept in the ledger, core.organisation): a small
dialog that sets it, and the question asked before printing QR codes that phones could not open
(set the address, print anyway, or cancel)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core.errors import InspectorError
from inspector_app.core.organisation import (
    PrintSettings,
    get_organisation,
    set_organisation,
    settings_for_hazards,
)
from inspector_app.i18n import _


def save_public_address(context: AppContext, organisation_id: uuid.UUID, url: str) -> str:
    """Validate and store the organisation's address; returns it as stored (InspectorError if bad)."""
    with context.db.session() as session:
        org = get_organisation(session, organisation_id)
        set_organisation(session, org, public_base_url=url)
        return org.public_base_url


class OrgAddressDialog(QDialog):
    """One URL field for the organisation's public address, checked by the core use case."""

    def __init__(self, context: AppContext, organisation_id: uuid.UUID, current: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.organisation_id = context, organisation_id
        self.saved_url: str | None = None
        with context.db.session() as session:
            name = get_organisation(session, organisation_id).name
        self.setWindowTitle(_("Public address of {name}").format(name=name))
        self.url = QLineEdit(current)
        self.url.setPlaceholderText("http://192.168.1.20:8470")
        self.error = QLabel()
        self.error.setStyleSheet("color:#b71c1c")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(QLabel(_("The address phones open when they scan a QR code: a laptop on the school's network "
                             "running the status server, or the city's server. Every laptop of the organisation "
                             "prints it.")))
        form.addRow(_("Public address:"), self.url)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def save(self) -> None:
        if not self.url.text().strip():
            self.error.setText(_("Enter an address, e.g. http://192.168.1.20:8470."))
            return
        try:
            self.saved_url = save_public_address(self.context, self.organisation_id, self.url.text())
        except InspectorError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class UnreachableAddressBox(QMessageBox):
    """Phones cannot open the address the QR codes would carry: set it, print anyway, or cancel."""

    def __init__(self, found: PrintSettings, parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Warning, _("Phones cannot reach this address"), "", parent=parent)
        if found.settings.public_base_url:
            text = _("The QR codes would point at {url}. That address only works on this computer: phones that "
                     "scan the notice cannot open it.")
        else:
            text = _("The organisation has no public address yet, so the QR codes would point at {url}, which "
                     "only works on this computer: phones that scan the notice cannot open it.")
        self.setText(text.format(url=found.base_url))
        self.setInformativeText(_("Set the address that phones reach (saved in the ledger for every laptop of the "
                                  "organisation), or print anyway."))
        self.set_button = self.addButton(_("Set the address…"), QMessageBox.ButtonRole.AcceptRole)
        self.anyway_button = self.addButton(_("Print anyway"), QMessageBox.ButtonRole.DestructiveRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.set_button)


def confirm_print_settings(parent: QWidget, context: AppContext,
                           hazard_ids: Sequence[uuid.UUID]) -> PrintSettings | None:
    """The settings to print these hazards with, after asking when phones could not reach the QR
    address; None when the person cancels (or the hazards cannot be printed together)."""
    try:
        with context.db.session() as session:
            found = settings_for_hazards(session, hazard_ids)
    except InspectorError as exc:
        QMessageBox.warning(parent, _("Print"), str(exc))
        return None
    while found.unreachable:
        box = UnreachableAddressBox(found, parent)
        box.exec()
        clicked = box.clickedButton()
        if clicked is box.anyway_button:
            return found
        if clicked is not box.set_button:
            return None
        dialog = OrgAddressDialog(context, found.organisation_id, found.settings.public_base_url, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        with context.db.session() as session:
            found = settings_for_hazards(session, hazard_ids)
    return found
