"""The editor's status badge: the hazard's status in its colour and, unless the status is final, a menu
of the next states the workflow allows. Choosing one asks for what that step needs and applies it the
way the ledger does (ui/status_change.py); ``StatusBadgeActions`` is mixed into HazardEditor."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from inspector_app.core.workflow import STATUS_COLOURS, status_label
from inspector_app.i18n import _
from inspector_app.ui.editor.editor_hooks import EditorHooks
from inspector_app.ui.status_change import HazardState, add_next_states, ask_status_change


class StatusBadge(QToolButton):
    """Shows a status; a click opens the menu of its next states (``targetChosen(state)``)."""

    targetChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_badge")
        self.next_menu = QMenu(self)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status = ""

    def show_status(self, status: str) -> None:
        self.status = status
        self.next_menu.clear()
        self.setVisible(bool(status))  # no badge, not an empty button, without a hazard
        if not status:
            self.setText("")
            self.setStyleSheet("")
            self.setToolTip("")
            return
        offered = add_next_states(self.next_menu, {status}, self.targetChosen.emit)
        # A final status offers nothing: no menu, and the badge does not look like a button.
        self.setMenu(self.next_menu if offered else None)  # type: ignore[arg-type]
        self.setText(status_label(status) + (" ▾" if offered else ""))
        self.setToolTip(_("Change the status: the next steps this hazard can take") if offered else
                        _("This status is final: a hazard that comes back is recorded as a new one."))
        self.setStyleSheet(f"QToolButton {{ background: {STATUS_COLOURS.get(status, '#757575')}; color: white;"
                           " padding: 2px 8px; border: none; border-radius: 8px; }"
                           " QToolButton::menu-indicator { image: none; width: 0; }")

    def retranslate(self) -> None:
        self.show_status(self.status)


class StatusBadgeActions(EditorHooks):
    """Needs from the editor, beyond EditorHooks: the number and status of the hazard shown."""

    _number: str
    _status: str

    def change_status_to(self, target: str) -> bool:
        """Move the hazard shown to ``target``, asking for the note or after-photo the step needs."""
        if self.hazard_id is None:
            return False
        self.commit_pending()
        hazard = HazardState(uuid.UUID(self.hazard_id), self._number, self._status)
        if not ask_status_change(self, self.db, self.actor, self.photo_max_edge,  # type: ignore[arg-type]
                                 [hazard], target):
            return False
        hazard_id = self.hazard_id
        self.reload()
        self.show_message(_("Hazard {number} is now {status}.").format(number=hazard.number,
                                                                        status=status_label(self._status)), error=False)
        self.hazardChanged.emit(hazard_id)
        return True
