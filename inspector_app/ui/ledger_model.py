"""The ledger table model: holds only the ordered ids of the hazards that pass the filter and
fetches rows a page at a time as the view scrolls, so 100,000 hazards show at once.

Sorting and filtering are done by the database (core.ledger), never by a proxy over loaded rows.
A row that fails to load shows as a disabled placeholder instead of breaking the view.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from inspector_app.core import dates, ledger
from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.core.hazard_rows import HazardRow
from inspector_app.core.major_decision import listed, listed_label, listed_level_label
from inspector_app.core.supervision_rules import LEVEL_COLOURS, level_label
from inspector_app.core.workflow import OVERDUE_LABEL, STATUS_COLOURS, severity_label, status_label
from inspector_app.i18n import N_, _
from inspector_app.ui.models import ID_ROLE, AnyIndex

PAGE_SIZE = 200
CACHED_PAGES = 50

LEDGER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", N_("Number")),
    ("status", N_("Status")),
    ("category", N_("Category")),
    ("severity", N_("Severity")),
    ("location", N_("Location")),
    ("deadline", N_("Deadline")),
    ("supervision", N_("Supervision")),
    ("responsible_person", N_("Responsible")),
    ("found_at", N_("Found")),
    ("description", N_("Description")),
)


class LedgerModel(QAbstractTableModel):
    def __init__(self, db: Database, catalogue: Catalogue, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._catalogue = catalogue
        self._ids: list[ledger.RawId] = []
        self._pages: OrderedDict[int, dict[uuid.UUID, HazardRow]] = OrderedDict()
        self.filter = ledger.LedgerFilter()
        self.sort_key = "number"
        self.descending = False
        self.on_error: Callable[[Exception], None] | None = None

    def set_database(self, db: Database) -> None:
        self._db = db
        self.reload()

    # -- loading ------------------------------------------------------------------------------
    def set_filter(self, flt: ledger.LedgerFilter) -> None:
        self.filter = self._with_category_search(flt)
        self.reload()

    def _with_category_search(self, flt: ledger.LedgerFilter) -> ledger.LedgerFilter:
        words = [w.lower() for w in flt.search.split()]
        if not words:
            flt.search_categories = frozenset()
            return flt
        flt.search_categories = frozenset(
            code for code, category in self._catalogue.categories.items()
            if all(w in category.name.zh.lower() or w in category.name.en.lower() or w in code for w in words)
        )
        return flt

    def ids(self) -> list[uuid.UUID]:
        """The hazards listed now, in the order shown. As UUIDs: the raw driver values (hex text on
        SQLite) failed as query parameters ("'str' object has no attribute 'hex'") in the export."""
        return [ledger.as_uuid(raw) for raw in self._ids]

    def count_matching(self, flt: ledger.LedgerFilter) -> int:
        """How many hazards another filter would list (the view says what its scope leaves out)."""
        with self._db.session() as session:
            return ledger.count(session, self._with_category_search(flt))

    def reload(self) -> None:
        with self._db.session() as session:
            ids = ledger.ledger_ids(session, self.filter, self.sort_key, self.descending)
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Forget the cached rows after an edit and repaint them (the order and set stay)."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(LEDGER_COLUMNS) - 1))

    def _row(self, row: int) -> HazardRow | None:
        page = row // PAGE_SIZE
        cached = self._pages.get(page)
        if cached is None:
            ids = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            try:
                with self._db.session() as session:
                    cached = ledger.rows_by_id(session, ids)
            except Exception as exc:  # a broken row must not take the whole view down
                if self.on_error:
                    self.on_error(exc)
                cached = {}
            self._pages[page] = cached
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return cached.get(ledger.as_uuid(self._ids[row]))

    # -- queries for the view -----------------------------------------------------------------
    def id_at(self, row: int) -> uuid.UUID:
        return ledger.as_uuid(self._ids[row])

    def row_at(self, row: int) -> HazardRow | None:
        return self._row(row) if 0 <= row < len(self._ids) else None

    def row_of(self, hazard_id: uuid.UUID) -> int:
        for raw in (hazard_id.hex, hazard_id, str(hazard_id)):  # as SQLite or PostgreSQL hand it back
            try:
                return self._ids.index(raw)
            except ValueError:
                continue
        return -1

    def rows_of(self, hazard_ids: list[uuid.UUID]) -> list[int]:
        """The rows of those hazards still listed, in one pass (row_of for each is slow on a long list)."""
        wanted = {form for i in hazard_ids for form in (i.hex, i, str(i))}  # as SQLite or PostgreSQL hand it back
        return [row for row, raw in enumerate(self._ids) if raw in wanted] if wanted else []

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(LEDGER_COLUMNS) - 1)
        self.refresh_rows()

    # -- QAbstractTableModel --------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LEDGER_COLUMNS)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(LEDGER_COLUMNS):
            return
        self.sort_key = LEDGER_COLUMNS[column][0]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        with self._db.session() as session:
            self._ids = ledger.ledger_ids(session, self.filter, self.sort_key, self.descending)
        self._pages.clear()
        self.layoutChanged.emit()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._row(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(LEDGER_COLUMNS):
            return _(LEDGER_COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def _display(self, row: HazardRow, key: str) -> str:
        if key == "status":
            text = status_label(row.status)
            return f"{text} · {_(OVERDUE_LABEL)}" if row.overdue else text
        if key == "category":
            category = self._catalogue.categories.get(row.category)
            return category.name.get() if category else row.category
        if key == "severity":
            if listed(row.major_rule, row.status):  # confirmed, not yet fixed: marked until it is
                return listed_level_label()
            return severity_label(row.severity)
        if key == "location":
            return " / ".join(part for part in (row.building, row.floor, row.room) if part)
        if key == "deadline":
            return dates.shown_date(row.deadline) if row.deadline else ""
        if key == "supervision":
            return level_label(row.supervision_level) if row.supervision_level else ""
        if key == "found_at":
            return dates.shown_date(dates.local_date(row.found_at))
        return str(getattr(row, key))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return str(self.id_at(index.row()))
        row = self._row(index.row())
        if row is None:
            return _("(could not load this row)") if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 \
                else None
        key = LEDGER_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            return QBrush(QColor(STATUS_COLOURS.get(row.status, "#000000")))
        if role == Qt.ItemDataRole.ForegroundRole and key == "severity" and listed(row.major_rule, row.status):
            return QBrush(QColor("#b71c1c"))
        if role == Qt.ItemDataRole.ForegroundRole and key == "supervision" and row.supervision_level:
            return QBrush(QColor(LEVEL_COLOURS[row.supervision_level]))
        if role == Qt.ItemDataRole.BackgroundRole and row.overdue:
            return QBrush(QColor("#fdecea"))
        if role == Qt.ItemDataRole.FontRole and ((key == "severity" and row.severity == "major")
                                                  or (key == "supervision" and row.supervision_level >= 2)):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and key == "description":
            return row.description
        if role == Qt.ItemDataRole.ToolTipRole and key == "severity" and row.major_rule:
            rule = self._catalogue.major_rules.get(row.major_rule)
            where = f"{rule.reference.get()}: {rule.shown_text()}" if rule else row.major_rule
            return f"{listed_label()}\n{where}" if listed(row.major_rule, row.status) else where
        return None
