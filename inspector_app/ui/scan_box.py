"""The scan box: a handheld scanner types a status URL (it is a keyboard), or a person types the
short code printed under a notice's QR; the program goes to that hazard, and a hazard awaiting
re-inspection is offered for re-inspection straight away (pass or fail, with a photo)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import find_hazard
from inspector_app.i18n import _


class ScanBox(QLineEdit):
    hazardFound = Signal(str, str)
    notFound = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(200)
        self.setMaximumWidth(420)  # a short code or URL fits; the rest of the tool bar stays free
        self.returnPressed.connect(self.resolve)
        self.retranslate()

    def retranslate(self) -> None:
        self.setPlaceholderText(_("Scan a QR or type its code (Ctrl+K)"))

    def resolve(self) -> None:
        text = self.text().strip()
        if not text:
            return
        try:
            with self.context.db.session() as session:
                hazard = find_hazard(session, text)
                found = (str(hazard.id), hazard.status)
        except InspectorError as exc:
            self.notFound.emit(str(exc))
            self.selectAll()
            return
        self.clear()
        self.hazardFound.emit(*found)
