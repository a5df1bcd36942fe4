"""Starting a new inspection (a walk-through): date, kind, inspectors, notes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from inspector_app.core import dates
from inspector_app.core.structure import INSPECTION_KINDS, inspection_kind_label
from inspector_app.i18n import _

kind_label = inspection_kind_label

class InspectionDialog(QDialog):
    def __init__(self, inspectors: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New inspection"))
        self.setMinimumWidth(460)  # the names hint must show whole, not cut at 200 px
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(dates.QT_DATE_FORMAT)
        self.kind = QComboBox()
        for kind in INSPECTION_KINDS:
            self.kind.addItem(kind_label(kind), kind)
        self.inspectors = QLineEdit(inspectors)
        self.inspectors.setPlaceholderText(_("At least two names, separated by commas"))
        self.notes = QLineEdit()
        for field in (self.inspectors, self.notes):
            field.setMinimumWidth(300)
        form = QFormLayout(self)
        form.addRow(_("Date:"), self.date)
        form.addRow(_("Kind:"), self.kind)
        form.addRow(_("Inspectors:"), self.inspectors)
        form.addRow(_("Notes:"), self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[dt.date, str, str, str]:
        day = self.date.date()
        return (dt.date(day.year(), day.month(), day.day()), self.kind.currentData(),
                self.inspectors.text().strip(), self.notes.text().strip())
