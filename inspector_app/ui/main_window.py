"""The main window: the site > building > floor navigator, the current inspection, the plan and the
ledger views, the hazard editor beside them and the summary panel, with menus, a tool bar and
shortcuts for every frequent action.

It remembers its layout and the last place and inspection; switching the language re-labels every
widget in place, so nothing being worked on is lost. Edits made here are undoable (one QUndoStack).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QItemSelection, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QToolBar,
    QTreeView,
)

from inspector_app import __version__
from inspector_app.cli.context import AppContext
from inspector_app.core import structure
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import find_hazard
from inspector_app.core.settings import save_settings
from inspector_app.core.workflow import Status
from inspector_app.i18n import _, current_language, set_language, system_language
from inspector_app.ui.app import QtTranslations
from inspector_app.ui.checklist_dialog import ChecklistDialog
from inspector_app.ui.editor import HazardEditor
from inspector_app.ui.inspection_dialog import InspectionDialog, kind_label
from inspector_app.ui.ledger_view import LedgerView
from inspector_app.ui.models import ID_ROLE, KIND_ROLE, SiteTreeModel
from inspector_app.ui.plan_panel import PlanPanel
from inspector_app.ui.scan_box import ScanBox
from inspector_app.ui.summary_panel import SummaryPanel
from inspector_app.ui.sync_panel import SyncPanel

if TYPE_CHECKING:
    from inspector_app.ui.status_server import LocalStatusServer

# The camera (QtMultimedia, zxing) and the status server (qrcode, the web app) are imported when first
# used: the window shows before them (benchmarks/startup.py).


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, qt_translations: QtTranslations | None = None) -> None:
        super().__init__()
        self.context = context
        self.qt_translations = qt_translations
        self.selected: tuple[str, uuid.UUID] | None = None
        self._place_name = ""
        self.undo_stack = QUndoStack(self)
        self.setObjectName("main_window")
        self.resize(1280, 800)

        self.tree_model = SiteTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumWidth(180)
        self.tree.setStyleSheet("QTreeView::item { min-height: 32px; }")  # finger-sized rows
        self.tree.selectionModel().selectionChanged.connect(self._on_place_selected)
        self.navigator = QDockWidget(self)
        self.navigator.setObjectName("navigator")
        self.navigator.setWidget(self.tree)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.navigator)

        self.ledger_view = LedgerView(context, self)
        self.ledger_view.hazardActivated.connect(self.show_hazard)
        self.ledger_view.ledgerChanged.connect(self._after_ledger_change)
        # Other parts of the program (printing, the scan box) reach the hazard list through these.
        self.hazard_table = self.ledger_view.table
        self.hazard_model = self.ledger_view.model
        self.summary = SummaryPanel(context, self)
        self.summary_dock = QDockWidget(self)
        self.summary_dock.setObjectName("summary")
        summary_scroll = QScrollArea()  # its long lists must not make the window taller than a laptop screen
        summary_scroll.setWidgetResizable(True)
        summary_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        summary_scroll.setWidget(self.summary)
        self.summary_dock.setWidget(summary_scroll)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.summary_dock)

        self.plan_panel = PlanPanel(context, self.undo_stack, self)
        self.plan_panel.recent_categories = list(context.settings.recent_categories)
        self.plan_panel.ledgerChanged.connect(self._after_plan_change)
        self.plan_panel.hazardActivated.connect(self._show_in_ledger)

        self.editor = HazardEditor(context.db, context.catalogue, context.actor, self.undo_stack,
                                   list(context.settings.recent_categories), self)
        self.editor.hazardChanged.connect(self._after_editor_change)
        self.editor.recentCategoriesChanged.connect(self._remember_categories)
        self.editor.placePinRequested.connect(self._place_pin)
        self.plan_panel.hazardSelected.connect(self.editor.set_hazard)
        self.ledger_view.hazardSelected.connect(self.editor.set_hazard)
        self.editor_dock = QDockWidget(self)
        self.editor_dock.setObjectName("editor")
        self.editor_dock.setWidget(self.editor)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.editor_dock)
        # The editor is what a walk-through works in; the summary is a glance: it shares the side as a tab.
        self.tabifyDockWidget(self.editor_dock, self.summary_dock)
        self.editor_dock.raise_()
        self.summary.heat_map.toggled.connect(self.plan_panel.heat_action.setChecked)
        self.plan_panel.heat_action.toggled.connect(self.summary.heat_map.setChecked)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.plan_panel, "")
        self.tabs.addTab(self.ledger_view, "")
        self.setCentralWidget(self.tabs)

        self.inspection_combo = QComboBox()
        self.inspection_combo.setMinimumContentsLength(24)
        self.inspection_combo.currentIndexChanged.connect(self._on_inspection_chosen)
        self.inspection_label = QLabel()
        self.place_label = QLabel()
        self.place_label.setStyleSheet("font-weight: 600; padding: 0 8px;")

        self._build_actions()
        self.retranslate()
        self.reload()
        self._restore_layout()

    # -- actions and texts -------------------------------------------------------------------
    def _action(self, slot: object, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.scan_box = ScanBox(self.context, self)
        self.scan_box.hazardFound.connect(self._scanned)
        self.scan_box.notFound.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.scan_action = self._action(self._focus_scan, "Ctrl+K")
        self.addAction(self.scan_action)
        self.camera_action = self._action(self.scan_with_camera, "Ctrl+Shift+K")
        self.camera_action.setVisible(False)
        QTimer.singleShot(0, self._offer_camera)  # asking the system for cameras can wait for the first paint
        self.status_server: LocalStatusServer | None = None  # made when first opened
        self.status_server_action = self._action(self.show_status_server)
        self.open_action = self._action(self.choose_ledger, QKeySequence.StandardKey.Open)
        self.refresh_action = self._action(self.reload, QKeySequence.StandardKey.Refresh)
        self.quit_action = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self._action(self.show_about)
        self.new_inspection_action = self._action(self.new_inspection, "Ctrl+Shift+N")
        self.checklist_action = self._action(self.run_checklist, "Ctrl+Shift+C")
        self.plan_tab_action = self._action(lambda: self.tabs.setCurrentWidget(self.plan_panel), "Alt+1")
        self.ledger_tab_action = self._action(lambda: self.tabs.setCurrentWidget(self.ledger_view), "Alt+2")
        # Own actions rather than QUndoStack.createUndoAction: typing still waiting in the editor must
        # become its undo step before undo runs, or Ctrl+Z would skip the words just typed.
        self.undo_action = self._action(self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(self.redo, QKeySequence.StandardKey.Redo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        # The texts come with the signals: the stack also signals while it is being destroyed, when
        # asking it for its texts would fail.
        self.undo_stack.undoTextChanged.connect(self._show_undo_text)
        self.undo_stack.redoTextChanged.connect(self._show_redo_text)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.editor_action = self._action(self.focus_editor, "Ctrl+E")
        self.settings_action = self._action(self.show_settings, "Ctrl+,")  # ui/settings_dialog.py
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, native in (("zh_CN", "中文"), ("en", "English")):
            action = QAction(native, self, checkable=True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.switch_language(c))
            self.language_group.addAction(action)
            self.language_actions[code] = action

        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addAction(self.open_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = self.menuBar().addMenu("")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.settings_action)
        self.inspection_menu = self.menuBar().addMenu("")
        self.inspection_menu.addAction(self.new_inspection_action)
        self.inspection_menu.addAction(self.checklist_action)
        self.view_menu = self.menuBar().addMenu("")
        self.view_menu.addAction(self.plan_tab_action)
        self.view_menu.addAction(self.ledger_tab_action)
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.editor_action)
        self.view_menu.addAction(self.navigator.toggleViewAction())
        self.view_menu.addAction(self.editor_dock.toggleViewAction())
        self.view_menu.addAction(self.summary_dock.toggleViewAction())
        self.settings_menu = self.menuBar().addMenu("")
        self.settings_menu.addAction(self.settings_action)
        self.settings_menu.addAction(self.status_server_action)
        self.language_menu = self.settings_menu.addMenu("")
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self._build_print_menu()
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.about_action)

        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setStyleSheet("QToolButton { min-height: 36px; padding: 0 10px; }")
        self.toolbar.addWidget(self.inspection_label)
        self.toolbar.addWidget(self.inspection_combo)
        self.toolbar.addAction(self.new_inspection_action)
        self.toolbar.addAction(self.checklist_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.undo_action)
        self.toolbar.addAction(self.redo_action)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.place_label)
        self.toolbar.addWidget(self.scan_box)
        self.toolbar.addAction(self.camera_action)
        self.addToolBar(self.toolbar)
        # Sync with the shared ledger (ui/sync_panel.py): File menu, tool bar, permanent status-bar widget.
        self.sync_panel = SyncPanel(self.context, self, self._save_settings)
        self.sync_panel.install(self.file_menu, self.quit_action, self.toolbar, self.statusBar())
        self.sync_panel.synced.connect(self._after_sync)
        self.sync_panel.ledgerChanged.connect(self._after_sync)

    def _build_print_menu(self) -> None:
        """Print menu (notices, QR labels, PDF ledger of the ledger's selection): see ui/print_dialogs.py."""
        from inspector_app.ui.print_dialogs import print_menu_texts, print_selected

        self._print_menu_texts = print_menu_texts

        self.print_menu = self.menuBar().addMenu("")
        self.print_actions: list[tuple[QAction, str]] = []
        for kind in ("notice", "labels", "ledger"):
            action = self._action(
                lambda _c=False, k=kind: print_selected(self, self.context, self.selected_hazard_ids(), k))
            self.print_menu.addAction(action)
            self.print_actions.append((action, kind))

    def _retranslate_print_menu(self) -> None:
        texts = self._print_menu_texts()
        self.print_menu.setTitle(texts["menu"])
        for action, kind in self.print_actions:
            action.setText(texts[kind])

    def retranslate(self) -> None:
        """Set every text of the window in the current language (also after a switch)."""
        self._retranslate_print_menu()
        self._retranslate_settings_action()
        self.setWindowTitle(_("Fire-Risk Inspector") + f" — {self.context.url.removeprefix('sqlite:///')}")
        self.navigator.setWindowTitle(_("Places"))
        self.summary_dock.setWindowTitle(_("Summary"))
        self.editor_dock.setWindowTitle(_("Hazard"))
        self.editor_action.setText(_("Edit hazard"))
        self.toolbar.setWindowTitle(_("Tool bar"))
        self.tabs.setTabText(self.tabs.indexOf(self.plan_panel), _("Plan"))
        self.tabs.setTabText(self.tabs.indexOf(self.ledger_view), _("Ledger"))
        self.plan_tab_action.setText(_("Plan"))
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.inspection_menu.setTitle(_("&Inspection"))
        self.view_menu.setTitle(_("&View"))
        self.settings_menu.setTitle(_("&Settings"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        self.open_action.setText(_("&Open ledger…"))
        self.refresh_action.setText(_("&Refresh"))
        self.quit_action.setText(_("&Quit"))
        self.about_action.setText(_("&About"))
        self.status_server_action.setText(_("Status server…"))
        self.camera_action.setText(_("Camera"))
        self.new_inspection_action.setText(_("New inspection…"))
        self.checklist_action.setText(_("Checklist…"))
        self.ledger_tab_action.setText(_("Ledger"))
        self._update_undo_texts()
        self.inspection_label.setText(_("Inspection:") + " ")
        self.tree_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)
        self.scan_box.retranslate()
        self.ledger_view.retranslate()
        self.plan_panel.retranslate()
        self.summary.retranslate()
        self.editor.retranslate()
        self.sync_panel.retranslate()
        self._fill_inspections()
        self._update_place_label()

    def switch_language(self, language: str) -> None:
        set_language(language)
        if self.qt_translations is not None:
            self.qt_translations.apply(language)
        self.context.settings.language = language
        self.language_actions[language].setChecked(True)
        self._save_settings()
        self.retranslate()

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        with self.context.db.session() as session:
            self.tree_model.set_sites(structure.site_tree(session))
        self.tree.expandAll()
        self._fill_inspections()
        self.ledger_view.refresh()
        self.summary.refresh()
        self.sync_panel.refresh_status()

    def _after_sync(self) -> None:
        """Another laptop's changes may have arrived: show them everywhere, as after any other change."""
        self.editor.commit_pending()
        self.reload()
        self.plan_panel.refresh_pins()
        self.editor.reload()

    def _current_site(self) -> uuid.UUID | None:
        kind, ident = self.selected or ("", None)
        if ident is None:
            return None
        if kind == "site":
            return ident
        with self.context.db.session() as session:
            if kind == "floor":
                return structure.site_of_floor(session, ident)
            building = session.get(structure.Building, ident)
            return building.site_id if building else None

    def _fill_inspections(self, wanted: str | None = None) -> None:
        wanted = wanted or self.inspection_combo.currentData() or self.context.settings.last_inspection_id
        with self.context.db.session() as session:
            inspections = [(str(i.id), f"{i.date.isoformat()} · {kind_label(i.kind)} · {i.inspectors}")
                           for i in structure.list_inspections(session, self._current_site())]
        self.inspection_combo.blockSignals(True)
        self.inspection_combo.clear()
        self.inspection_combo.addItem(_("(none chosen)"), "")
        for ident, text in inspections:
            self.inspection_combo.addItem(text, ident)
        # Without a remembered one, the walk-through goes on in the newest inspection of the place.
        found = self.inspection_combo.findData(wanted) if wanted else -1
        self.inspection_combo.setCurrentIndex(found if found >= 0 else min(1, len(inspections)))
        self.inspection_combo.blockSignals(False)
        self._on_inspection_chosen()

    def current_inspection(self) -> uuid.UUID | None:
        data = self.inspection_combo.currentData()
        return uuid.UUID(data) if data else None

    def _on_inspection_chosen(self, _index: int = 0) -> None:
        inspection = self.current_inspection()
        self.context.settings.last_inspection_id = str(inspection) if inspection else ""
        self.summary.set_scope(self._current_site(), inspection)
        self.plan_panel.inspection_id = inspection

    def select_floor(self, floor_id: uuid.UUID | str) -> None:
        index = self.tree_model.find_floor(floor_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def show_hazard(self, hazard_id: uuid.UUID | str) -> None:
        """Go to a hazard: its floor in the navigator and its row in the ledger."""
        try:
            with self.context.db.session() as session:
                hazard = find_hazard(session, str(hazard_id))
                ident, floor_id = hazard.id, hazard.floor_id
        except InspectorError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        if floor_id is not None:
            self.select_floor(floor_id)
            self.tabs.setCurrentWidget(self.plan_panel)
            self.plan_panel.select_hazard(str(ident))
        if not self.ledger_view.select_hazard(ident):
            self.ledger_view.search.clear()
            self.ledger_view.apply_filter()
            self.ledger_view.select_hazard(ident)

    def _on_place_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            index = indexes[0]
            self.selected = (index.data(KIND_ROLE), uuid.UUID(index.data(ID_ROLE)))
            self._place_name = index.data()
            if self.selected[0] == "floor":
                self.context.settings.last_floor_id = str(self.selected[1])
        else:
            self.selected = None
        self._update_place_label()
        kind, ident = self.selected or ("", None)
        self.ledger_view.set_place(kind, ident)
        self._fill_inspections()
        self.plan_panel.set_floor(ident if kind == "floor" else None, self.current_inspection())

    def _update_place_label(self) -> None:
        self.place_label.setText(self._place_name if self.selected else _("All sites"))

    def _after_ledger_change(self) -> None:
        self.summary.refresh()
        self.sync_panel.refresh_status()
        self.plan_panel.refresh_pins()
        self.editor.reload()

    def _after_plan_change(self) -> None:
        self.summary.refresh()
        self.sync_panel.refresh_status()
        self.ledger_view.refresh()
        self.editor.reload()
        if self.plan_panel.recent_categories != self.context.settings.recent_categories:
            self._remember_categories(self.plan_panel.recent_categories)
            self.editor.set_recent_categories(self.plan_panel.recent_categories)

    def _after_editor_change(self, _hazard_id: str) -> None:
        self.summary.refresh()
        self.sync_panel.refresh_status()
        self.ledger_view.refresh()
        self.plan_panel.refresh_pins()

    def _place_pin(self, hazard_id: str, number: str) -> None:
        """Pin a hazard made without one (by a checklist) on the plan of the floor it was found on."""
        with self.context.db.session() as session:
            floor_id = find_hazard(session, hazard_id).floor_id
        if floor_id is not None:
            self.select_floor(floor_id)
        self.tabs.setCurrentWidget(self.plan_panel)
        self.plan_panel.start_placing(hazard_id, number)

    def _remember_categories(self, codes: list[str]) -> None:
        self.context.settings.recent_categories = list(codes)
        self.plan_panel.recent_categories = list(codes)

    # -- undo -------------------------------------------------------------------------------
    def undo(self) -> None:
        self.editor.commit_pending()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.editor.commit_pending()
        self.undo_stack.redo()

    def _update_undo_texts(self) -> None:
        self._show_undo_text(self.undo_stack.undoText())
        self._show_redo_text(self.undo_stack.redoText())

    def _show_undo_text(self, step: str) -> None:
        self.undo_action.setText(_("Undo {step}").format(step=step) if step else _("Undo"))

    def _show_redo_text(self, step: str) -> None:
        self.redo_action.setText(_("Redo {step}").format(step=step) if step else _("Redo"))

    def focus_editor(self) -> None:
        self.editor_dock.show()
        self.editor_dock.raise_()
        self.editor.texts["description"].setFocus()

    def _show_in_ledger(self, hazard_id: str) -> None:
        self.tabs.setCurrentWidget(self.ledger_view)
        self.ledger_view.select_hazard(uuid.UUID(hazard_id))

    def selected_hazard_ids(self) -> list[str]:
        return [str(i) for i in self.ledger_view.selected_ids()]

    def show_status_server(self) -> None:
        from inspector_app.ui.status_server import LocalStatusServer, StatusServerDialog

        if self.status_server is None:
            self.status_server = LocalStatusServer(self.context)
        StatusServerDialog(self.context, self.status_server, self).exec()

    def _offer_camera(self) -> None:
        from inspector_app.ui.camera_scan import camera_available

        self.camera_action.setVisible(camera_available())

    def scan_with_camera(self) -> None:
        from inspector_app.ui.camera_scan import CameraScanDialog

        dialog = CameraScanDialog(self)
        if dialog.exec() and dialog.text:
            self.scan_box.setText(dialog.text)
            self.scan_box.resolve()

    def _focus_scan(self) -> None:
        self.scan_box.setFocus()
        self.scan_box.selectAll()

    def _scanned(self, hazard_id: str, status: str) -> None:
        """A scanned notice: show the hazard, and offer its re-inspection when one is due."""
        self.show_hazard(hazard_id)
        if status == Status.AWAITING_REINSPECTION:
            self.ledger_view.reinspect()

    # -- commands ---------------------------------------------------------------------------
    def new_inspection(self) -> None:
        site = self._current_site()
        if site is None:
            QMessageBox.information(self, _("New inspection"), _("Choose a site, building or floor first."))
            return
        dialog = InspectionDialog(self.context.settings.inspector_name, self)
        if not dialog.exec():
            return
        day, kind, inspectors, notes = dialog.values()
        with self.context.db.session() as session:
            site_row = session.get(structure.Site, site)
            assert site_row is not None
            inspection = structure.create_inspection(session, site_row, day, kind, inspectors, notes)
        self._fill_inspections(str(inspection.id))

    def run_checklist(self) -> None:
        inspection = self.current_inspection()
        if inspection is None:
            QMessageBox.information(self, _("Checklist"), _("Choose or start an inspection first."))
            return
        kind, ident = self.selected or ("", None)
        building_id = floor_id = None
        area_type = None
        with self.context.db.session() as session:
            if kind == "floor" and ident:
                floor_id = ident
                building_id = structure.get_floor(session, ident).building_id
            elif kind == "building":
                building_id = ident
            if building_id:
                building = session.get(structure.Building, building_id)
                area_type = building.area_type if building else None
        dialog = ChecklistDialog(self.context, inspection, area_type, building_id, floor_id, self)
        created: list[str] = []
        dialog.hazardCreated.connect(created.append)
        dialog.hazardCreated.connect(lambda _id: self.ledger_view.refresh())
        dialog.exec()
        self.summary.refresh()
        if created:  # the last failed item's hazard, in the editor, offering to place its pin
            self.editor.set_hazard(created[-1])
            self.focus_editor()

    def choose_ledger(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open ledger"), str(Path.home()), _("Ledger files (*.sqlite *.db);;All files (*)"))
        if path:
            self.open_ledger(Path(path))

    def open_ledger(self, path: Path) -> None:
        if self.sync_panel.refuses_ledger_switch():
            return
        self.editor.set_hazard(None)  # saves typing still waiting, into the ledger it belongs to
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
        self.undo_stack.clear()
        self.ledger_view.model.set_database(self.context.db)
        self.editor.db = self.context.db
        self.retranslate()
        self.reload()

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Fire-Risk Inspector"), _(
            "Fire-Risk Inspector {version}\nPin fire hazards on floor plans, issue rectification notices "
            "with QR codes and keep the hazard ledger until every hazard is closed.").format(version=__version__))

    # -- the inspector's settings (ui/settings_dialog.py, ui/first_start.py) -------------------
    def _retranslate_settings_action(self) -> None:
        from inspector_app.ui.settings_dialog import settings_menu_text

        self.settings_action.setText(settings_menu_text())

    def show_settings(self) -> None:
        from inspector_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context.settings, self)
        if not dialog.exec():
            return
        chosen = dialog.changes()
        changed = chosen.apply_to(self.context.settings)
        if "inspector_name" in changed:
            self.set_inspector_name(chosen.inspector_name)
        if "language" in changed:
            self.switch_language(chosen.language or system_language())
            self.context.settings.language = chosen.language  # "" keeps following the system
        self._save_settings()

    def set_inspector_name(self, name: str) -> None:
        """The edits made from now on are recorded under this name (unless --as chose another)."""
        self.context.use_inspector_name(name)
        self.editor.actor = self.context.actor

    # -- layout memory ----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = self.context.settings
        if settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(settings.window_geometry.encode()))
        if settings.window_state:
            self.restoreState(QByteArray.fromBase64(settings.window_state.encode()))
        if settings.last_floor_id:
            self.select_floor(settings.last_floor_id)
        if not self.tree.currentIndex().isValid():
            first_floor = self.tree_model.first_floor()
            if first_floor.isValid():  # a first start opens on a plan, not on an empty canvas
                self.tree.setCurrentIndex(first_floor)

    def _save_settings(self) -> None:
        try:
            save_settings(self.context.settings)
        except OSError as exc:
            self.statusBar().showMessage(_("Could not save the settings: {problem}").format(problem=exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.context.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.context.settings.window_state = bytes(self.saveState().toBase64().data()).decode()
        self._save_settings()
        self.plan_panel.shutdown()
        if self.status_server is not None:
            self.status_server.stop()
        self.sync_panel.shutdown()
        super().closeEvent(event)
