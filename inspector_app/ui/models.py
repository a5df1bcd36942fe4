"""Qt models that adapt core data for views: the site > building > floor tree and the hazard table.

They hold what the core returned and nothing more; every change goes through a core use case and
the model is then refreshed from the core.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from inspector_app.core.forms import Catalogue
from inspector_app.core.queries import HazardRow
from inspector_app.core.structure import BuildingNode, FloorNode, SiteNode
from inspector_app.core.workflow import OVERDUE_LABEL, STATUS_COLOURS, severity_label, status_label
from inspector_app.i18n import N_, _

AnyIndex = QModelIndex | QPersistentModelIndex
NodeKind = str  # "site" | "building" | "floor"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2


class _TreeItem:
    def __init__(self, kind: NodeKind, node: SiteNode | BuildingNode | FloorNode | None,
                 parent: _TreeItem | None, row: int) -> None:
        self.kind, self.node, self.parent, self.row = kind, node, parent, row
        self.children: list[_TreeItem] = []


class SiteTreeModel(QAbstractItemModel):
    """Sites, their buildings and floors, from ``core.structure.site_tree``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _TreeItem("root", None, None, 0)

    def set_sites(self, sites: list[SiteNode]) -> None:
        self.beginResetModel()
        root = _TreeItem("root", None, None, 0)
        for s_row, site in enumerate(sites):
            site_item = _TreeItem("site", site, root, s_row)
            root.children.append(site_item)
            for b_row, building in enumerate(site.buildings):
                b_item = _TreeItem("building", building, site_item, b_row)
                site_item.children.append(b_item)
                for f_row, floor in enumerate(building.floors):
                    b_item.children.append(_TreeItem("floor", floor, b_item, f_row))
        self._root = root
        self.endResetModel()

    def _item(self, index: AnyIndex) -> _TreeItem:
        if index.isValid():
            item = index.internalPointer()
            assert isinstance(item, _TreeItem)
            return item
        return self._root

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._item(parent).children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._item(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._item(index)
        node = item.node
        assert node is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return node.name
        if role == ID_ROLE:
            return str(node.id)
        if role == KIND_ROLE:
            return item.kind
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section == 0:
            return _("Sites, buildings and floors")
        return None

    def find_floor(self, floor_id: uuid.UUID | str) -> QModelIndex:
        wanted = str(floor_id)
        for site in self._root.children:
            for building in site.children:
                for floor in building.children:
                    if floor.node is not None and str(floor.node.id) == wanted:
                        return self.createIndex(floor.row, 0, floor)
        return QModelIndex()


HAZARD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", N_("Number")),
    ("status", N_("Status")),
    ("category", N_("Category")),
    ("severity", N_("Severity")),
    ("location", N_("Location")),
    ("deadline", N_("Deadline")),
    ("responsible_person", N_("Responsible")),
    ("description", N_("Description")),
)


class HazardTableModel(QAbstractTableModel):
    """Rows of ``core.queries.list_hazards``; overdue rows are marked."""

    def __init__(self, catalogue: Catalogue, parent: Any = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._rows: list[HazardRow] = []

    def set_rows(self, rows: list[HazardRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> HazardRow:
        return self._rows[row]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HAZARD_COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(HAZARD_COLUMNS) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HAZARD_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HAZARD_COLUMNS):
            return _(HAZARD_COLUMNS[section][1])
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
            return severity_label(row.severity)
        if key == "location":
            return " / ".join(part for part in (row.building, row.floor, row.room) if part)
        if key == "deadline":
            return row.deadline.isoformat() if row.deadline else ""
        return str(getattr(row, key))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        key = HAZARD_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == ID_ROLE:
            return str(row.id)
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            return QBrush(QColor(STATUS_COLOURS.get(row.status, "#000000")))
        if role == Qt.ItemDataRole.BackgroundRole and row.overdue:
            return QBrush(QColor("#fdecea"))
        if role == Qt.ItemDataRole.ToolTipRole and key == "description":
            return row.description
        return None
