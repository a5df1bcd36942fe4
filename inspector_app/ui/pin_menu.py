"""A pin's menu on the plan (right click, or the Menu key on the selected pin): which hazard it is, the
next states the workflow allows it (changed the same way as in the ledger and by the editor's status
badge: ui/status_change.py), and the way to its row in the ledger."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QMenu, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import find_hazard
from inspector_app.core.workflow import status_label
from inspector_app.i18n import _
from inspector_app.ui.status_change import HazardState, add_next_states, ask_status_change


class PinMenu(QObject):
    statusChanged = Signal(str)  # the hazard whose status changed
    showInLedger = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context, self.parent_widget = context, parent
        self.menu = QMenu(parent)
        self.menu.setObjectName("pin_menu")

    def open(self, hazard_id: str, at: QPoint) -> None:
        """Show the menu of this pin's hazard at a global point (it does not wait for a choice)."""
        try:
            with self.context.db.session() as session:
                found = find_hazard(session, hazard_id)
                hazard = HazardState(found.id, found.number, found.status)
        except InspectorError:
            return  # gone meanwhile (another laptop's sync, an undo): the pins are redrawn anyway
        self.menu.clear()
        title = self.menu.addAction(_("Hazard {number} · {status}").format(number=hazard.number,
                                                                           status=status_label(hazard.status)))
        title.setEnabled(False)
        self.menu.addSeparator()
        offered = add_next_states(self.menu, {hazard.status}, lambda target: self.change(hazard, target))
        if not offered:
            final = self.menu.addAction(_("Final: its status no longer changes"))
            final.setEnabled(False)
        self.menu.addSeparator()
        ledger = self.menu.addAction(_("Show in the ledger"))
        ledger.triggered.connect(lambda _checked=False: self.showInLedger.emit(str(hazard.id)))
        self.menu.popup(at)

    def change(self, hazard: HazardState, target: str) -> bool:
        settings = self.context.settings
        if ask_status_change(self.parent_widget, self.context.db, self.context.actor, settings.photo_max_edge,
                             [hazard], target):
            self.statusChanged.emit(str(hazard.id))
            return True
        return False
