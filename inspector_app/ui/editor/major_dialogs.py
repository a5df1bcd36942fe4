"""The dialogs of a major-hazard decision in the editor: the group decision that confirms one (at least
three names, the date, the conclusion, optionally an expert review) and the reason that declines a
rule or lowers a confirmed hazard's severity. Each only gathers what the person types; the rules
(core.major_decision) refuse what is missing, and the dialog stays open showing why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core import dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.major_decision import MIN_GROUP, GroupDecision
from inspector_app.i18n import _


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("background: #fdecea; color: #b71c1c; padding: 6px; border-radius: 4px;")
    label.setVisible(False)
    return label


class GroupDecisionDialog(QDialog):
    """Asks for the group decision; ``submit(group)`` records it (raising InspectorError to refuse)."""

    def __init__(self, parent: QWidget | None, rule_text: str, names: list[str], conclusion: str,
                 submit: Callable[[GroupDecision], None]) -> None:
        super().__init__(parent)
        self.setObjectName("group_decision_dialog")
        self.setWindowTitle(_("Confirm as a major hazard"))
        self.submit = submit
        self.rule = QLabel(rule_text)
        self.rule.setWordWrap(True)
        self.names = QPlainTextEdit("\n".join(names))
        self.names.setObjectName("names")
        self.names.setTabChangesFocus(True)
        self.names.setFixedHeight(84)
        self.names.setPlaceholderText(_("One name a line: at least {count}").format(count=MIN_GROUP))
        self.names.moveCursor(QTextCursor.MoveOperation.End)  # the others are added after the inspector's own
        self.decided_on = QDateEdit(QDate.currentDate())
        self.decided_on.setCalendarPopup(True)
        self.decided_on.setDisplayFormat(dates.QT_DATE_FORMAT)
        self.conclusion = QPlainTextEdit(conclusion)
        self.conclusion.setObjectName("conclusion")
        self.conclusion.setTabChangesFocus(True)
        self.conclusion.setFixedHeight(84)
        self.experts_box = QGroupBox(_("Expert review held"))
        self.experts_box.setCheckable(True)
        self.experts_box.setChecked(False)
        self.experts = QLineEdit()
        self.experts.setObjectName("experts")
        self.experts.setPlaceholderText(_("Names, separated by commas"))
        self.votes_for, self.votes_against = QSpinBox(), QSpinBox()
        for box in (self.votes_for, self.votes_against):
            box.setRange(0, 99)
        experts_form = QFormLayout(self.experts_box)
        experts_form.addRow(_("Experts:"), self.experts)
        experts_form.addRow(_("Votes for:"), self.votes_for)
        experts_form.addRow(_("Votes against:"), self.votes_against)
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(_("Who decided\n(at least {count}):").format(count=MIN_GROUP), self.names)
        form.addRow(_("Decided on:"), self.decided_on)
        form.addRow(_("Conclusion:"), self.conclusion)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = buttons.addButton(_("Confirm major hazard"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule)
        layout.addLayout(form)
        layout.addWidget(self.experts_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def group(self) -> GroupDecision:
        day = self.decided_on.date()
        experts = self.experts_box.isChecked()
        return GroupDecision(
            names=tuple(self.names.toPlainText().splitlines()), decided_on=dt.date(day.year(), day.month(), day.day()),
            conclusion=self.conclusion.toPlainText(),
            experts=tuple(self.experts.text().split(",")) if experts else (),
            votes_for=self.votes_for.value() if experts else None,
            votes_against=self.votes_against.value() if experts else None)

    def accept(self) -> None:
        try:
            self.submit(self.group())
        except InspectorError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        super().accept()


class ReasonDialog(QDialog):
    """Asks for a reason (declining a rule, lowering a confirmed severity); ``submit(reason)`` records it."""

    def __init__(self, parent: QWidget | None, title: str, question: str, action: str,
                 submit: Callable[[str], None]) -> None:
        super().__init__(parent)
        self.setObjectName("reason_dialog")
        self.setWindowTitle(title)
        self.submit = submit
        label = QLabel(question)
        label.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(96)
        self.error = _error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def accept(self) -> None:
        try:
            self.submit(self.reason.toPlainText())
        except InspectorError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        super().accept()
