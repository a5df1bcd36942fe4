"""Walking an area type's checklist: each item pass / fail / not applicable, big buttons for a
finger or a pen; a failed item creates a hazard (prefilled from its category, waiting for a pin);
the completed checklist is kept with the inspection."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core import checklists
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import N_, _
from inspector_app.ui.screen_fit import fit_dialog

RESULT_LABELS = (("pass", N_("Pass")), ("fail", N_("Fail")), ("na", N_("N/A")))
RESULT_STYLE = {"pass": "#c8e6c9", "fail": "#ffcdd2", "na": "#e0e0e0"}


class ChecklistDialog(QDialog):
    hazardCreated = Signal(str)

    def __init__(self, context: AppContext, inspection_id: uuid.UUID, area_type: str | None = None,
                 building_id: uuid.UUID | None = None, floor_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.inspection_id = inspection_id
        self.building_id, self.floor_id = building_id, floor_id
        self.run_id: uuid.UUID | None = None
        self.created: list[str] = []
        self.setWindowTitle(_("Checklist"))
        fit_dialog(self, QSize(760, 640))  # its buttons stay on a 768-px-high screen
        self.area = QComboBox()
        for code, checklist in context.catalogue.checklists.items():
            self.area.addItem(checklist.name.get(), code)
        if area_type:
            self.area.setCurrentIndex(max(0, self.area.findData(area_type)))
        self.start_button = QPushButton(_("Start"))
        self.start_button.setMinimumHeight(40)
        self.start_button.clicked.connect(self.start)
        self.items_widget = QWidget()
        self.grid = QGridLayout(self.items_widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.items_widget)
        self.progress = QLabel()
        self.buttons = QDialogButtonBox()
        self.complete_button = self.buttons.addButton(_("Complete checklist"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.complete_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.complete)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Area type:"), self.area)
        form.addRow("", self.start_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.groups: dict[str, QButtonGroup] = {}

    def start(self) -> None:
        area_type = self.area.currentData()
        try:
            with self.context.db.session() as session:
                run = checklists.start_run(session, self.context.catalogue, self.inspection_id, area_type,
                                           self.context.actor, self.building_id, self.floor_id)
                self.run_id = run.id
        except InspectorError as exc:
            QMessageBox.warning(self, _("Checklist"), str(exc))
            return
        self.area.setEnabled(False)
        self.start_button.setEnabled(False)
        checklist = self.context.catalogue.checklists[area_type]
        for row, item in enumerate(checklist.items):
            text = QLabel(f"{row + 1}. {item.text.get()}")
            text.setWordWrap(True)
            self.grid.addWidget(text, row, 0)
            group = QButtonGroup(self)
            for column, (result, label) in enumerate(RESULT_LABELS, start=1):
                button = QPushButton(_(label))
                button.setCheckable(True)
                button.setMinimumSize(64, 40)
                button.setStyleSheet(f"QPushButton:checked {{ background: {RESULT_STYLE[result]}; }}")
                button.setProperty("result", result)
                group.addButton(button)
                self.grid.addWidget(button, row, column)
            group.buttonClicked.connect(lambda button, code=item.code: self.answer(code, button.property("result")))
            self.groups[item.code] = group
        self.grid.setColumnStretch(0, 1)
        self._update_progress()

    def answer(self, item_code: str, result: str) -> None:
        assert self.run_id is not None
        try:
            with self.context.db.session() as session:
                run = checklists.get_run(session, self.run_id)
                outcome = checklists.answer_item(session, self.context.catalogue, self.context.db.store, run,
                                                 item_code, result, self.context.actor)
                created = outcome.created_hazard
                number = created.number if created else ""
                created_id = str(created.id) if created else ""
        except InspectorError as exc:
            QMessageBox.warning(self, _("Checklist"), str(exc))
            return
        if created_id:
            self.created.append(number)
            self.hazardCreated.emit(created_id)
        self._update_progress()

    def _update_progress(self) -> None:
        answered = sum(1 for g in self.groups.values() if g.checkedButton() is not None)
        self.progress.setText(_("{answered} of {total} answered; hazards created: {created}").format(
            answered=answered, total=len(self.groups), created=", ".join(self.created) or "—"))
        self.complete_button.setEnabled(bool(self.groups) and answered == len(self.groups))

    def complete(self) -> None:
        assert self.run_id is not None
        try:
            with self.context.db.session() as session:
                run = checklists.get_run(session, self.run_id)
                checklists.complete_run(session, self.context.catalogue, run)
        except InspectorError as exc:
            QMessageBox.warning(self, _("Checklist"), str(exc))
            return
        self.accept()
