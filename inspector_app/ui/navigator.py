"""The navigator: the site > building > floor tree, and setting up places from it. New, rename and
remove (buttons under the tree, the context menu, Insert / F2 / Delete), a plan dropped on a floor or
chosen for it, and the first site of an empty ledger. Every change goes through the core's structure
use cases (the same as the `site|building|floor` commands); the tree is then rebuilt from the core."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QMenu,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core import structure
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _
from inspector_app.ui.models import ID_ROLE, KIND_ROLE, SiteTreeModel
from inspector_app.ui.place_dialogs import FirstSiteDialog, PlaceDialog, choose_plan_file
from inspector_app.ui.window_frame import PLACES_WIDTH

CHILD_KIND = {"": "site", "site": "building", "building": "floor", "floor": "floor"}


class PlaceTree(QTreeView):
    """The tree itself; a plan file dropped on a floor row asks for it to become that floor's plan."""

    planDropped = Signal(str, Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def _floor_at(self, pos: QPoint) -> QModelIndex:
        index = self.indexAt(pos)
        return index if index.isValid() and index.data(KIND_ROLE) == "floor" else QModelIndex()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            if self._floor_at(event.position().toPoint()).isValid():
                event.acceptProposedAction()
            else:
                event.ignore()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        floor = self._floor_at(event.position().toPoint())
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if floor.isValid() and files:
            event.acceptProposedAction()
            self.setCurrentIndex(floor)
            self.planDropped.emit(floor.data(ID_ROLE), files[0])
        else:
            event.ignore()


class Navigator(QWidget):
    placesChanged = Signal(str)  # the id of the place to select after the tree is rebuilt ("" for none)
    planRequested = Signal(str, Path)  # floor id, plan file

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = SiteTreeModel(self)
        self.tree = PlaceTree()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumWidth(PLACES_WIDTH)
        self.tree.setStyleSheet("QTreeView::item { min-height: 32px; }")  # finger-sized rows
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.planDropped.connect(lambda floor, path: self.planRequested.emit(floor, path))

        self.first_site_button = QPushButton()
        self.first_site_button.setObjectName("first_site")
        self.first_site_button.setMinimumHeight(48)
        self.first_site_button.clicked.connect(self.set_up_first_site)
        self.new_site_action = self._action(lambda: self.add_place("site"))
        self.new_building_action = self._action(lambda: self.add_place("building"))
        self.new_floor_action = self._action(lambda: self.add_place("floor"))
        self.new_child_action = self._action(self.add_child, QKeySequence(Qt.Key.Key_Insert))
        self.rename_action = self._action(self.rename_place, QKeySequence(Qt.Key.Key_F2))
        self.remove_action = self._action(self.remove_place, QKeySequence.StandardKey.Delete)
        self.plan_action = self._action(self.choose_plan)
        for action in (self.new_child_action, self.rename_action, self.remove_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.tree.addAction(action)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setContentsMargins(4, 2, 4, 4)
        grid.setSpacing(4)
        for position, (key, action) in enumerate((
                ("site", self.new_site_action), ("building", self.new_building_action),
                ("floor", self.new_floor_action), ("plan", self.plan_action),
                ("rename", self.rename_action), ("remove", self.remove_action))):
            button = QPushButton()
            button.setObjectName(f"navigator_{key}")
            button.setMinimumHeight(32)
            button.clicked.connect(action.trigger)
            self.buttons[key] = button
            grid.addWidget(button, position // 2, position % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.first_site_button)
        layout.addWidget(self.tree, 1)
        layout.addLayout(grid)
        self.tree.selectionModel().currentChanged.connect(lambda *_args: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.retranslate()
        self._update_actions()

    def _action(self, slot: object, shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def retranslate(self) -> None:
        self.first_site_button.setText(_("Set up the first site…"))
        self.new_site_action.setText(_("New site…"))
        self.new_building_action.setText(_("New building…"))
        self.new_floor_action.setText(_("New floor…"))
        self.new_child_action.setText(_("New (Insert)"))
        self.rename_action.setText(_("Rename… (F2)"))
        self.remove_action.setText(_("Remove (Del)"))
        self.plan_action.setText(_("Floor plan…"))
        texts = {"site": _("+ Site"), "building": _("+ Building"), "floor": _("+ Floor"), "plan": _("Plan…"),
                 "rename": _("Rename…"), "remove": _("Remove")}
        tips = {"site": self.new_site_action.text(), "building": self.new_building_action.text(),
                "floor": self.new_floor_action.text(), "plan": _("Import or replace the chosen floor's plan "
                                                                 "(or drop a plan file on a floor)"),
                "rename": self.rename_action.text(), "remove": self.remove_action.text()}
        for key, button in self.buttons.items():
            button.setText(texts[key])
            button.setToolTip(tips[key])

    # -- what is chosen ---------------------------------------------------------------------------
    def current(self) -> tuple[str, uuid.UUID | None, str]:
        index = self.tree.currentIndex()
        if not index.isValid():
            return "", None, ""
        return index.data(KIND_ROLE), uuid.UUID(index.data(ID_ROLE)), index.data()

    def _ancestor(self, kind: str) -> tuple[uuid.UUID | None, str]:
        """The chosen place of that kind, or the one the chosen place is in."""
        index = self.tree.currentIndex()
        while index.isValid():
            if index.data(KIND_ROLE) == kind:
                return uuid.UUID(index.data(ID_ROLE)), index.data()
            index = index.parent()
        return None, ""

    def _update_actions(self) -> None:
        empty = self.model.is_empty()
        kind = self.current()[0]
        self.first_site_button.setVisible(empty)
        self.new_building_action.setEnabled(self._ancestor("site")[0] is not None)
        self.new_floor_action.setEnabled(self._ancestor("building")[0] is not None)
        self.rename_action.setEnabled(bool(kind))
        self.remove_action.setEnabled(bool(kind))
        self.plan_action.setEnabled(kind == "floor")
        for key, action in (("building", self.new_building_action), ("floor", self.new_floor_action),
                            ("rename", self.rename_action), ("remove", self.remove_action),
                            ("plan", self.plan_action)):
            self.buttons[key].setEnabled(action.isEnabled())

    def _context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        menu = QMenu(self)
        for action in (self.new_site_action, self.new_building_action, self.new_floor_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.plan_action, self.rename_action, self.remove_action):
            menu.addAction(action)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    # -- changes ---------------------------------------------------------------------------------
    def add_child(self) -> None:
        self.add_place(CHILD_KIND[self.current()[0]])

    def add_place(self, kind: str) -> None:
        parent_kind = {"building": "site", "floor": "building"}.get(kind)
        parent_id, parent_name = self._ancestor(parent_kind) if parent_kind else (None, "")
        if parent_kind and parent_id is None:
            return
        next_level = 1
        if kind == "floor" and parent_id is not None:
            next_level = self.model.rowCount(self.model.find_place(parent_id)) + 1
        dialog = PlaceDialog(kind, parent_name, catalogue=self.context.catalogue, level=next_level, parent=self)
        made: list[str] = []

        def create(_dialog: QDialog) -> None:
            values = dialog.values()
            with self.context.db.session() as session:
                if kind == "site":
                    place: structure.Place = structure.add_site(session, values["name"], values["code"])
                elif kind == "building":
                    assert parent_id is not None
                    place = structure.add_building(session, parent_id, values["name"], values["area_type"])
                else:
                    assert parent_id is not None
                    place = structure.add_floor(session, parent_id, values["name"], values["level"])
                made.append(str(place.id))

        dialog.on_accept = create
        if dialog.run() and made:
            self.placesChanged.emit(made[0])

    def rename_place(self) -> None:
        kind, ident, name = self.current()
        if ident is None:
            return
        dialog = PlaceDialog(kind, name=name, parent=self)

        def rename(_dialog: QDialog) -> None:
            with self.context.db.session() as session:
                structure.rename_place(session, kind, ident, dialog.values()["name"])

        dialog.on_accept = rename
        if dialog.run():
            self.placesChanged.emit(str(ident))

    def remove_place(self) -> None:
        """Remove the chosen place. A place that holds anything is refused at once, saying what it holds
        and what to do instead; an empty one is asked about, with Cancel the default answer."""
        kind, ident, name = self.current()
        if ident is None:
            return
        try:
            with self.context.db.session() as session:
                refusal = structure.removal_refusal(session, kind, ident)
        except InspectorError as exc:
            refusal = str(exc)
        if refusal:
            box = QMessageBox(QMessageBox.Icon.Information, _("Cannot remove"), refusal, parent=self)
            box.setObjectName("remove_refused")
            box.exec()
            return
        question = {"site": _("Remove the site “{name}”?"), "building": _("Remove the building “{name}”?"),
                    "floor": _("Remove the floor “{name}” and its plan versions?")}[kind].format(name=name)
        box = QMessageBox(QMessageBox.Icon.Question, _("Remove"), question, parent=self)
        box.setObjectName("remove_question")
        remove = box.addButton(_("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter on a destructive question keeps the place
        box.setEscapeButton(keep)
        box.exec()
        if box.clickedButton() is not remove:
            return
        parent = self.tree.currentIndex().parent()
        try:
            with self.context.db.session() as session:
                structure.remove_place(session, kind, ident)
        except InspectorError as exc:  # filled meanwhile (a sync): said, nothing removed
            QMessageBox.warning(self, _("Cannot remove"), str(exc))
            return
        self.placesChanged.emit(parent.data(ID_ROLE) if parent.isValid() else "")

    def choose_plan(self) -> None:
        kind, ident, name = self.current()
        if kind != "floor" or ident is None:
            return
        path = choose_plan_file(self, _("Plan of {floor}").format(floor=name))
        if path is not None:
            self.planRequested.emit(str(ident), path)

    def set_up_first_site(self) -> None:
        """An empty ledger's first site, building and floor in one dialog; then its plan, if one was chosen."""
        dialog = FirstSiteDialog(self.context.catalogue, self)
        made: list[str] = []

        def create(_dialog: QDialog) -> None:
            values = dialog.values()
            plan = values["plan"]
            if isinstance(plan, Path) and not plan.is_file():
                raise InspectorError(_("{path}: no such file.").format(path=plan))
            with self.context.db.session() as session:  # all three or none
                site = structure.add_site(session, str(values["site"]))
                building = structure.add_building(session, site.id, str(values["building"]),
                                                  str(values["area_type"]))
                made.append(str(structure.add_floor(session, building.id, str(values["floor"])).id))

        dialog.on_accept = create
        if dialog.run() and made:
            self.placesChanged.emit(made[0])
            plan = dialog.values()["plan"]
            if isinstance(plan, Path):
                self.planRequested.emit(made[0], plan)
