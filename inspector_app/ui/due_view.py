"""What is due, on the laptop (issue 25): the Due view (a tab beside the plan and the ledger) and the
short notice at start. Both list core.due's items, most pressing first; a line opens its hazard
(double-click or Enter in the view, a link in the notice). The view prints the day's list, ordered
as the walk goes (notices/day_list.py). The table model is a thin adapter over core.due's items.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core import dates
from inspector_app.core.due import DEFAULT_DAYS, DueItem, counts, due_items, why_label
from inspector_app.core.errors import InspectorError
from inspector_app.core.supervision_rules import LEVEL_COLOURS, level_label
from inspector_app.i18n import N_, _
from inspector_app.ui import file_dialogs
from inspector_app.ui.models import ID_ROLE, AnyIndex

DUE_COLUMNS = (("why", N_("Why")), ("number", N_("Number")), ("deadline", N_("Deadline")),
               ("level", N_("Supervision")), ("place", N_("Location")), ("description", N_("Description")))
WHY_COLOURS = {"overdue": "#c62828", "report": "#6a1b9a", "reinspection": "#1976d2", "due": "#f57c00"}
NOTICE_LINES = 3  # the notice at start stays short: the rest is one click away in the Due view


def summary_text(items: list[DueItem], days: int) -> str:
    found = counts(items)
    return _("{overdue} overdue · {reinspection} waiting for re-inspection · {due} due within {days} days").format(
        days=days, **found)


class DueModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[DueItem] = []
        self.today = dates.today()

    def set_items(self, items: list[DueItem], today: dt.date) -> None:
        self.beginResetModel()
        self.items, self.today = items, today
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DUE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(DUE_COLUMNS):
            return _(DUE_COLUMNS[section][1])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item, key = self.items[index.row()], DUE_COLUMNS[index.column()][0]
        if role == ID_ROLE:
            return str(item.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "why":
                return QBrush(QColor(WHY_COLOURS[item.why]))
            if key == "level" and item.level:
                return QBrush(QColor(LEVEL_COLOURS[item.level]))
        if role == Qt.ItemDataRole.FontRole and (key == "why" or (key == "level" and item.level >= 2)):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and key == "description":
            return item.description
        return None

    def _display(self, item: DueItem, key: str) -> str:
        if key == "why":
            return why_label(item.why)
        if key == "deadline":
            if item.deadline is None or item.why == "reinspection":  # the unit's deadline: no longer what is late
                return dates.shown_date(item.deadline) if item.deadline else ""
            left = item.days_left(self.today) or 0
            when = _("today") if left == 0 else (_("in {days} d").format(days=left) if left > 0
                                                 else _("{days} d late").format(days=-left))
            return f"{dates.shown_date(item.deadline)} ({when})"
        if key == "level":
            return level_label(item.level) if item.level else ""
        if key == "place":
            return " / ".join(p for p in (item.building, item.floor, item.room) if p)
        return str(getattr(item, key))


class DueView(QWidget):
    hazardActivated = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = DueModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        for column, width in enumerate((110, 86, 160, 150, 190)):  # "Listed supervision" whole
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)  # Enter on a line, as a double-click
        self.days = QSpinBox()
        self.days.setRange(0, 90)
        self.days.setValue(DEFAULT_DAYS)
        self.days.valueChanged.connect(self.refresh)
        self.days_label = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.print_button = QPushButton()
        self.print_button.setMinimumHeight(40)
        self.print_button.clicked.connect(self.print_day_list)
        self.message = QLabel()
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.days_label)
        top.addWidget(self.days)
        top.addWidget(self.summary, 1)
        top.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.retranslate()

    def retranslate(self) -> None:
        self.days_label.setText(_("Deadlines within (days):"))
        self.print_button.setText(_("Print the day's list…"))
        self.message.clear()
        self.refresh()

    def refresh(self) -> None:
        today = dates.today()
        with self.context.db.session() as session:
            items = due_items(session, self.days.value(), today)
        self.model.set_items(items, today)
        self.summary.setText(summary_text(items, self.days.value()))

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.hazardActivated.emit(str(self.model.items[index.row()].id))

    def print_day_list(self) -> None:
        from inspector_app.notices.day_list import write_day_list

        name = _("day-list-{date}.pdf").format(date=dates.today().isoformat())
        out = file_dialogs.save_file(self, "print", _("Print the day's list"), name, _("PDF files (*.pdf)"))
        if out is None:
            return
        try:
            with self.context.db.session() as session:
                write_day_list(session, self.model.items, out, self.days.value())
        except (InspectorError, OSError) as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(_("Saved {path}").format(path=out))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))


class DueNotice(QFrame):
    """The notice at start: a few lines of what is most pressing, each a link to its hazard, one to
    the Due view, and a close button. Hidden when nothing is due."""

    hazardActivated = Signal(str)
    showAll = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("due_notice")
        self.setStyleSheet("#due_notice { background: #fff8e1; border: 1px solid #ffcc80; border-radius: 4px; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.linkActivated.connect(self._link)
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(32)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.items: list[DueItem] = []
        self.hide()

    def show_for(self, days: int = DEFAULT_DAYS) -> None:
        """Fill the notice from the ledger; shown only when something is due."""
        today = dates.today()
        with self.context.db.session() as session:
            self.items = due_items(session, days, today)
        if not self.items:
            self.hide()
            return
        lines = [f"<b>{escape(_('Due:'))}</b> {escape(summary_text(self.items, days))}"]
        for item in self.items[:NOTICE_LINES]:
            level = f" · {escape(level_label(item.level))}" if item.level else ""
            deadline = dates.shown_date(item.deadline) if item.deadline else ""
            lines.append(f'<a href="hazard:{item.id}">{escape(item.number)}</a> '
                         f'<span style="color:{WHY_COLOURS[item.why]}">{escape(why_label(item.why))}</span> '
                         f"{escape(deadline)}{level} · {escape(item.description)}")
        if len(self.items) > NOTICE_LINES:
            lines.append(f'<a href="due:all">{escape(_("All {count} in the Due view…").format(count=len(self.items)))}'
                         "</a>")
        self.text.setText("<br>".join(lines))
        self.show()

    def _link(self, link: str) -> None:
        kind, _sep, value = link.partition(":")
        if kind == "hazard":
            self.hazardActivated.emit(value)
        else:
            self.showAll.emit()
