"""The editor's box for what the responsible unit sent: when a hazard has a unit's report that waits
for the inspector (a rectification, an extension request, a dispute: core.unit_report_answers), it
stands at the top of the editor with the unit's words and, side by side, the inspector's before-photos
and the unit's photos with their camera and receipt times; Accept and Reject answer it there, as in
the "Reports from responsible units" window (ui/unit_reports_view.py), whose dialogs it shares.

Answers are official acts, like status changes: recorded at once, not on the undo stack.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.unit_report_answers import WAITING, UnitReport, reports_of_hazard
from inspector_app.i18n import _, ngettext
from inspector_app.ui.layouts import clear_layout
from inspector_app.ui.unit_reports_view import FLAG_COLOUR, ask_and_answer, photo_tiles, report_words

TILE = 120  # the editor is a narrow dock: two tiles side by side fit its least width
ACCENT = "#6a1b9a"  # as the summary's count of waiting reports


class UnitReportPanel(QFrame):
    """Shows the oldest waiting report of the hazard given to ``show_hazard`` (hidden when none)."""

    answered = Signal(str)  # the hazard's id, once an answer is recorded

    def __init__(self, db: Database, actor: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.report: UnitReport | None = None
        self.setObjectName("unit_report_panel")
        self.setStyleSheet(f"QFrame#unit_report_panel {{ border: 2px solid {ACCENT}; border-radius: 6px; }}")
        self.heading = QLabel()
        self.heading.setStyleSheet(f"color: {ACCENT}; font-weight: 600;")
        self.heading.setWordWrap(True)
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tiles = QWidget()
        self.tile_row = QHBoxLayout(self.tiles)
        self.tile_row.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.tiles)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedHeight(TILE + 110)  # the picture, its caption and up to four lines of times
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {FLAG_COLOUR};")
        self.problem.setWordWrap(True)
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("editor_accept_report")
        self.reject_button = QPushButton()
        self.reject_button.setObjectName("editor_reject_report")
        self.accept_button.clicked.connect(lambda: self._answer(accepting=True))
        self.reject_button.clicked.connect(lambda: self._answer(accepting=False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.words)
        layout.addWidget(scroll)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.hazard_id: str | None = None
        self.retranslate()
        self.setVisible(False)

    def retranslate(self) -> None:
        self.accept_button.setText(_("Accept…"))
        self.reject_button.setText(_("Reject…"))
        self.show_hazard(self.hazard_id)

    def show_hazard(self, hazard_id: str | None) -> None:
        if hazard_id != self.hazard_id:
            self.problem.clear()
        self.hazard_id = hazard_id
        waiting: list[UnitReport] = []
        if hazard_id is not None:
            with self.db.session() as session:
                waiting = [r for r in reports_of_hazard(session, uuid.UUID(hazard_id)) if r.status == WAITING]
        self.report = waiting[0] if waiting else None
        clear_layout(self.tile_row)
        self.setVisible(self.report is not None)
        if self.report is None:
            return
        heading = _("The responsible unit wrote: your answer is awaited")
        if len(waiting) > 1:
            heading += " " + ngettext("({n} more after this one)", "({n} more after this one)",
                                      len(waiting) - 1).format(n=len(waiting) - 1)
        self.heading.setText(heading)
        self.words.setText(report_words(self.report))
        for tile in photo_tiles(self.db, self.report, TILE):
            self.tile_row.addWidget(tile)
        self.tile_row.addStretch(1)

    def _answer(self, accepting: bool) -> None:
        if self.report is None or self.hazard_id is None:
            return
        hazard_id = self.hazard_id
        try:
            if not ask_and_answer(self, self.db, self.actor(), self.report, accepting):
                return
        except InspectorError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.clear()
        self.answered.emit(hazard_id)
