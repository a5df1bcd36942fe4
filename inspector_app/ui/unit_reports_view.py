"""What responsible units sent through their links, after a sync (core.unit_report_answers): a table
of the reports (a thin model over list_reports), and for the chosen one the unit's words beside the
photos, the inspector's before-photos and the unit's after-photos side by side, each of the unit's
with its camera time and the server's receipt time (red when hours apart). Accept or Reject answer
through the core, asking for what each answer needs (a reason, a new deadline).

Opened from the sync panel's status ("N reports waiting") and from the Sync menu; the hazard editor
shows a hazard's waiting report with the same words, tiles and answers (ui/editor/unit_report_panel.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from inspector_app.app.context import AppContext
from inspector_app.core import dates
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Attachment
from inspector_app.core.unit_report_answers import UnitReport, accept, list_reports, reject
from inspector_app.i18n import N_, _
from inspector_app.ui.layouts import clear_layout
from inspector_app.ui.models import AnyIndex

FLAG_COLOUR = "#b71c1c"
THUMB = 180
COLUMNS = (("number", N_("Hazard")), ("kind", N_("Kind")), ("at", N_("Received")), ("reporter", N_("Reported by")),
           ("text", N_("What they say")), ("status", N_("State")))
KIND_WORDS = {"rectification": N_("Rectification"), "extension": N_("Extension request"), "dispute": N_("Dispute")}
STATE_WORDS = {"waiting": N_("Waiting"), "accepted": N_("Accepted"), "rejected": N_("Rejected"),
               "answered": N_("Answered"), "ended": N_("Ended")}


def count_waiting(context: AppContext) -> int:
    with context.db.session() as session:
        return len(list_reports(session, waiting_only=True))


class UnitReportModel(QAbstractTableModel):
    """A thin adapter over core.unit_report_answers.list_reports (waiting reports first)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[UnitReport] = []

    def set_rows(self, rows: list[UnitReport]) -> None:
        self.beginResetModel()
        self.rows = sorted(rows, key=lambda r: (r.status != "waiting", r.at))
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section][1])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        report, key = self.rows[index.row()], COLUMNS[index.column()][0]
        if key == "number":
            return report.number
        if key == "kind":
            return _(KIND_WORDS.get(report.kind, report.kind))
        if key == "at":
            return dates.shown_moment(report.at)
        if key == "reporter":
            return " · ".join(v for v in (report.reporter.get("name"), report.reporter.get("role"),
                                          report.reporter.get("phone")) if v)
        if key == "text":
            return report.text if role == Qt.ItemDataRole.ToolTipRole else " ".join(report.text.split())[:80]
        return _(STATE_WORDS.get(report.status, report.status))


class UnitReportsDialog(QDialog):
    """The reports, the chosen one's words and photos side by side, and Accept / Reject."""

    answered = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("unit_reports")
        self.setWindowTitle(_("Reports from responsible units"))
        self.resize(980, 640)
        self.model = UnitReportModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(_("No reports from responsible units yet. They arrive with a sync."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.photos = QWidget()
        self.photo_row = QHBoxLayout(self.photos)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.photos)
        scroll.setMinimumHeight(THUMB + 70)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {FLAG_COLOUR};")
        self.problem.setWordWrap(True)
        self.accept_button = QPushButton(_("Accept…"))
        self.accept_button.setObjectName("accept_report")
        self.reject_button = QPushButton(_("Reject…"))
        self.reject_button.setObjectName("reject_report")
        close = QPushButton(_("Close"))
        self.accept_button.clicked.connect(self.accept_chosen)
        self.reject_button.clicked.connect(self.reject_chosen)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.empty, 2)
        layout.addWidget(self.words)
        layout.addWidget(scroll, 3)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._chosen_changed)

    def reload(self) -> None:
        with self.context.db.session() as session:
            rows = list_reports(session)
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            self.table.selectRow(0)
        self._chosen_changed()

    def chosen(self) -> UnitReport | None:
        selected = self.table.selectionModel().selectedRows()
        return self.model.rows[selected[0].row()] if selected else None

    def _chosen_changed(self, *_args: object) -> None:
        report = self.chosen()
        waiting = report is not None and report.status == "waiting"
        self.accept_button.setEnabled(waiting)
        self.reject_button.setEnabled(waiting)
        clear_layout(self.photo_row)
        if report is None:
            self.words.clear()
            return
        self.words.setText(report_words(report))
        for tile in photo_tiles(self.context.db, report):
            self.photo_row.addWidget(tile)
        self.photo_row.addStretch(1)

    def _answer(self, accepting: bool) -> None:
        report = self.chosen()
        if report is None:
            return
        try:
            if not ask_and_answer(self, self.context.db, self.context.actor, report, accepting):
                return
        except InspectorError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.clear()
        self.reload()
        self.answered.emit()

    def accept_chosen(self) -> None:
        self._answer(accepting=True)

    def reject_chosen(self) -> None:
        self._answer(accepting=False)


def ask_and_answer(parent: QWidget, db: Database, actor: str, report: UnitReport, accepting: bool) -> bool:
    """Ask what the answer needs (AnswerDialog), then record it through the core; False when the
    inspector cancels. A refusal of the core (no reason given, answered already) is raised."""
    asked = AnswerDialog(report, accepting=accepting, parent=parent)
    if asked.exec() != QDialog.DialogCode.Accepted:
        return False
    with db.session() as session:
        if accepting:
            accept(session, db.store, report.id, actor, note=asked.note(), deadline=asked.deadline())
        else:
            reject(session, db.store, report.id, actor, asked.note())
    return True


