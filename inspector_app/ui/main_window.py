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

from PySide6.QtCore import QItemSelection, QModelIndex, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QScrollArea

from inspector_app.app.context import AppContext
from inspector_app.core import dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.settings import save_settings
from inspector_app.core.workflow import Status
from inspector_app.i18n import _, current_language, set_language
from inspector_app.ui import background, file_dialogs
from inspector_app.ui.first_paint import AfterFirstPaint
from inspector_app.ui.qt_translations import QtTranslations
from inspector_app.ui.window_undo import UndoSteps

if TYPE_CHECKING:
    from inspector_app.ui.status_server import LocalStatusServer

# Everything that reads the ledger (the core, SQLAlchemy, the models and the panels built on them) is
# imported where it is first used, in fill() and the methods after it: the frame (ui/window_frame.py) is
# painted before they load (benchmarks/startup.py, tests/ui/test_start_imports.py). The camera
# (QtMultimedia, zxing) and the status server (qrcode, the web app) wait until first used.


class MainWindow(UndoSteps):
    def __init__(self, context: AppContext, qt_translations: QtTranslations | None = None,
                 open_last_place: bool = True, fill: bool = True) -> None:
        """``fill=False``: the frame only; the caller shows it and calls fill() once it is painted, after
        opening the ledger (ui/app.py). ``open_last_place=False``: the caller calls open_last_place()
        once the filled window is on screen, so that it shows before the plan is proved and drawn."""
        super().__init__()
        self.context = context
        self.qt_translations = qt_translations
        self.filled = False
        self.selected: tuple[str, uuid.UUID] | None = None
        self._place_name = ""
        self.undo_stack = QUndoStack(self)
        self._build_frame()  # ui/window_frame.py
        if fill:
            self.fill()
            if open_last_place:
                self.open_last_place()

    def fill(self) -> None:
        """Build the panels into the frame and show the open ledger in them."""
        from inspector_app.ui.due_view import DueNotice, DueView
        from inspector_app.ui.editor import HazardEditor
        from inspector_app.ui.ledger_view import LedgerView
        from inspector_app.ui.navigator import Navigator
        from inspector_app.ui.plan_panel import PlanPanel
        from inspector_app.ui.summary_panel import SummaryPanel

        context = self.context
        file_dialogs.remember_in(context.settings)  # each kind of file dialog starts where it was last
        # The tree and setting up places in it (ui/navigator.py); the window follows what is chosen there.
        self.places = Navigator(context, self)
        self.tree_model = self.places.model
        self.tree = self.places.tree
        self.tree.selectionModel().selectionChanged.connect(self._on_place_selected)
        self.places.placesChanged.connect(self._after_places_change)
        self.places.planRequested.connect(self._import_plan)
        self.navigator.setWidget(self.places)

        self.ledger_view = LedgerView(context, self)
        self.ledger_view.hazardActivated.connect(self.show_hazard)
        self.ledger_view.ledgerChanged.connect(self._after_ledger_change)
        # Other parts of the program (printing, the scan box) reach the hazard list through these.
        self.hazard_table = self.ledger_view.table
        self.hazard_model = self.ledger_view.model
        self.summary = SummaryPanel(context, self)
        summary_scroll = QScrollArea()  # its long lists must not make the window taller than a laptop screen
        summary_scroll.setWidgetResizable(True)
        summary_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        summary_scroll.setWidget(self.summary)
        self.summary_dock.setWidget(summary_scroll)

        self.plan_panel = PlanPanel(context, self.undo_stack, self)
        self.plan_panel.recent_categories = list(context.settings.recent_categories)
        self.plan_panel.ledgerChanged.connect(self._after_plan_change)
        self.plan_panel.hazardActivated.connect(self._show_in_ledger)
        self.plan_panel.setUpRequested.connect(self.places.set_up_first_site)
        self.plan_panel.planFileChosen.connect(lambda floor, path: self._import_plan(str(floor), path))

        self.editor = HazardEditor(context.db, context.catalogue, context.actor, self.undo_stack,
                                   list(context.settings.recent_categories), self)
        self.editor.photo_max_edge = context.settings.photo_max_edge  # kept in step by show_settings
        self.editor.hazardChanged.connect(self._after_editor_change)
        self.editor.recentCategoriesChanged.connect(self._remember_categories)
        self.editor.placePinRequested.connect(self._place_pin)
        self.editor.major_panel.recordRequested.connect(lambda hazard_id: self._print_determination(hazard_id))
        self.plan_panel.hazardSelected.connect(self.editor.set_hazard)
        self.ledger_view.hazardSelected.connect(self.editor.set_hazard)
        self.editor_dock.setWidget(self.editor)
        self.summary.heat_map.toggled.connect(self.plan_panel.heat_action.setChecked)
        self.plan_panel.heat_action.toggled.connect(self.summary.heat_map.setChecked)
        self.tabs.addTab(self.plan_panel, "")
        self.tabs.addTab(self.ledger_view, "")
        # What is due (issue 25): a tab of its own, and a short notice above the tabs at start.
        self.due_view = DueView(context, self)
        self.due_view.hazardActivated.connect(self.show_hazard)
        self.tabs.addTab(self.due_view, "")
        self.due_notice = DueNotice(context, self)
        self.due_notice.hazardActivated.connect(self.show_hazard)
        self.due_notice.showAll.connect(lambda: self.tabs.setCurrentWidget(self.due_view))
        self.summary.reportsWaitingRequested.connect(self._list_reports_waiting)
        self.opening_label.hide()  # kept, hidden: no text of the window is left to a deleted widget
        self.central_layout.addWidget(self.due_notice)
        self.central_layout.addWidget(self.tabs, 1)

        self.place_label = QLabel()
        self.place_label.setStyleSheet("font-weight: 600; padding: 0 8px;")
        self.inspection_combo.currentIndexChanged.connect(self._on_inspection_chosen)
        self._build_actions()
        self.filled = True
        self.retranslate(refill=False)  # reload() fills the inspections, and with them the summary
        self.reload()
        self.due_notice.show_for()

    # -- actions and texts -------------------------------------------------------------------
    def _action(self, slot: object, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        from inspector_app.ui.scan_box import ScanBox
        from inspector_app.ui.sync_panel import SyncPanel

        self.scan_box = ScanBox(self.context, self)
        self.scan_box.hazardFound.connect(self._scanned)
        self.scan_box.notFound.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.scan_action = self._action(self._focus_scan, "Ctrl+K")
        self.addAction(self.scan_action)
        self.camera_action = self._action(self.scan_with_camera, "Ctrl+Shift+K")
        self.camera_action.setVisible(False)
        AfterFirstPaint(self, self._offer_camera)  # asking the system for cameras (QtMultimedia) can wait
        self.status_server: LocalStatusServer | None = None  # made when first opened
        self.status_server_action = self._action(self.show_status_server)
        self.open_action = self._action(self.choose_ledger, QKeySequence.StandardKey.Open)
        self.refresh_action = self._action(self.reload, QKeySequence.StandardKey.Refresh)
        self.quit_action = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self._action(self.show_about)
        self.new_inspection_action.triggered.connect(self.new_inspection)  # made with the frame
        self.checklist_action.triggered.connect(self.run_checklist)
        self.plan_tab_action = self._action(lambda: self.tabs.setCurrentWidget(self.plan_panel), "Alt+1")
        self.ledger_tab_action = self._action(lambda: self.tabs.setCurrentWidget(self.ledger_view), "Alt+2")
        self._build_undo_actions()  # ui/window_undo.py
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

        self.file_menu.addAction(self.places.new_site_action)
        self.file_menu.addAction(self.places.plan_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.open_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.view_menu.addAction(self.plan_tab_action)
        self.view_menu.addAction(self.ledger_tab_action)
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.editor_action)
        self.view_menu.addAction(self.navigator.toggleViewAction())
        self.view_menu.addAction(self.editor_dock.toggleViewAction())
        self.view_menu.addAction(self.summary_dock.toggleViewAction())
        for action in (self.places.new_site_action, self.places.new_building_action, self.places.new_floor_action,
                       self.places.rename_action, self.places.remove_action):
            self.plan_menu.addAction(action)
        self.plan_menu.addSeparator()
        for action in (self.places.plan_action, self.plan_panel.nudge_action, self.plan_panel.legend_action):
            self.plan_menu.addAction(action)
        self.settings_menu.addAction(self.settings_action)
        self.settings_menu.addAction(self.status_server_action)
        self.language_menu = self.settings_menu.addMenu("")
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self._build_print_menu()
        self.help_menu.addAction(self.about_action)

        self.toolbar.addSeparator()
        self.toolbar.addAction(self.undo_action)
        self.toolbar.addAction(self.redo_action)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.place_label)
        self.toolbar.addWidget(self.scan_box)
        self.toolbar.addAction(self.camera_action)
        # Sync with the shared ledger (ui/sync_panel.py): File menu, tool bar, permanent status-bar widget.
        self.sync_panel = SyncPanel(self.context, self, self._save_settings)
        self.sync_panel.install(self.file_menu, self.quit_action, self.toolbar, self.statusBar())
        self.sync_panel.synced.connect(self._after_sync)
        self.sync_panel.ledgerChanged.connect(self._after_sync)

    def _build_print_menu(self) -> None:
        """Print menu (notices, QR labels, PDF ledger of the ledger's selection): see ui/print_dialogs.py."""
        from inspector_app.ui.print_menu import print_menu_texts, print_selected

        self._print_menu_texts = print_menu_texts

        self.print_actions: list[tuple[QAction, str]] = []
        for kind in ("notice", "labels", "ledger"):
            action = self._action(self.export_ledger if kind == "ledger" else lambda _c=False, k=kind: print_selected(
                self, self.context, self.selected_hazard_ids(), k))
            self.print_menu.addAction(action)
            self.print_actions.append((action, kind))

    def _retranslate_print_menu(self) -> None:
        texts = self._print_menu_texts()
        for action, kind in self.print_actions:
            action.setText(texts[kind])

    def retranslate(self, refill: bool = True) -> None:
        """Set every text of the window in the current language (also after a switch); ``refill``: the
        inspections' list too (its entries are texts of the language)."""
        self._retranslate_frame()
        if not self.filled:
            return
        self._retranslate_print_menu()
        self._retranslate_settings_action()
        self.editor_action.setText(_("Edit hazard"))
        self.tabs.setTabText(self.tabs.indexOf(self.plan_panel), _("Plan"))
        self.tabs.setTabText(self.tabs.indexOf(self.ledger_view), _("Ledger"))
        self.tabs.setTabText(self.tabs.indexOf(self.due_view), _("Due"))
        self.plan_tab_action.setText(_("Plan"))
        self.language_menu.setTitle(_("&Language"))
        self.open_action.setText(_("&Open ledger…"))
        self.refresh_action.setText(_("&Refresh"))
        self.quit_action.setText(_("&Quit"))
        self.about_action.setText(_("&About"))
        self.status_server_action.setText(_("Status server…"))
        self.camera_action.setText(_("Camera"))
        self.ledger_tab_action.setText(_("Ledger"))
        self._retranslate_undo()
        self.tree_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)
        self.scan_box.retranslate()
        self.places.retranslate()
        self.ledger_view.retranslate()
        self.plan_panel.retranslate()
        self.summary.retranslate()
        self.due_view.retranslate()
        if self.due_notice.isVisible():
            self.due_notice.show_for()
        self.editor.retranslate()
        self.sync_panel.retranslate()
        self.statusBar().clearMessage()  # a message of the old language must not stay on the new screen
        if refill:
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
        from inspector_app.core import structure

        with self.context.db.session() as session:
            self.tree_model.set_sites(structure.site_tree(session))
        self.tree.expandAll()
        self._fill_inspections()  # which refreshes the summary too (_on_inspection_chosen)
        self.ledger_view.refresh()
        self.due_view.refresh()
        self.sync_panel.refresh_status()

    def _after_places_change(self, place_id: str) -> None:
        """A place was added, renamed or removed in the navigator: rebuild the tree, choose that place."""
        self.reload()
        self.ledger_view.retranslate()  # its building list
        index = self.tree_model.find_place(place_id) if place_id else self.tree_model.first_floor()
        if index.isValid():
            self.tree.setCurrentIndex(index)
        else:
            self.tree.clearSelection()
            self.tree.setCurrentIndex(self.tree_model.index(-1, 0))

    def _import_plan(self, floor_id: str, path: Path) -> None:
        self.select_floor(floor_id)
        self.tabs.setCurrentWidget(self.plan_panel)
        self.plan_panel.import_plan(uuid.UUID(floor_id), path)

    def _after_sync(self) -> None:
        """Another laptop's changes may have arrived: show them everywhere, as after any other change."""
        self.editor.commit_pending()
        self.reload()
        self.plan_panel.refresh_pins()
        self.editor.reload()
        self.drop_impossible_steps()

    def _current_site(self) -> uuid.UUID | None:
        from inspector_app.core import structure

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
        from inspector_app.core import structure
        from inspector_app.ui.inspection_dialog import kind_label

        wanted = wanted or self.inspection_combo.currentData() or self.context.settings.last_inspection_id
        with self.context.db.session() as session:
            inspections = [(str(i.id), f"{dates.shown_date(i.date)} · {kind_label(i.kind)} · {i.inspectors}")
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
        from inspector_app.core.hazards import find_hazard

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
        else:
            self.tabs.setCurrentWidget(self.ledger_view)
        if not self.ledger_view.select_hazard(ident):
            self.ledger_view.search.clear()
            self.ledger_view.apply_filter()
            self.ledger_view.select_hazard(ident)

    def _on_place_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        from inspector_app.ui.models import ID_ROLE, KIND_ROLE

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
        self.ledger_view.set_place(kind, ident, self._place_path(indexes[0]) if indexes else "")
        self.editor.follow_place(kind, ident)
        self._fill_inspections()
        self.plan_panel.set_floor(ident if kind == "floor" else None, self.current_inspection())

    @staticmethod
    def _place_path(index: QModelIndex) -> str:
        """A floor as "building › floor", a building or site by its name."""
        from inspector_app.ui.models import KIND_ROLE

        names = [index.data()]
        if index.data(KIND_ROLE) == "floor" and index.parent().isValid():
            names.insert(0, index.parent().data())
        return " › ".join(names)

    def _update_place_label(self) -> None:
        self.place_label.setText(self._place_name if self.selected else _("All sites"))

    def _after_ledger_change(self) -> None:
        self.summary.refresh()
        self.due_view.refresh()
        self.sync_panel.refresh_status()
        self.plan_panel.refresh_pins()
        self.editor.reload()
        self.drop_impossible_steps()  # a hazard closed here: its editing steps can no longer run

    def _after_plan_change(self) -> None:
        self.summary.refresh()
        self.sync_panel.refresh_status()
        self.ledger_view.refresh()
        self.editor.reload()
        self.drop_impossible_steps()
        if self.plan_panel.recent_categories != self.context.settings.recent_categories:
            self._remember_categories(self.plan_panel.recent_categories)
            self.editor.set_recent_categories(self.plan_panel.recent_categories)

    def _after_editor_change(self, _hazard_id: str) -> None:
        self.summary.refresh()
        self.due_view.refresh()
        self.sync_panel.refresh_status()
        self.ledger_view.refresh()
        self.plan_panel.refresh_pins()
        self.drop_impossible_steps()  # fixed on the spot: the steps on it can no longer run

    def _list_reports_waiting(self) -> None:
        # All of them, wherever they are: the count names no floor, and each waits for an answer.
        self.ledger_view.clear_place()
        self.ledger_view.show_reports_waiting()
        self.tabs.setCurrentWidget(self.ledger_view)

    def _print_determination(self, hazard_id: str) -> None:
        from inspector_app.ui.print_menu import print_selected

        print_selected(self, self.context, [hazard_id], "determination")

    def _place_pin(self, hazard_id: str, number: str) -> None:
        """Pin a hazard made without one (by a checklist) on the plan of the floor it was found on."""
        from inspector_app.core.hazards import find_hazard

        with self.context.db.session() as session:
            floor_id = find_hazard(session, hazard_id).floor_id
        if floor_id is not None:
            self.select_floor(floor_id)
        self.tabs.setCurrentWidget(self.plan_panel)
        self.plan_panel.start_placing(hazard_id, number)

    def _remember_categories(self, codes: list[str]) -> None:
        self.context.settings.recent_categories = list(codes)
        self.plan_panel.recent_categories = list(codes)

    def focus_editor(self) -> None:
        self.editor_dock.show()
        self.editor_dock.raise_()
        self.editor.texts["description"].setFocus()

    def _show_in_ledger(self, hazard_id: str) -> None:
        self.tabs.setCurrentWidget(self.ledger_view)
        self.ledger_view.select_hazard(uuid.UUID(hazard_id))

    def selected_hazard_ids(self) -> list[str]:
        """What Print acts on: the hazards selected where the inspector is looking (the ledger's rows,
        or the plan's pins: a ledger selection out of sight may be an old one), else the hazard open in
        the editor, such as the one just pinned, which the ledger has not been asked to select."""
        if self.tabs.currentWidget() is self.ledger_view:
            chosen = [str(i) for i in self.ledger_view.selected_ids()]
        else:
            pins = self.plan_panel.view.pin_layer
            chosen = [pin.id for pin in pins.pinset.pins if pin.id in pins.selected]  # in the ledger's order
        return chosen or ([self.editor.hazard_id] if self.editor.hazard_id else [])

    def _focus_scan(self) -> None:
        self.scan_box.setFocus()
        self.scan_box.selectAll()

    def _scanned(self, hazard_id: str, status: str) -> None:
        """A scanned notice: show the hazard, and offer its re-inspection when one is due."""
        self.show_hazard(hazard_id)
        if status == Status.AWAITING_REINSPECTION:
            self.ledger_view.reinspect()

    def open_last_place(self) -> None:
        """The floor the inspector left off on; on a first start the first floor there is. Called once
        the window is on screen: if the inspector has already gone to a floor or opened a hazard by then,
        they stay where they are."""
        if self.editor.hazard_id is not None or (self.selected is not None and self.selected[0] == "floor"):
            return
        settings = self.context.settings
        if settings.last_floor_id:
            self.select_floor(settings.last_floor_id)
        # Not currentIndex(): a tree that took the focus when the window showed has made its first row
        # (a site) current on its own.
        if self.selected is None or self.selected[0] != "floor":
            first_floor = self.tree_model.first_floor()
            if first_floor.isValid():  # a first start opens on a plan, not on an empty canvas
                self.tree.setCurrentIndex(first_floor)

    def _save_settings(self) -> None:
        try:
            save_settings(self.context.settings)
        except OSError as exc:
            self.statusBar().showMessage(_("Could not save the settings: {problem}").format(
                problem=exc.strerror or exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_layout()
        self._save_settings()
        if not self.filled:  # closed while the ledger was still opening, or it would not open
            super().closeEvent(event)
            return
        self.plan_panel.shutdown()
        if self.status_server is not None:
            self.status_server.stop()
        self.sync_panel.shutdown()
        background.stop_all()  # printing or an export still running: stopped, and it reports to nobody
        super().closeEvent(event)
