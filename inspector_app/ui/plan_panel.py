"""The plan tab: the canvas of the chosen floor with its tool bar (add hazard, zoom, fit, 1:1,
page, filters, heat map, plan revision, nudge), the overview map and the DXF layer panel.

It reads the floor's current plan and pins through core use cases and turns what the user does on
the canvas into undo commands that call core use cases."""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from inspector_app import plans
from inspector_app.app.context import AppContext
from inspector_app.core import structure
from inspector_app.core.plans_store import confirm_pins, current_plan, nudge_pins, pins_to_check
from inspector_app.core.queries import list_hazards
from inspector_app.core.rollup import category_label
from inspector_app.core.summary import density_grid, pin_positions
from inspector_app.core.workflow import STATUS_COLOURS, Status, status_label
from inspector_app.i18n import _, current_language, ngettext
from inspector_app.plans import sandbox
from inspector_app.ui.canvas.commands import AddHazardCommand, MovePinsCommand, PlacePinCommand
from inspector_app.ui.canvas.loader import load_plan
from inspector_app.ui.canvas.overview import OverviewMap
from inspector_app.ui.canvas.pins import GLYPHS, Pin, PinSet
from inspector_app.ui.canvas.plan_view import ZOOM_STEP, PlanView
from inspector_app.ui.elided import ElidedLabel
from inspector_app.ui.new_hazard_dialog import NewHazardDialog
from inspector_app.ui.pin_menu import PinMenu
from inspector_app.ui.place_dialogs import choose_plan_file
from inspector_app.ui.plan_import import PlanImport, PlanImports

OVERVIEW_MARGIN = 10
PLAN_FILTER = "*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp *.gif *.heic *.heif *.avif *.pdf *.svg *.svgz *.dxf"


