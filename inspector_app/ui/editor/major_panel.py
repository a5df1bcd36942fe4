"""The editor's major-hazard panel, under the severity: when the hazard's category or failed checklist
item points at a rule of forms/major_hazards, it says "may be a major hazard" with the rule's
reference, its words and its questions; the inspector answers them and confirms (with the group
decision) or declines (with a reason). A confirmed hazard shows its rule, the group decision and the
listed-supervision mark, and offers its determination record; lowering its severity asks for a reason.
Any other rule can be checked from the "Major-hazard rules" menu.

Decisions are official acts, not edits: like status changes they are recorded at once through
core.major_hazards and are not on the undo stack (an older undo step that would lower a confirmed
severity is refused by the core and says so).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core import major_hazards
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue, MajorRule
from inspector_app.core.hazards import find_hazard
from inspector_app.core.major_decision import listed_label
from inspector_app.core.organisation import document_language
from inspector_app.core.workflow import FINAL_STATES
from inspector_app.i18n import _, current_language, use_language
from inspector_app.ui.layouts import clear_layout

TOUCH = 40
AMBER = "QFrame#major_panel { background: #fff8e1; border: 1px solid #ffb300; border-radius: 6px; }"
RED = "QFrame#major_panel { background: #fdecea; border: 1px solid #d32f2f; border-radius: 6px; }"
QUIET = "QFrame#major_panel { border: none; }"


class MajorPanel(QFrame):
    """``show_hazard(id)`` shows a hazard's major-hazard rules; ``decided(id)`` follows every decision,
    ``recordRequested(id)`` asks for the determination record to be printed."""

    decided = Signal(str)
    recordRequested = Signal(str)

    def __init__(self, db: Database, catalogue: Catalogue, actor: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("major_panel")
        self.db, self.catalogue, self.actor = db, catalogue, actor
        self.hazard_id: str | None = None
        self.number = ""
        self.final = False
        self.major_rule = ""
        self.rules: list[MajorRule] = []  # the rules offered now (open candidates, or the one chosen)
        self.chosen: str | None = None  # a rule picked from the menu, for this hazard
        self.answers: dict[str, list[bool | None]] = {}
        self.confirmed: major_hazards.Decision | None = None
        self.document_language = current_language()
        self._build()

    # -- building ------------------------------------------------------------------------------
    def _label(self, name: str, style: str = "") -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if style:
            label.setStyleSheet(style)
        return label

    def _build(self) -> None:
        self.header = self._label("major_header", "font-weight: 600;")
        self.rule_choice = QComboBox()
        self.rule_choice.setMinimumHeight(TOUCH)
        self.rule_choice.currentIndexChanged.connect(lambda _i: self._show_rule())
        self.reference = self._label("major_reference", "font-weight: 600;")
        self.rule_text = self._label("major_text")
        self.source_note = self._label("major_source", "color: #555; font-size: 11px;")
        self.questions = QVBoxLayout()  # a row widget per question: a wrapped question keeps its height
        self.questions.setContentsMargins(0, 0, 0, 0)
        self.hint = self._label("major_hint", "color: #555;")
        self.confirm_button = QPushButton()
        self.decline_button = QPushButton()
        self.record_button = QPushButton()
        for button in (self.confirm_button, self.decline_button, self.record_button):
            button.setMinimumHeight(TOUCH)
        self.confirm_button.setStyleSheet("QPushButton { background: #d32f2f; color: white; font-weight: 600; }"
                                          "QPushButton:disabled { background: #ef9a9a; }")
        self.confirm_button.clicked.connect(self.ask_confirm)
        self.decline_button.clicked.connect(self.ask_decline)
        self.record_button.clicked.connect(self._ask_record)
        self.rules_menu = QMenu(self)
        self.rules_button = QToolButton()
        self.rules_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.rules_button.setMenu(self.rules_menu)
        self.rules_button.setStyleSheet("QToolButton { border: none; color: #1565c0; }"
                                        "QToolButton::menu-indicator { image: none; width: 0; }")
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button, 1)
        buttons.addWidget(self.decline_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.rules_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        for widget in (self.rule_choice, self.reference, self.rule_text, self.source_note):
            layout.addWidget(widget)
        layout.addLayout(self.questions)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.record_button)
        self.retranslate()

    def _ask_record(self) -> None:
        if self.hazard_id is not None:
            self.recordRequested.emit(self.hazard_id)

    def retranslate(self) -> None:
        self.confirm_button.setText(_("Confirm major hazard…"))
        self.confirm_button.setToolTip(_("Record the group decision that this is a major hazard under the rule"))
        self.decline_button.setText(_("Not a major hazard…"))
        self.decline_button.setToolTip(_("Record why this hazard is not a major hazard under the rule"))
        self.record_button.setText(_("Print the determination record…"))
        self.rules_button.setText(_("Major-hazard rules ▾"))
        self.rules_button.setToolTip(_("Check this hazard against any rule of the major-hazard forms"))
        self.rules_menu.clear()
        for rule in self.catalogue.major_rules.values():
            action = self.rules_menu.addAction(f"{rule.reference.get()} — {_short(rule.shown_text(), 40)}")
            action.triggered.connect(lambda _c=False, rule_id=rule.id: self.choose_rule(rule_id))
        self.show_hazard(self.hazard_id)

    # -- the height its wrapped words need --------------------------------------------------------
    def _fit_height(self) -> None:
        """The editor's form gives a row the height its widget asks at its width only as a minimum: ask
        for what the wrapped rule and questions need at the width the panel has now."""
        wanted = self.heightForWidth(self.width()) if self.isVisible() else -1
        self.setMinimumHeight(max(0, wanted))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    # -- showing a hazard ---------------------------------------------------------------------
    def show_hazard(self, hazard_id: str | None) -> None:
        """Show the hazard's rules (read from the ledger again), or hide for none."""
        if hazard_id != self.hazard_id:
            self.chosen, self.answers = None, {}
        self.hazard_id, self.rules, self.confirmed, self.major_rule = hazard_id, [], None, ""
        if hazard_id is not None:
            try:
                with self.db.session() as session:
                    hazard = find_hazard(session, hazard_id)
                    self.number, self.major_rule = hazard.number, hazard.major_rule
                    self.final = hazard.status in FINAL_STATES
                    self.document_language = document_language(session, hazard.site_id)
                    self.confirmed = major_hazards.confirmation(session, hazard)
                    self.rules = major_hazards.open_candidates(session, self.catalogue, hazard)
            except InspectorError:
                self.hazard_id = None
        if self.chosen and not self.major_rule and not self.final and self.chosen in self.catalogue.major_rules:
            chosen = self.catalogue.major_rules[self.chosen]
            self.rules = [chosen, *[r for r in self.rules if r.id != chosen.id]]
        self._layout_state()

    def _layout_state(self) -> None:
        offering = bool(self.rules) and not self.major_rule and not self.final
        self.setVisible(self.hazard_id is not None and (offering or bool(self.major_rule) or not self.final))
        self.rules_button.setVisible(not self.final and not self.major_rule)
        for label in (self.reference, self.rule_text, self.source_note):
            label.setVisible(offering or bool(self.major_rule))
        self.rule_choice.setVisible(offering and len(self.rules) > 1)
        for widget in (self.confirm_button, self.decline_button, self.hint):
            widget.setVisible(offering)
        self.record_button.setVisible(bool(self.major_rule) and self.confirmed is not None)
        if self.major_rule:
            self.setStyleSheet(RED)
            clear_layout(self.questions)
            self._show_confirmed()
        elif offering:
            self.setStyleSheet(AMBER)
            self.header.setText("⚠ " + (_("May be a major hazard") if self.chosen is None or self.rules[0].id !=
                                        self.chosen else _("Checking against a major-hazard rule")))
            self.rule_choice.blockSignals(True)
            self.rule_choice.clear()
            for rule in self.rules:
                self.rule_choice.addItem(rule.reference.get(), rule.id)
            self.rule_choice.blockSignals(False)
            self._show_rule()
        else:
            self.setStyleSheet(QUIET)
            self.header.setText("")
            clear_layout(self.questions)
        self._fit_height()

    def _show_confirmed(self) -> None:
        decision = self.confirmed
        rule = self.catalogue.major_rules.get(self.major_rule)
        status = "" if self.final else f" · {listed_label()}"
        self.header.setText(_("Major hazard confirmed") + status)
        if decision is None:  # confirmed on another laptop under a rule these forms do not know
            self.reference.setText(self.major_rule)
            self.rule_text.setText(rule.shown_text() if rule else "")
            self.source_note.setText("")
            return
        self.reference.setText(f"{decision.source.get()} {decision.reference.get()}")
        self.rule_text.setText(_words(decision.text, decision.gloss))
        group = decision.group
        if group is not None:
            self.source_note.setText(_("Decided on {date} by {names}: {conclusion}").format(
                date=group.decided_on.isoformat(), conclusion=group.conclusion,
                names=("、" if current_language().startswith("zh") else ", ").join(group.names)))

    def current_rule(self) -> MajorRule | None:
        rule_id = self.rule_choice.currentData() if self.rule_choice.count() else None
        return self.catalogue.major_rules.get(rule_id) if rule_id else (self.rules[0] if self.rules else None)

    def _show_rule(self) -> None:
        rule = self.current_rule()
        if rule is None:
            return
        source = self.catalogue.rule_files.get(rule.file)
        self.reference.setText(f"{source.title.get() if source else rule.file} {rule.reference.get()}")
        self.rule_text.setText(_words(rule.text, rule.gloss))
        status = rule.status or (source.status if source else None)
        self.source_note.setText(status.get() if status else "")
        clear_layout(self.questions)
        answers = self.answers.setdefault(rule.id, [None] * len(rule.questions))
        for row, question in enumerate(rule.questions):
            # The question on its own line(s), its answers under it: a question beside its buttons lost
            # its third line in a narrow dock.
            label = self._label(f"question_{row}")
            label.setText(f"{row + 1}. {question.get()}")
            self.questions.addWidget(label)
            line = QWidget()
            line_layout = QHBoxLayout(line)
            line_layout.setContentsMargins(0, 0, 0, 4)
            line_layout.addStretch(1)
            group = QButtonGroup(line)
            for text, value in ((_("Yes"), True), (_("No"), False)):
                button = QPushButton(text)
                button.setObjectName(f"answer_{row}_{'yes' if value else 'no'}")
                button.setCheckable(True)
                button.setMinimumHeight(32)
                button.setFixedWidth(56)  # the question takes the rest of a narrow dock
                button.setChecked(answers[row] is value)
                button.setStyleSheet("QPushButton:checked { background: #546e7a; color: white; }")
                button.clicked.connect(lambda _c=False, r=row, v=value, rid=rule.id: self.answer(rid, r, v))
                group.addButton(button)
                line_layout.addWidget(button)
            self.questions.addWidget(line)
        self._update_hint()

    def answer(self, rule_id: str, row: int, value: bool) -> None:
        self.answers.setdefault(rule_id, [None] * len(self.catalogue.major_rules[rule_id].questions))[row] = value
        self._update_hint()

    def _update_hint(self) -> None:
        rule = self.current_rule()
        if rule is None:
            return
        answers = self.answers.get(rule.id, [])
        supported = rule.supported_by(answers)
        self.confirm_button.setEnabled(supported)
        if supported:
            self.hint.setText(_("The answers point to a major hazard: confirm it with the group decision."))
        elif rule.confirm_when == "all":
            self.hint.setText(_("Answer the questions: every answer must be yes for this rule to apply."))
        else:
            self.hint.setText(_("Answer the questions: one yes is enough for this rule to apply."))

    def choose_rule(self, rule_id: str) -> None:
        """Check the hazard against a rule picked from the menu (whatever its category points at)."""
        self.chosen = rule_id
        self.show_hazard(self.hazard_id)

    # -- deciding -------------------------------------------------------------------------------
    def _decide(self, rule: MajorRule, confirm: bool, reason: str = "",
                group: major_hazards.GroupDecision | None = None) -> None:
        assert self.hazard_id is not None
        with self.db.session() as session:
            hazard = find_hazard(session, self.hazard_id)
            major_hazards.decide(session, self.catalogue, hazard, rule.id, confirm=confirm, actor=self.actor(),
                                 reason=reason, answers=self.answers.get(rule.id, []), group=group)

    def _done(self) -> None:
        hazard_id = self.hazard_id
        self.chosen = None
        self.show_hazard(hazard_id)
        if hazard_id is not None:
            self.decided.emit(hazard_id)

    def ask_confirm(self) -> bool:
        from inspector_app.ui.editor.major_dialogs import GroupDecisionDialog

        rule = self.current_rule()
        if rule is None or self.hazard_id is None:
            return False
        dialog = GroupDecisionDialog(self, f"{rule.reference.get()}: {rule.shown_text()}", [self.actor()],
                                     self._default_conclusion(rule),
                                     lambda group: self._decide(rule, True, group=group))
        if dialog.exec() != GroupDecisionDialog.DialogCode.Accepted:
            return False
        self._done()
        return True

    def ask_decline(self) -> bool:
        from inspector_app.ui.editor.major_dialogs import ReasonDialog

        rule = self.current_rule()
        if rule is None or self.hazard_id is None:
            return False
        dialog = ReasonDialog(self, _("Not a major hazard"), _(
            "Why is hazard {number} not a major hazard under {reference}? The reason is kept in its history.").format(
            number=self.number, reference=rule.reference.get()), _("Record the reason"),
            lambda reason: self._decide(rule, False, reason=reason))
        if dialog.exec() != ReasonDialog.DialogCode.Accepted:
            return False
        self._done()
        return True

    def intercepts_severity(self, severity: str) -> bool:
        """Whether the editor must leave this severity change to the panel: lowering a confirmed major
        hazard asks for the reason here (and is recorded, or not, here)."""
        if not self.major_rule or severity == "major" or self.hazard_id is None:
            return False
        from inspector_app.ui.editor.major_dialogs import ReasonDialog

        def lower(reason: str) -> None:
            assert self.hazard_id is not None
            with self.db.session() as session:
                major_hazards.lower_severity(session, find_hazard(session, self.hazard_id), self.actor(), reason,
                                             severity)

        dialog = ReasonDialog(self, _("Lower the severity"), _(
            "Hazard {number} was confirmed a major hazard under {rule}. Why is it no longer one? The reason is kept "
            "in its history, and the hazard leaves listed supervision.").format(number=self.number,
                                                                                 rule=self.major_rule),
            _("Lower the severity"), lower)
        if dialog.exec() == ReasonDialog.DialogCode.Accepted:
            self._done()
        elif self.hazard_id is not None:
            self.decided.emit(self.hazard_id)  # the editor shows the severity as it still is
        return True

    def _default_conclusion(self, rule: MajorRule) -> str:
        """The group's conclusion as most groups word it, in the language its record is printed in."""
        source = self.catalogue.rule_files.get(rule.file)
        with use_language(self.document_language):
            return _("After group discussion: a major accident hazard under {reference} of {source}, under listed "
                     "supervision until it is corrected.").format(
                reference=rule.reference.get(self.document_language),
                source=source.title.get(self.document_language) if source else rule.file)


def _words(text: str, gloss: str) -> str:
    """The rule's own words; on an English screen the gloss first, the words as the source has them after."""
    if current_language().startswith("zh"):
        return text
    return f"{gloss}\n{_('Official text:')} {text}"


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
