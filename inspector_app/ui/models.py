"""The site > building > floor tree model over ``core.structure.site_tree``.

It holds what the core returned and nothing more; the tree is rebuilt from the core after a change.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from inspector_app.core.structure import BuildingNode, FloorNode, SiteNode
from inspector_app.i18n import _

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
        index = self.find_place(floor_id)
        return index if index.isValid() and index.data(KIND_ROLE) == "floor" else QModelIndex()

    def find_place(self, place_id: uuid.UUID | str) -> QModelIndex:
        """The row of a site, building or floor by its id (invalid when it is not in the tree)."""
        wanted = str(place_id)
        stack = list(self._root.children)
        while stack:
            item = stack.pop()
            if item.node is not None and str(item.node.id) == wanted:
                return self.createIndex(item.row, 0, item)
            stack.extend(item.children)
        return QModelIndex()

    def is_empty(self) -> bool:
        return not self._root.children

    def first_floor(self) -> QModelIndex:
        for site in self._root.children:
            for building in site.children:
                if building.children:
                    floor = building.children[0]
                    return self.createIndex(floor.row, 0, floor)
        return QModelIndex()