class PlanPanel(PlanImports):
    hazardSelected = Signal(str)
    hazardActivated = Signal(str)
    ledgerChanged = Signal()
    setUpRequested = Signal()  # the empty ledger's "set up the first site" button

    def __init__(self, context: AppContext, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.undo_stack = undo_stack
        self.floor_id: uuid.UUID | None = None
        self.inspection_id: uuid.UUID | None = None
        self.document: plans.PlanDocument | None = None
        self.recent_categories: list[str] = []
        self.view = PlanView(self)
        self.view.pinAddRequested.connect(self.add_hazard_at)
        self.placing: tuple[str, str] | None = None  # (id, number) of a hazard waiting for its pin
        self.view.pinsMoved.connect(self.move_pins)
        self.view.selectionChanged.connect(self._selection_changed)
        self.view.pinActivated.connect(self.hazardActivated)
        self.pin_menu = PinMenu(context, self)  # a pin's right-click menu: its next states, the ledger
        self.view.pinMenuRequested.connect(self.pin_menu.open)
        self.pin_menu.statusChanged.connect(self._status_changed)
        self.pin_menu.showInLedger.connect(self.hazardActivated)
        # The overview floats in the plan's top-right corner: a column of its own beside the plan
        # took a fifth of a laptop screen's width from the plan.
        self.overview = OverviewMap(self.view, self.view)
        self.view.installEventFilter(self)
        self.said_success = False
        self.shut_down = False
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c; padding: 6px;")
        self.message.setVisible(False)
        # Where there is no plan to show, a page that says why and offers the way on (the first site,
        # or the floor's plan) instead of a blank canvas.
        self.empty_page = QWidget()
        self.empty_page.setObjectName("plan_empty_page")
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setStyleSheet("font-size: 15px; color: #37474f;")
        self.empty_button = QPushButton()
        self.empty_button.setObjectName("plan_empty_action")
        self.empty_button.setMinimumHeight(48)
        self.empty_button.setStyleSheet("QPushButton { font-size: 15px; padding: 0 24px; }")
        self.empty_button.clicked.connect(self._empty_action)
        self.empty_button.setVisible(False)
        empty_layout = QVBoxLayout(self.empty_page)
        empty_layout.addStretch(2)
        empty_layout.addWidget(self.empty_text)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.empty_button)
        centred.addStretch(1)
        empty_layout.addLayout(centred)
        empty_layout.addStretch(3)
        self.empty_page.setVisible(False)
        self.import_progress = QProgressBar()
        self.import_progress.setVisible(False)
        self.import_progress.setFormat("%v / %m")
        # After a plan revision, pins placed on the older drawing carry a "?" until checked.
        self.check_label = QLabel()
        self.check_label.setObjectName("pins_to_check")
        self.check_label.setWordWrap(True)  # a long sentence: wrapped, not given the window's width
        self.check_label.setStyleSheet("color: #e65100; font-weight: 600;")
        self.check_button = QPushButton()
        self.check_button.setObjectName("confirm_pins")
        self.check_button.clicked.connect(self.confirm_pins)
        self.to_check: set[str] = set()
        for widget in (self.check_label, self.check_button):
            widget.setVisible(False)
        self.import_status = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)  # a long file name: cut, not given room
        self.import_status.setVisible(False)
        self.imports: list[PlanImport] = []
        self._offered = ""
        self._opened_once = False
        self.setAcceptDrops(True)
        self.layers = QListWidget()
        self.layers.itemChanged.connect(self._layer_toggled)
        self.layers_label = QLabel()

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setStyleSheet("QToolButton { min-height: 34px; padding: 0 8px; }")
        self.add_action = QAction(self, checkable=True)
        self.add_action.setShortcut(QKeySequence("A"))
        self.add_action.toggled.connect(self._add_mode)
        self.view.addModeCancelled.connect(lambda: self.add_action.setChecked(False))
        self.fit_action = QAction(self)
        self.fit_action.setShortcuts([QKeySequence("F"), QKeySequence("Ctrl+0")])
        self.fit_action.triggered.connect(self.view.fit)
        self.actual_action = QAction(self)
        self.actual_action.setShortcut(QKeySequence("Ctrl+1"))
        self.actual_action.triggered.connect(self.view.actual_size)
        self.zoom_in_action = QAction(self)
        self.zoom_in_action.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.zoom_in_action.triggered.connect(lambda: self.view.zoom_by(ZOOM_STEP))
        self.zoom_out_action = QAction(self)
        self.zoom_out_action.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.zoom_out_action.triggered.connect(lambda: self.view.zoom_by(1 / ZOOM_STEP))
        self.nudge_action = QAction(self)
        self.nudge_action.triggered.connect(self.nudge)
        self.heat_action = QAction(self, checkable=True)
        self.heat_action.setShortcut(QKeySequence("H"))
        self.heat_action.toggled.connect(self.show_heat_map)
        for action in (self.add_action, self.fit_action, self.actual_action, self.zoom_in_action,
                       self.zoom_out_action):
            self.toolbar.addAction(action)
        self.page_label = QLabel()
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.valueChanged.connect(self._page_changed)
        self.toolbar.addWidget(self.page_label)
        self.toolbar.addWidget(self.page_box)
        self.toolbar.addSeparator()
        self.status_filter = QComboBox()
        self.severity_filter = QComboBox()
        for combo in (self.status_filter, self.severity_filter):
            combo.currentIndexChanged.connect(self.apply_filter)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            self.toolbar.addWidget(combo)
        self.toolbar.addAction(self.heat_action)
        # The rare plan actions (new plan version, nudge pins) live in the main window's Plan menu: in
        # the tool bar they fell into its » overflow even on a maximised laptop window.
        self.legend_action = QAction(self, checkable=True)
        self.legend_action.setChecked(True)
        self.legend_action.setShortcut(QKeySequence("L"))
        self.legend_action.toggled.connect(self._show_legend)
        self.toolbar.addAction(self.legend_action)
        self.legend = QLabel(self.view)
        self.legend.setObjectName("pin_legend")
        self.legend.setStyleSheet("QLabel { background: rgba(255, 255, 255, 230); border: 1px solid #bdbdbd; "
                                  "border-radius: 4px; padding: 4px 8px; }")
        self.legend.setVisible(False)

        side = QVBoxLayout()
        side.addWidget(self.layers_label)
        side.addWidget(self.layers, 1)
        body = QHBoxLayout()
        body.addWidget(self.view, 1)
        body.addWidget(self.empty_page, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.message)
        empty_row = QHBoxLayout()
        empty_row.addWidget(self.check_label)
        empty_row.addWidget(self.check_button)
        empty_row.addWidget(self.import_status)
        empty_row.addWidget(self.import_progress, 1)
        empty_row.addStretch(1)
        layout.addLayout(empty_row)
        layout.addLayout(body, 1)
        self.retranslate()
        self._open_plan()

    def retranslate(self) -> None:
        self.add_action.setText(_("Add hazard (A)"))
        self.fit_action.setText(_("Fit (F)"))
        self.actual_action.setText(_("1:1"))
        self.zoom_in_action.setText("+")
        self.zoom_out_action.setText("−")
        self.zoom_in_action.setToolTip(_("Zoom in"))
        self.zoom_out_action.setToolTip(_("Zoom out"))
        self.nudge_action.setText(_("Nudge pins…"))
        self.heat_action.setText(_("Density (H)"))
        self._show_pins_to_check()
        self.legend_action.setText(_("Legend (L)"))
        self.legend_action.setToolTip(_("What the letters and colours of the pins mean"))
        self._show_legend(self.legend_action.isChecked())
        if self._opened_once:  # a message of the old language must not stay on the new screen
            if self.document is None:
                self._open_plan()  # says again what the empty plan offers, in the new language
            else:
                self._say("")
        self.page_label.setText(_("Page:"))
        self.layers_label.setText(_("Layers"))
        for combo, items in ((self.status_filter, [(s.value, status_label(s)) for s in Status]),
                             (self.severity_filter, [("general", _("General")), ("major", _("Major"))])):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(_("All states") if combo is self.status_filter else _("All levels"), "")
            for data, text in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current or "")))
            combo.blockSignals(False)
        self.view.pin_layer.clear_sprites()

    def _say(self, text: str, error: bool = True, warning: bool = False) -> None:
        colour = "#8a5300" if warning else "#b71c1c" if error else "#1b5e20"  # amber, red, green
        self.said_success = bool(text) and not error and not warning  # news until the next pin is chosen
        self.message.setStyleSheet(f"color: {colour}; padding: 6px;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _empty(self, text: str, offer: str = "") -> None:
        """No plan to show: say why on the page itself, with what to do next."""
        self.empty_text.setText(text)
        self._offer(offer)
        self.view.setVisible(False)
        self.empty_page.setVisible(True)

    def _offer(self, what: str) -> None:
        """The button an empty plan shows: "first site" on an empty ledger, "plan" on a floor without one."""
        self._offered = what
        self.empty_button.setVisible(bool(what))
        self.empty_button.setText({"first_site": _("Set up the first site…"),
                                   "plan": _("Import a plan for this floor…"), "": ""}[what])

    def _empty_action(self) -> None:
        if self._offered == "first_site":
            self.setUpRequested.emit()
        elif self._offered == "plan" and self.floor_id is not None:
            path = choose_plan_file(self, _("Plan of the floor"))
            if path is not None:
                self.planFileChosen.emit(self.floor_id, path)

    def shutdown(self) -> None:
        """Stop the render worker and release the plan file (the window is closing; a plan still being
        opened is released when it arrives)."""
        self.shut_down = True
        for job in list(self.imports):
            job.wait(30)
        self.view.close_document()
        if self.document is not None:
            self.document.close()
            self.document = None

    # -- loading ----------------------------------------------------------------------------------
    def set_floor(self, floor_id: uuid.UUID | None, inspection_id: uuid.UUID | None = None) -> None:
        self.inspection_id = inspection_id
        if floor_id == self.floor_id and self.document is not None:
            self.refresh_pins()
            return
        self.floor_id = floor_id
        self._open_plan()
        if self.placing is not None:  # still waiting for that pin, now on this floor
            self.start_placing(*self.placing)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._place_overview()
            # The viewport takes its new size after the view's resize event: place again once it has.
            QTimer.singleShot(0, self, self._place_overview)
        return super().eventFilter(watched, event)

    def _place_overview(self) -> None:
        viewport = self.view.viewport().geometry()
        self.overview.move(viewport.right() - self.overview.width() - OVERVIEW_MARGIN, viewport.top() + OVERVIEW_MARGIN)
        self.overview.raise_()
        self.legend.adjustSize()
        self.legend.move(viewport.left() + OVERVIEW_MARGIN, viewport.bottom() - self.legend.height() - OVERVIEW_MARGIN)
        self.legend.raise_()

    def legend_text(self) -> str:
        """What the pins' letters and colours mean, in the current language (rich text)."""
        zh = current_language().startswith("zh")
        glyphs = [f"<b>{GLYPHS[group.icon][0 if zh else 1]}</b> {escape(group.name.get())}"
                  for group in self.context.catalogue.groups.values() if group.icon in GLYPHS]
        colours = [f"<span style='color:{STATUS_COLOURS[s]}'>●</span> {escape(status_label(s))}"
                   for s in Status if s != Status.WITHDRAWN]
        rows = [" &nbsp; ".join(glyphs[i:i + 4]) for i in range(0, len(glyphs), 4)]
        return "<br>".join([*rows, " &nbsp; ".join(colours)])

    def _show_legend(self, on: bool = True) -> None:
        self.legend.setText(self.legend_text())
        self.legend.setVisible(on and self.document is not None)
        self._place_overview()

    def _open_plan(self, page: int | None = None) -> None:
        self._opened_once = True
        if self.document is not None:
            self.view.set_document(None)
            self.document.close()
            self.document = None
        self._say("")
        self.layers.clear()
        for widget in (self.layers, self.layers_label):
            widget.setVisible(False)
        self.overview.set_active(False)
        self.legend.setVisible(False)
        self._offer("")
        self.add_action.setChecked(False)
        self.add_action.setEnabled(False)
        if self.floor_id is None:
            with self.context.db.session() as session:
                empty = not structure.site_tree(session)
            if empty:
                self._empty(_("This ledger is empty: start by setting up the site you inspect, its buildings and "
                              "floors."), "first_site")
            else:
                self._empty(_("Choose a floor in the navigator to see its plan."))
            self.refresh_pins()  # no floor, no pins: not the last floor's on a blank page
            return
        with self.context.db.session() as session:
            plan = current_plan(session, self.floor_id)
            path = self.context.db.store.find(plan.file_hash) if plan else None
            plan_page = plan.page if plan else 0
            file_name = plan.filename if plan else ""
            shown_name = self._plan_name(session, file_name)
        if plan is None or path is None:
            self._empty(_("This floor has no plan yet: import one (PDF, image, SVG or DXF), or drop a plan file "
                          "here. Hazards can still be recorded from a checklist."), "plan")
            self.refresh_pins()
            return
        try:
            self.document = load_plan(path, self, shown_name)
        except sandbox.PlanCancelled:
            self._say(_("Opening the plan was cancelled: choose the floor again to retry."))
            return
        except plans.PlanError as exc:
            problem = _("{file}: {problem}").format(file=file_name or path.name, problem=exc.problem)
            self._empty(_("The plan of this floor cannot be shown: {problem}").format(problem=problem), "plan")
            return
        if self.shut_down:  # the window closed while the plan was being opened: released, not shown
            self.shutdown()
            return
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(self.document.page_count)
        self.page_box.setValue((plan_page if page is None else page) + 1)
        self.page_box.blockSignals(False)
        self.page_box.setEnabled(self.document.page_count > 1)
        self.layers.blockSignals(True)
        for layer in self.document.layers(0):
            item = QListWidgetItem(layer.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            self.layers.addItem(item)
        self.layers.blockSignals(False)
        self.layers.setVisible(self.layers.count() > 0)
        self.layers_label.setVisible(self.layers.count() > 0)
        self.empty_page.setVisible(False)
        self.view.setVisible(True)
        self._place_overview()
        self.view.set_document(self.document, self.page_box.value() - 1)
        self.overview.set_active(True)
        self.add_action.setEnabled(True)
        self._show_legend(self.legend_action.isChecked())
        self.refresh_pins()
        if self.document.warnings:  # what the reader left out or guessed: said, not hidden
            self._say(_("About this plan: {warnings}").format(warnings="; ".join(self.document.warnings)),
                      warning=True)

    def _plan_name(self, session: Session, file_name: str) -> str:
        """The plan as the inspector knows it, "Teaching building › 1F · ground-floor.pdf": the store
        names its files by their content hash, which tells a person nothing."""
        floor = session.get(structure.Floor, self.floor_id) if self.floor_id else None
        building = session.get(structure.Building, floor.building_id) if floor else None
        place = " › ".join(name for name in (building.name if building else "", floor.name if floor else "") if name)
        return " · ".join(part for part in (place, file_name) if part)

    def _page_changed(self, value: int) -> None:
        if self.document is not None:
            self.view.set_document(self.document, value - 1)
            self.refresh_pins()

    def _layer_toggled(self, item: QListWidgetItem) -> None:
        if self.document is None:
            return
        self.document.set_layer_visible(item.text(), item.checkState() == Qt.CheckState.Checked)
        self.view.set_document(self.document, self.view.page)

    def _show_pins_to_check(self) -> None:
        count = len(self.to_check)
        for widget in (self.check_label, self.check_button):
            widget.setVisible(count > 0)
        self.check_label.setText(ngettext(
            "{count} pin (marked ?) was placed on an older version of this plan: drag it if it is off.",
            "{count} pins (marked ?) were placed on an older version of this plan: drag those that are off.",
            count).format(count=count))
        self.check_button.setText(_("The others are right"))

    def confirm_pins(self) -> None:
        """The pins still marked ? are where they belong on the new plan."""
        if self.floor_id is None or not self.to_check:
            return
        with self.context.db.session() as session:
            plan = current_plan(session, self.floor_id)
            confirm_pins(session, [uuid.UUID(i) for i in self.to_check], self.context.actor,
                         plan.version if plan else 0)
        self._changed()

    def refresh_pins(self) -> None:
        if self.floor_id is None:
            self.to_check = set()
            self._show_pins_to_check()
            self.view.set_pins(None)
            return
        with self.context.db.session() as session:
            rows = list_hazards(session, floor_id=self.floor_id)
            self.to_check = {str(i) for i in pins_to_check(session, self.floor_id)} if self.document else set()
        page = self.view.page
        pins = [Pin(str(r.id), r.x, r.y, r.status, r.category, r.severity, self.context.catalogue.icon_for(r.category),
                    f"{r.number} ?" if str(r.id) in self.to_check else r.number,
                    category_label(self.context.catalogue, r.category))
                for r in rows if r.x is not None and r.y is not None and r.page == page
                and r.status != Status.WITHDRAWN]
        self._show_pins_to_check()
        pinset = PinSet(pins)
        self.view.set_pins(pinset)
        self.apply_filter()
        if self.heat_action.isChecked():
            self.show_heat_map(True)

    def apply_filter(self) -> None:
        status, severity = self.status_filter.currentData(), self.severity_filter.currentData()
        self.view.pin_layer.set_filter(statuses={status} if status else None,
                                       severities={severity} if severity else None)

    def show_heat_map(self, on: bool) -> None:
        if not on or self.floor_id is None:
            self.view.set_heat_map(None)
            return
        with self.context.db.session() as session:
            positions = pin_positions(session, self.floor_id, self.view.page)
        aspect = self.view.page_height / max(self.view.page_width, 1.0)
        self.view.set_heat_map(density_grid(positions, columns=64, rows=max(8, round(64 * aspect))))

    def select_hazard(self, hazard_id: str) -> None:
        if hazard_id in self.view.pin_layer.pinset.index:
            self.view.set_selection([hazard_id])
            pin = self.view.pin_layer.pinset.pins[self.view.pin_layer.pinset.index[hazard_id]]
            spot = QPointF(pin.x * self.view.page_width, pin.y * self.view.page_height)
            shown = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
            if not shown.contains(spot):  # a pin in sight stays put: the plan does not jump under the finger
                self.view.centerOn(spot)

    def _selection_changed(self, ids: list[str]) -> None:
        if self.said_success:
            self._say("")
        if ids:
            self.hazardSelected.emit(ids[0])

    # -- edits ------------------------------------------------------------------------------------
    def _add_mode(self, on: bool) -> None:
        self.view.add_mode = on
        self.view.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.OpenHandCursor)
        if not on and self.placing is not None:
            self.placing = None
            self._say("")

    def start_placing(self, hazard_id: str, number: str) -> None:
        """The next click on the plan puts this hazard's pin there (Esc gives up)."""
        if self.document is None:
            self._say(_("Open the floor's plan first: hazard {number} is waiting for its pin.").format(number=number))
            return
        self.add_action.setChecked(True)
        self.placing = (hazard_id, number)
        self._say(_("Click the plan where hazard {number} is (Esc to cancel).").format(number=number))
        self.view.setFocus()

    def _changed(self) -> None:
        self.refresh_pins()
        self.ledgerChanged.emit()

    def _status_changed(self, hazard_id: str) -> None:
        """A status changed from a pin's menu: the pin is redrawn, the editor shows that hazard."""
        self._changed()
        self.hazardSelected.emit(hazard_id)

    def add_hazard_at(self, x: float, y: float) -> None:
        if self.placing is not None:
            self._place_at(x, y)
            return
        self._say("")  # the hint that led here has done its job
        with self.context.db.session() as session:
            area_type = structure.area_type_of_floor(session, self.floor_id) if self.floor_id else ""
        dialog = NewHazardDialog(self.context.catalogue, self.recent_categories, self, area_type=area_type)
        if not dialog.exec():
            return
        values = dialog.values()
        self.recent_categories = [values["category"], *[c for c in self.recent_categories
                                                        if c != values["category"]]][:8]
        command = AddHazardCommand(self.context.db, self.context.catalogue, self.context.actor, {
            **values, "floor_id": self.floor_id, "x": round(x, 5), "y": round(y, 5), "page": self.view.page,
            "inspection_id": self.inspection_id}, self._changed, self._say)
        self.undo_stack.push(command)
        if command.hazard_id is not None:
            self.view.set_selection([str(command.hazard_id)])
            self.hazardSelected.emit(str(command.hazard_id))

    def _place_at(self, x: float, y: float) -> None:
        assert self.placing is not None
        hazard_id = self.placing[0]
        self.add_action.setChecked(False)  # also forgets ``placing`` and the prompt
        self.undo_stack.push(PlacePinCommand(self.context.db, self.context.actor, hazard_id,
                                             (self.floor_id, self.view.page, round(x, 5), round(y, 5)),
                                             self._changed, self._say))
        if hazard_id in self.view.pin_layer.pinset.index:
            self.view.set_selection([hazard_id])
        self.hazardSelected.emit(hazard_id)

    def move_pins(self, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]]) -> None:
        self.undo_stack.push(MovePinsCommand(self.context.db, self.context.actor, moves, self._changed, self._say))

    def nudge(self) -> None:
        if self.floor_id is None:
            return
        dialog = NudgeDialog(self)
        if dialog.exec():
            dx, dy = dialog.offsets()
            with self.context.db.session() as session:
                moved = nudge_pins(session, self.floor_id, dx, dy, self.context.actor)
            self._say(ngettext("{count} pin moved.", "{count} pins moved.", moved).format(count=moved), error=False)
            self._changed()


class NudgeDialog(QDialog):
    """Shift every pin of the floor by a percentage of the page (a revised drawing is offset)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Nudge pins"))
        self.dx = QDoubleSpinBox()
        self.dy = QDoubleSpinBox()
        for box in (self.dx, self.dy):
            box.setRange(-50.0, 50.0)
            box.setSingleStep(0.5)
            box.setSuffix(" %")
        form = QFormLayout(self)
        form.addRow(QLabel(_("Move every open pin of this floor by a share of the page:")))
        form.addRow(_("Right by:"), self.dx)
        form.addRow(_("Down by:"), self.dy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def offsets(self) -> tuple[float, float]:
        return self.dx.value() / 100.0, self.dy.value() / 100.0
