"""The main window's frame: its size and remembered layout, the menu bar's menus, the tool bar, the
three docks and the central area, with their texts. MainWindow (ui/main_window.py) builds this first,
shows it, and fills it with the panels once it has been painted.

Nothing here may import the core (SQLAlchemy and the models take most of a start): the frame is what a
double-click answers with, a few tenths of a second after it (issue 23; tests/ui/test_start_imports.py
checks what is loaded by then). Its docks and tool bar carry the names the remembered layout is saved
under, so the window opens in its remembered shape and the panels move into it without a jump.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.i18n import _
from inspector_app.ui.print_menu import print_menu_texts
from inspector_app.ui.screen_fit import fitted_size

# The least widths of the panels the docks will hold (ui/navigator.py, ui/editor/hazard_editor.py and
# ui/summary_panel.py keep to them): the frame's docks have them from the start, so a window opened
# without a remembered layout does not rearrange itself when the panels move in.
PLACES_WIDTH = 200
EDITOR_WIDTH = 360
SUMMARY_WIDTH = 240


class WindowFrame(QMainWindow):
    context: AppContext

    def _build_frame(self) -> None:
        self.setObjectName("main_window")
        self.resize(fitted_size(self, QSize(1280, 800)))  # less on a 1366×768 laptop: nothing off screen
        self.navigator = self._dock("navigator", Qt.DockWidgetArea.LeftDockWidgetArea, PLACES_WIDTH)
        self.summary_dock = self._dock("summary", Qt.DockWidgetArea.RightDockWidgetArea, SUMMARY_WIDTH)
        self.editor_dock = self._dock("editor", Qt.DockWidgetArea.RightDockWidgetArea, EDITOR_WIDTH)
        # The editor is what a walk-through works in; the summary is a glance: it shares the side as a tab.
        self.tabifyDockWidget(self.editor_dock, self.summary_dock)
        self.editor_dock.raise_()

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.opening_label = QLabel()  # in the middle until the panels take its place
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        central = QWidget()
        self.central_layout = QVBoxLayout(central)
        self.central_layout.setContentsMargins(0, 0, 0, 0)
        self.central_layout.addWidget(self.opening_label, 1)
        self.setCentralWidget(central)

        self.file_menu = self._menu()
        self.edit_menu = self._menu()
        self.inspection_menu = self._menu()
        self.view_menu = self._menu()
        self.plan_menu = self._menu()  # the places and the plan: the rare actions a tool bar hides in its overflow
        self.settings_menu = self._menu()  # Settings… is here only, not in Edit too
        self.print_menu = self._menu()
        self.help_menu = self._menu()

        # The inspection's own two actions are the frame's (fill() connects them): the tool bar has its
        # height, and the Inspection menu its entries, from the first paint.
        self.new_inspection_action = QAction(self)
        self.new_inspection_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.checklist_action = QAction(self)
        self.checklist_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.inspection_menu.addAction(self.new_inspection_action)
        self.inspection_menu.addAction(self.checklist_action)
        self.inspection_label = QLabel()
        self.inspection_combo = QComboBox()
        self.inspection_combo.setMinimumContentsLength(24)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setStyleSheet("QToolButton { min-height: 36px; padding: 0 10px; }")
        self.toolbar.addWidget(self.inspection_label)
        self.toolbar.addWidget(self.inspection_combo)
        self.toolbar.addAction(self.new_inspection_action)
        self.toolbar.addAction(self.checklist_action)
        self.addToolBar(self.toolbar)
        self.statusBar()  # made now: the window keeps its height when the sync status moves in
        self._retranslate_frame()
        self._restore_layout()

    def _dock(self, name: str, area: Qt.DockWidgetArea, width: int) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        stand_in = QWidget()  # the panel's width until the panel itself moves in
        stand_in.setMinimumWidth(width)
        dock.setWidget(stand_in)
        self.addDockWidget(area, dock)
        return dock

    def _menu(self) -> QMenu:
        return self.menuBar().addMenu("")

    def _retranslate_frame(self) -> None:
        self.setWindowTitle(_("Fire-Risk Inspector") + f" — {self.context.ledger_title}")
        self.navigator.setWindowTitle(_("Places"))
        self.summary_dock.setWindowTitle(_("Summary"))
        self.editor_dock.setWindowTitle(_("Hazard"))
        self.toolbar.setWindowTitle(_("Tool bar"))
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.plan_menu.setTitle(_("&Places and plans"))
        self.inspection_menu.setTitle(_("&Inspection"))
        self.view_menu.setTitle(_("&View"))
        self.settings_menu.setTitle(_("&Settings"))
        self.print_menu.setTitle(print_menu_texts()["menu"])
        self.help_menu.setTitle(_("&Help"))
        self.inspection_label.setText(_("Inspection:") + " ")
        self.new_inspection_action.setText(_("New inspection…"))
        self.checklist_action.setText(_("Checklist…"))
        self.opening_label.setText(_("Opening the ledger…"))

    # -- layout memory ----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = self.context.settings
        if settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(settings.window_geometry.encode()))
        if settings.window_state:
            self.restoreState(QByteArray.fromBase64(settings.window_state.encode()))

    def _remember_layout(self) -> None:
        self.context.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.context.settings.window_state = bytes(self.saveState().toBase64().data()).decode()
