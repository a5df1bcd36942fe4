"""Choosing a hazard category from forms/: type to search in Chinese, English or by code; the
categories are grouped as in the taxonomy, with the recently used ones first.

The recent list is handed in and read back (``set_recent`` / ``recent``), never stored here, so the
caller decides where it lives and a test can give any list.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFrame, QLineEdit, QTreeView, QVBoxLayout, QWidget

from inspector_app.core.forms import Catalogue
from inspector_app.i18n import _
from inspector_app.ui.screen_fit import available_area, fitted_size, place_on_screen

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
MAX_RECENT = 8


def remember(recent: list[str], code: str) -> list[str]:
    """The recent list with ``code`` moved to the front, at most MAX_RECENT long."""
    return [code, *(c for c in recent if c != code)][:MAX_RECENT]


class _CategoryFilter(QSortFilterProxyModel):
    """Keeps the categories whose Chinese or English name, code or group match every typed word."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.setRecursiveFilteringEnabled(True)  # a group stays while one of its categories matches

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self.words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.words:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        haystack = index.data(SEARCH_ROLE)
        if not haystack:  # a group row: shown only through its children (recursive filtering)
            return False
        return all(word in haystack for word in self.words)


class CategoryPicker(QWidget):
    """A search box over a grouped category tree; ``categoryChosen(code)`` on click or Enter."""

    categoryChosen = Signal(str)

    def __init__(self, catalogue: Catalogue, recent: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self._recent = [c for c in (recent or []) if c in catalogue.categories]
        self._area_type = ""
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumHeight(40)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self.choose_first)
        self.search.installEventFilter(self)
        self.model = QStandardItemModel(self)
        self.proxy = _CategoryFilter(self)
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { min-height: 36px; }")  # finger-sized rows
        self.tree.activated.connect(self._activated)
        self.tree.clicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Search: Chinese, English or code"))
        self._rebuild()

    def set_recent(self, recent: list[str]) -> None:
        self._recent = [c for c in recent if c in self.catalogue.categories]
        self._rebuild()

    def recent(self) -> list[str]:
        return list(self._recent)

    def set_area_type(self, area_type: str) -> None:
        """The hazard's area type: the categories its checklist looks for are listed next, as a group."""
        if area_type != self._area_type:
            self._area_type = area_type
            self._rebuild()

    def _category_item(self, code: str) -> QStandardItem:
        category = self.catalogue.categories[code]
        group = self.catalogue.groups.get(category.group)
        item = QStandardItem(category.name.get())
        item.setEditable(False)
        item.setData(code, CODE_ROLE)
        words = [category.name.zh, category.name.en, code]
        if group is not None:
            words += [group.name.zh, group.name.en]
        item.setData(" ".join(words).casefold(), SEARCH_ROLE)
        other = category.name.en if category.name.get() == category.name.zh else category.name.zh
        item.setToolTip(f"{other}\n{code}")
        return item

    def _group_item(self, text: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setSelectable(False)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        return item

    def _rebuild(self) -> None:
        self.model.clear()
        if self._recent:
            recent = self._group_item(_("Recently used"))
            for code in self._recent:
                recent.appendRow(self._category_item(code))
            self.model.appendRow(recent)
        area = self.catalogue.area_types.get(self._area_type)
        usual = self.catalogue.categories_for_area(self._area_type)
        if area is not None and usual:
            usual_item = self._group_item(_("On the checklist of: {area}").format(area=area.name.get()))
            for code in usual:
                usual_item.appendRow(self._category_item(code))
            self.model.appendRow(usual_item)
        for group_code, group in self.catalogue.groups.items():
            codes = [c for c, cat in self.catalogue.categories.items() if cat.group == group_code]
            if not codes:
                continue
            parent = self._group_item(group.name.get())
            for code in codes:
                parent.appendRow(self._category_item(code))
            self.model.appendRow(parent)
        self.tree.expandAll()

    def _filter(self, text: str) -> None:
        self.proxy.set_query(text)
        self.tree.expandAll()

    def start_on_first(self) -> None:
        """Put the list at its top: the first recently used category, else the first the place's
        checklist looks for (a cleared search shows the whole list)."""
        self.tree.scrollToTop()
        first = self.proxy.index(0, 0, self.proxy.index(0, 0))
        if first.isValid():
            self.tree.setCurrentIndex(first)

    def visible_codes(self) -> list[str]:
        """The codes now shown, top to bottom (a recently used one may appear twice)."""
        codes: list[str] = []
        for row in range(self.proxy.rowCount()):
            group = self.proxy.index(row, 0)
            for child in range(self.proxy.rowCount(group)):
                codes.append(self.proxy.index(child, 0, group).data(CODE_ROLE))
        return codes

    def choose_first(self) -> None:
        codes = self.visible_codes()
        if codes:
            self.choose(codes[0])

    def choose(self, code: str) -> None:
        self.catalogue.category(code)  # refuses an unknown code
        self.categoryChosen.emit(code)

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.choose(code)

    def eventFilter(self, watched: object, event: object) -> bool:
        # Down arrow from the search box goes into the list, as in any search field.
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down:
            self.tree.setFocus()
            first = self.proxy.index(0, 0)
            if first.isValid():
                self.tree.setCurrentIndex(self.proxy.index(0, 0, first))
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]


class CategoryPopup(QFrame):
    """The picker as a drop-down under the editor's category button; closes once a category is chosen."""

    def __init__(self, picker: CategoryPicker, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.picker = picker
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(picker)
        picker.categoryChosen.connect(lambda _code: self.hide())

    def show_under(self, anchor: QWidget) -> None:
        size = fitted_size(self, QSize(max(anchor.width(), 360), 440), framed=False)
        self.resize(size)
        below = anchor.mapToGlobal(anchor.rect().bottomLeft())
        above = anchor.mapToGlobal(anchor.rect().topLeft()) - QPoint(0, size.height())
        area = available_area(self, below)
        # Below the button, or above it near the bottom edge; never past the screen's right edge.
        wanted = below if below.y() + size.height() <= area.bottom() + 1 else above
        self.move(place_on_screen(self, wanted, size))
        self.picker.search.clear()
        self.picker.start_on_first()
        self.show()
        self.picker.search.setFocus()
