"""The main window: the site > building > floor navigator and the hazards of the chosen place.

Opening another ledger, switching the language (without losing anything on screen) and refreshing
are here; the plan canvas, hazard editor and ledger view plug into this window as they arrive.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector_app import __version__
from inspector_app.cli.context import AppContext
from inspector_app.core import ledger
from inspector_app.core.errors import InspectorError
from inspector_app.core.ledger import LedgerFilter
from inspector_app.core.settings import save_settings
from inspector_app.core.structure import site_tree
from inspector_app.core.workflow import Status, status_label
from inspector_app.i18n import _, current_language, set_language
from inspector_app.ui.app import QtTranslations
from inspector_app.ui.ledger_model import LedgerModel
from inspector_app.ui.models import ID_ROLE, KIND_ROLE, SiteTreeModel


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, qt_translations: QtTranslations | None = None) -> None:
        super().__init__()
        self.context = context
        self.qt_translations = qt_translations
        self.selected: tuple[str, uuid.UUID] | None = None
        self.resize(1280, 800)

        self.tree_model = SiteTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumWidth(240)
        self.tree.selectionModel().selectionChanged.connect(self._on_place_selected)
        self.navigator = QDockWidget(self)
        self.navigator.setObjectName("navigator")
        self.navigator.setWidget(self.tree)
        self.navigator.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.navigator)

        self.hazard_model = LedgerModel(context.db, context.catalogue, self)
        self.hazard_table = QTableView()
        self.hazard_table.setModel(self.hazard_model)
        self.hazard_table.setSortingEnabled(True)
        self.hazard_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.hazard_table.setAlternatingRowColors(True)
        self.hazard_table.horizontalHeader().setStretchLastSection(True)
        self.hazard_table.verticalHeader().setDefaultSectionSize(34)  # touch-friendly rows

        self.status_filter = QComboBox()
        self.status_filter.currentIndexChanged.connect(self.refresh_hazards)
        self.filter_label = QLabel()
        self.place_label = QLabel()
        self.place_label.setStyleSheet("font-size: 16px; font-weight: 600;")
        bar = QHBoxLayout()
        bar.addWidget(self.place_label, 1)
        bar.addWidget(self.filter_label)
        bar.addWidget(self.status_filter)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(self.hazard_table)
        self.setCentralWidget(central)

        self._build_actions()
        self.retranslate()
        self.reload()

    # -- actions and texts -------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.open_action = QAction(self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_ledger)
        self.refresh_action = QAction(self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.reload)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.show_about)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, native in (("zh_CN", "中文"), ("en", "English")):
            action = QAction(native, self, checkable=True)
            action.setData(code)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.switch_language(c))
            self.language_group.addAction(action)
            self.language_actions[code] = action

        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addAction(self.open_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("")
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addAction(self.navigator.toggleViewAction())
        self.settings_menu = self.menuBar().addMenu("")
        self.language_menu = self.settings_menu.addMenu("")
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        """Set every text of the window in the current language (also after a switch)."""
        self.setWindowTitle(_("Fire-Risk Inspector") + f" — {self.context.url.removeprefix('sqlite:///')}")
        self.navigator.setWindowTitle(_("Places"))
        self.file_menu.setTitle(_("&File"))
        self.view_menu.setTitle(_("&View"))
        self.settings_menu.setTitle(_("&Settings"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        self.open_action.setText(_("&Open ledger…"))
        self.refresh_action.setText(_("&Refresh"))
        self.quit_action.setText(_("&Quit"))
        self.about_action.setText(_("&About"))
        self.filter_label.setText(_("Status:"))
        current = self.status_filter.currentData()
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        self.status_filter.addItem(_("All"), "")
        for status in Status:
            self.status_filter.addItem(status_label(status), status.value)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(current or "")))
        self.status_filter.blockSignals(False)
        self.tree_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)
        self.hazard_model.retranslate()
        self._update_place_label()
        self._update_status_bar()

    def switch_language(self, language: str) -> None:
        set_language(language)
        if self.qt_translations is not None:
            self.qt_translations.apply(language)
        self.context.settings.language = language
        try:
            save_settings(self.context.settings)
        except OSError as exc:
            self.statusBar().showMessage(_("Could not save the settings: {problem}").format(problem=exc))
        self.retranslate()

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        with self.context.db.session() as session:
            self.tree_model.set_sites(site_tree(session))
        self.tree.expandAll()
        self.refresh_hazards()

    def refresh_hazards(self) -> None:
        status = self.status_filter.currentData() or ""
        kind, ident = self.selected or ("", None)
        self.hazard_model.set_filter(LedgerFilter(
            statuses=frozenset({status}) if status else frozenset(),
            site_id=ident if kind == "site" else None,
            building_id=ident if kind == "building" else None,
            floor_id=ident if kind == "floor" else None,
        ))
        self._update_status_bar()

    def select_floor(self, floor_id: uuid.UUID | str) -> None:
        index = self.tree_model.find_floor(floor_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def _on_place_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            index = indexes[0]
            self.selected = (index.data(KIND_ROLE), uuid.UUID(index.data(ID_ROLE)))
            self._place_name = index.data()
        else:
            self.selected = None
        self._update_place_label()
        self.refresh_hazards()

    def _update_place_label(self) -> None:
        self.place_label.setText(getattr(self, "_place_name", "") if self.selected else _("All sites"))

    def _update_status_bar(self) -> None:
        shown = self.hazard_model.rowCount()
        with self.context.db.session() as session:
            overdue = ledger.count(session, replace(self.hazard_model.filter, overdue_only=True))
        self.statusBar().showMessage(_("{count} hazards shown, {overdue} overdue").format(count=shown, overdue=overdue))

    def selected_hazard_ids(self) -> list[str]:
        return [self.hazard_model.index(i.row(), 0).data(ID_ROLE)
                for i in self.hazard_table.selectionModel().selectedRows()]

    # -- commands ---------------------------------------------------------------------------
    def choose_ledger(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open ledger"), str(Path.home()), _("Ledger files (*.sqlite *.db);;All files (*)"))
        if path:
            self.open_ledger(Path(path))

    def open_ledger(self, path: Path) -> None:
        previous = (self.context.db_path, self.context.database_url)
        self.context.close()
        self.context.db_path, self.context.database_url = path, None
        try:
            self.context.db  # noqa: B018 - opening validates and migrates the file
        except InspectorError as exc:
            self.context.db_path, self.context.database_url = previous
            QMessageBox.warning(self, _("Open ledger"), str(exc))
            return
        self.selected = None
        self.retranslate()
        self.reload()

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Fire-Risk Inspector"), _(
            "Fire-Risk Inspector {version}\nPin fire hazards on floor plans, issue rectification notices "
            "with QR codes and keep the hazard ledger until every hazard is closed.").format(version=__version__))