def report_words(report: UnitReport) -> str:
    """The report as rich text: hazard and kind, the unit's words, the date it asks for, any answer."""
    lines = [f"<b>{_escape(report.number)}</b> · {_escape(_(KIND_WORDS.get(report.kind, report.kind)))}",
             _escape(report.text)]
    who = " · ".join(part for part in (report.reporter.get("name", ""), report.reporter.get("role", "")) if part)
    if who:
        lines.append(_escape(_("Reported by {who}, {when}").format(who=who, when=dates.shown_moment(report.at))))
    if report.wanted_deadline:
        lines.append(_escape(_("Asks for a new deadline: {date}").format(date=report.wanted_deadline)))
    if report.answer:
        lines.append(_escape(_("Answer: {note}").format(note=report.answer)))
    return "<br>".join(lines)


def photo_tiles(db: Database, report: UnitReport, size: int = THUMB) -> list[QWidget]:
    """The inspector's before-photos, then the unit's photos with their camera and receipt times."""
    times = {t["id"]: t for t in report.photo_times}
    with db.session() as session:
        before = session.scalars(select(Attachment).where(Attachment.hazard_id == report.hazard_id,
                                                          Attachment.role == "before")
                                 .order_by(Attachment.created_at)).all()
        unit = [session.get(Attachment, uuid.UUID(p)) for p in report.photos]
        shown = [(a, _("Inspector's photo"), None) for a in before] + [
            (a, _("From the unit"), times.get(str(a.id))) for a in unit if a is not None]
        paths = {a.id: db.store.find(a.file_hash) for a, _label, _t in shown}
    return [photo_tile(paths[attachment.id], label, facts, size) for attachment, label, facts in shown]


class AnswerDialog(QDialog):
    """What an answer needs: the words the unit will read, and for an accepted extension the new date."""

    def __init__(self, report: UnitReport, accepting: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_answer")
        self.report, self.accepting = report, accepting
        self.setWindowTitle(_("Accept the report") if accepting else _("Reject the report"))
        explain = {("rectification", True): _("Re-inspection passed: the hazard is closed, with the unit's photos "
                                              "as its after-photos."),
                   ("rectification", False): _("Re-inspection failed: the hazard goes back to in progress. Say "
                                               "what is still wrong; the unit reads it on its page."),
                   ("extension", True): _("The deadline moves to the date below."),
                   ("extension", False): _("The deadline stays. Say why; the unit reads it on its page."),
                   ("dispute", True): _("The dispute is upheld: the hazard is withdrawn with your words as the "
                                        "reason."),
                   ("dispute", False): _("Answer the dispute; the unit reads it on its page.")}
        label = QLabel(explain[(report.kind, accepting)])
        label.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("answer_note")
        self.text.setPlaceholderText(_("Your words to the unit"))
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        wanted = dt.date.fromisoformat(report.wanted_deadline) if report.wanted_deadline else \
            dates.today() + dt.timedelta(days=14)
        self.date.setDate(QDate(wanted.year, wanted.month, wanted.day))
        self.date.setVisible(report.kind == "extension" and accepting)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.date)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)

    def note(self) -> str:
        return self.text.toPlainText().strip()

    def deadline(self) -> dt.date | None:
        if not (self.report.kind == "extension" and self.accepting):
            return None
        chosen = self.date.date()
        return dt.date(chosen.year(), chosen.month(), chosen.day())


def photo_tile(path: Path | None, label: str, facts: dict[str, Any] | None, size: int = THUMB) -> QWidget:
    tile = QWidget()
    column = QVBoxLayout(tile)
    picture = QLabel()
    picture.setFixedSize(size, size)
    picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
    pixmap = QPixmap(str(path)) if path is not None else QPixmap()
    if pixmap.isNull():
        picture.setText(_("(photo not here yet: sync again)"))
        picture.setWordWrap(True)
    else:
        picture.setPixmap(pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                        Qt.TransformationMode.SmoothTransformation))
    caption = QLabel(label)
    column.addWidget(picture)
    column.addWidget(caption)
    if facts is not None:
        taken = facts.get("taken")
        words = (_("taken {taken}").format(taken=taken.replace("T", " ")[:16]) if taken else _("no camera time"))
        words += "\n" + _("received {received}").format(
            received=dates.shown_moment(dt.datetime.fromisoformat(str(facts["received"]))))
        times = QLabel(words)
        times.setWordWrap(True)  # under a small tile (the editor's) the date and the time go on two lines
        times.setMaximumWidth(max(size, 160))
        if facts.get("flagged"):
            times.setStyleSheet(f"color: {FLAG_COLOUR}; font-weight: bold;")
            times.setToolTip(_("The photo was taken {hours} hours before it was sent: an old or borrowed photo?")
                             .format(hours=facts.get("gap_hours")))
        column.addWidget(times)
    column.addStretch(1)  # captions line up under pictures of both kinds
    return tile


def _escape(text: str) -> str:
    from html import escape

    return escape(text).replace("\n", "<br>")
