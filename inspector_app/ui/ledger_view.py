"""The ledger (台账) view: filters, full-text search, the lazy table of every hazard, and the
actions taken from it — status changes (single and bulk), re-inspection, principal review.
Double-clicking a row asks the main window to show that hazard's pin on its plan."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core import dates, ledger
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazard_rows import HazardRow
from inspector_app.core.models import Building
from inspector_app.core.reviews import record_review
from inspector_app.core.workflow import Status, status_label
from inspector_app.i18n import _, ngettext
from inspector_app.ui.elided import ElidedButton, ElidedLabel
from inspector_app.ui.ledger_model import LedgerModel
from inspector_app.ui.status_change import HazardState, apply_status_change, ask_status_change
from inspector_app.ui.status_dialogs import ReinspectionDialog, ReviewDialog

SEARCH_DELAY_MS = 250


class LedgerView(QWidget):
    hazardActivated = Signal(str)
    hazardSelected = Signal(str)  # the current row changed to this hazard (the editor follows it)
    ledgerChanged = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.place: tuple[str, uuid.UUID | None] = ("", None)  # from the main window's navigator
        self.place_name = ""
        # The navigator's choice shown as a filter of its own, removable like the others. A long place
        # name is cut, not given room: it made the window wider than a laptop screen (issue 22).
        self.scope_button = ElidedButton(keep_end="  ✕")
        self.scope_button.setObjectName("ledger_scope")
        self.scope_button.setStyleSheet("QPushButton { background: #e3f2fd; border: 1px solid #90caf9; "
                                        "border-radius: 4px; padding: 4px 10px; }")
        self.scope_button.clicked.connect(self.clear_place)
        self.scope_button.setVisible(False)
        self._reselecting = False
        self.model = LedgerModel(context.db, context.catalogue, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.setWordWrap(False)
        # Level: room for "major · listed" (a confirmed major hazard under listed supervision).
        for column, width in enumerate((96, 150, 200, 104, 216, 96, 110, 90, 96)):
            self.table.setColumnWidth(column, width)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self.search_timer.start)
        self.status = QComboBox()
        self.category = QComboBox()
        self.severity = QComboBox()
        self.building = QComboBox()
        self.supervision = QComboBox()  # at this supervision (督办) level or above
        self.overdue = QCheckBox()
        self.reports_waiting = QCheckBox()  # a unit's report waits for the inspector's answer
        self.reports_waiting.setObjectName("reports_waiting")
        self.responsible = QLineEdit()
        self.responsible.setMinimumWidth(64)  # a name or two fit; the row still fits a 1366 px screen
        self.responsible.textChanged.connect(self.search_timer.start)
        self.date_from = QDateEdit(QDate.currentDate().addYears(-1))
        self.date_to = QDateEdit(QDate.currentDate())
        self.use_dates = QCheckBox()
        for widget in (self.status, self.category, self.severity, self.building, self.supervision):
            widget.currentIndexChanged.connect(self.apply_filter)
            # Long category names must not widen the window past a laptop screen.
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(8)
        for box in (self.overdue, self.reports_waiting, self.use_dates):
            box.toggled.connect(self.apply_filter)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(dates.QT_DATE_FORMAT)  # as every date is written, not the locale's
            edit.dateChanged.connect(self.apply_filter)

        self.status_button = QPushButton()
        self.status_button.clicked.connect(self.change_status)
        self.reinspect_button = QPushButton()
        self.reinspect_button.clicked.connect(self.reinspect)
        self.review_button = QPushButton()
        self.review_button.clicked.connect(self.review)
        for button in (self.status_button, self.reinspect_button, self.review_button):
            button.setMinimumHeight(40)
        self.count_label = ElidedLabel()
        self.message = QLabel()
        self.message.setObjectName("ledger_message")
        self.message.setWordWrap(True)  # a long message (a reviewer's name, a problem) must not widen the window
        self.model.on_error = self._row_failed

        self.labels: dict[str, QLabel] = {key: QLabel() for key in (
            "search", "status", "category", "severity", "building", "supervision", "responsible", "from", "to")}
        rows = [QHBoxLayout(), QHBoxLayout(), QHBoxLayout()]
        placed: tuple[tuple[int, str, QWidget], ...] = (
            (0, "search", self.search), (0, "status", self.status), (0, "category", self.category),
            (1, "severity", self.severity), (1, "building", self.building), (1, "responsible", self.responsible),
            (2, "supervision", self.supervision))
        rows[0].addWidget(self.scope_button)
        for row, key, filter_widget in placed:
            rows[row].addWidget(self.labels[key])
            rows[row].addWidget(filter_widget, 2 if key == "search" else 1)
        rows[1].addWidget(self.overdue)
        rows[1].addWidget(self.reports_waiting)
        rows[2].addWidget(self.use_dates)
        rows[2].addWidget(self.labels["from"])
        rows[2].addWidget(self.date_from)
        rows[2].addWidget(self.labels["to"])
        rows[2].addWidget(self.date_to)
        rows[2].addStretch(1)
        rows[2].addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.addWidget(self.status_button)
        actions.addWidget(self.reinspect_button)
        actions.addWidget(self.review_button)
        actions.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        for row_layout in rows:
            layout.addLayout(row_layout)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.addAction(self.find_action)
        self.retranslate()
        self.apply_filter()

    def note(self, text: str, error: bool = True) -> None:
        """A line under the table: a problem in red, a success in green (never the error colour). A
        success is news only until the next thing done here (another row, a filter, an action)."""
        self.message.setStyleSheet("color: #b71c1c;" if error else "color: #1b5e20;")
        self.message.setProperty("error", error)
        self.message.setText(text)

    def _forget_success(self) -> None:
        if self.message.property("error") is False:
            self.message.clear()
            self.message.setProperty("error", None)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _row_failed(self, exc: Exception) -> None:
        self.note(_("Some rows could not be loaded: {problem}").format(problem=exc))

    # -- texts ------------------------------------------------------------------------------
    @staticmethod
    def _label_texts() -> dict[str, str]:
        return {"search": _("Search:"), "status": _("Status:"), "category": _("Category:"),
                "severity": _("Severity:"), "building": _("Building:"), "supervision": _("Supervision:"),
                "responsible": _("Responsible:"),
                "from": _("Found from"), "to": _("to")}

    def retranslate(self) -> None:
        for key, text in self._label_texts().items():
            self.labels[key].setText(text)
        self.search.setPlaceholderText(_("number, description, room, person, category… (Ctrl+F)"))
        self.overdue.setText(_("Overdue only"))
        self.reports_waiting.setText(_("Unit reports waiting"))
        self.reports_waiting.setToolTip(_("Only hazards whose responsible unit sent a report, an extension request or "
                                          "a dispute that waits for your answer"))
        self.use_dates.setText(_("Date range"))
        self.status_button.setText(_("Change status…"))
        self.reinspect_button.setText(_("Re-inspect…"))
        self.review_button.setText(_("Principal review…"))
        self._fill_combo(self.status, [(s.value, status_label(s)) for s in Status])
        self._fill_combo(self.category, sorted(
            ((code, c.name.get()) for code, c in self.context.catalogue.categories.items()), key=lambda p: p[1]))
        self._fill_combo(self.severity, [("general", _("General")), ("major", _("Major"))])
        self._fill_combo(self.supervision, self._supervision_choices())
        with self.context.db.session() as session:
            buildings = [(str(b.id), b.name) for b in session.query(Building).order_by(Building.name)]
        self._fill_combo(self.building, buildings)
        self.model.retranslate()
        self.message.clear()  # a line of the old language must not stay on the new screen
        self._show_scope()
        self._update_count()

    def _fill_combo(self, combo: QComboBox, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("All"), "")
        for data, text in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(current or "")))
        combo.blockSignals(False)

    # -- filtering --------------------------------------------------------------------------
    def current_filter(self) -> ledger.LedgerFilter:
        def day(edit: QDateEdit) -> dt.date:
            d = edit.date()
            return dt.date(d.year(), d.month(), d.day())

        status, category = self.status.currentData(), self.category.currentData()
        building = self.building.currentData()
        kind, place = self.place
        return ledger.LedgerFilter(
            site_id=place if kind == "site" else None,
            floor_id=place if kind == "floor" else None,
            statuses=frozenset({status}) if status else frozenset(),
            categories=frozenset({category}) if category else frozenset(),
            severity=self.severity.currentData() or "",
            building_id=uuid.UUID(building) if building else (place if kind == "building" else None),
            overdue_only=self.overdue.isChecked(),
            reports_waiting=self.reports_waiting.isChecked(),
            supervision_min=int(self.supervision.currentData() or 0),
            responsible=self.responsible.text(),
            found_from=day(self.date_from) if self.use_dates.isChecked() else None,
            found_to=day(self.date_to) if self.use_dates.isChecked() else None,
            search=self.search.text(),
        )

    def set_place(self, kind: str, ident: uuid.UUID | None, name: str = "") -> None:
        """Limit the ledger to the site, building or floor chosen in the navigator (or none); the
        scope shows as a filter button that removes it."""
        self.place = (kind, ident) if ident is not None else ("", None)
        self.place_name = name
        self._show_scope()
        self.apply_filter()

    def describe_filters(self) -> list[str]:
        """The filters that choose the listed hazards ("Status: Open"...), in the current language, not
        read off the widgets: an exported file names them in its own language, whatever the screen's."""
        labels = self._label_texts()
        found = [self._scope_text()] if self._scope_text() else []
        chosen = {"status": status_label(self.status.currentData()) if self.status.currentData() else "",
                  "category": self._category_name(self.category.currentData()),
                  "severity": {"general": _("General"), "major": _("Major")}.get(self.severity.currentData(), ""),
                  "building": self.building.currentText() if self.building.currentData() else "",
                  "supervision": self.supervision.currentText() if self.supervision.currentData() else ""}
        found += [f"{labels[key]} {value}" for key, value in chosen.items() if value]
        if self.overdue.isChecked():
            found.append(_("Overdue only"))
        if self.reports_waiting.isChecked():
            found.append(_("Unit reports waiting"))
        if self.responsible.text().strip():
            found.append(f"{labels['responsible']} {self.responsible.text().strip()}")
        if self.use_dates.isChecked():
            found.append(f"{labels['from']} {self.date_from.date().toString(dates.QT_DATE_FORMAT)} "
                         f"{labels['to']} {self.date_to.date().toString(dates.QT_DATE_FORMAT)}")
        if self.search.text().strip():
            found.append(f"{labels['search']} “{self.search.text().strip()}”")
        return found

    @staticmethod
    def _supervision_choices() -> list[tuple[str, str]]:
        return [("1", _("Reminder or above")), ("2", _("Supervised or above")), ("3", _("Listed supervision"))]

    def _category_name(self, code: str | None) -> str:
        category = self.context.catalogue.categories.get(code or "")
        return category.name.get() if category else (code or "")

    def _scope_text(self) -> str:
        kind, ident = self.place
        words = {"site": _("Site: {name}"), "building": _("Building: {name}"), "floor": _("Floor: {name}")}
        return words[kind].format(name=self.place_name) if ident is not None and kind in words else ""

    def clear_place(self) -> None:
        """The whole ledger again (the navigator keeps its choice; choosing a place again scopes anew)."""
        self.set_place("", None)

    def _show_scope(self) -> None:
        scope = self._scope_text()
        self.scope_button.setVisible(bool(scope))
        if scope:
            self.scope_button.setText(scope + "  ✕")
            self.scope_button.setToolTip(_("Only the hazards of this place are listed: click to list all."))

    def apply_filter(self) -> None:
        self._forget_success()
        self._keeping_selection(lambda: self.model.set_filter(self.current_filter()))
        self._update_count()

    def _update_count(self) -> None:
        count = self.model.rowCount()
        text = ngettext("{count} hazard", "{count} hazards", count).format(count=count)
        _kind, ident = self.place
        if ident is not None:
            outside = self.model.count_matching(replace(self.current_filter(), site_id=None, floor_id=None,
                                                        building_id=self._building_filter())) - count
            if outside > 0:
                text += " · " + ngettext("{count} more outside {place}", "{count} more outside {place}",
                                         outside).format(count=outside, place=self.place_name)
        self.count_label.setText(text)

    def _building_filter(self) -> uuid.UUID | None:
        building = self.building.currentData()
        return uuid.UUID(building) if building else None

    def show_reports_waiting(self) -> None:
        """List only the hazards whose unit's report waits for an answer (the summary's link)."""
        self.reports_waiting.setChecked(True)

    def refresh(self) -> None:
        """Re-read the ledger after a change elsewhere (editor, plan, another view), keeping the row
        the user is on and the rows they selected."""
        self._keeping_selection(self.model.reload)
        self._update_count()

    def _keeping_selection(self, reload: Callable[[], None]) -> None:
        """Re-read the list, then select again the rows that were selected and are still listed, and go
        back to the row the user was on: a list read anew (a filter, an edit elsewhere, Export flushing
        the search) must not silently drop the selection that Print and Export act on."""
        current = self.table.currentIndex()
        kept = self.model.id_at(current.row()) if current.isValid() else None
        chosen = self.selected_ids()
        reload()
        if kept is None and not chosen:
            return
        last = self.model.columnCount() - 1
        selection = QItemSelection()
        for row in self.model.rows_of(chosen):
            selection.select(self.model.index(row, 0), self.model.index(row, last))
        flags = QItemSelectionModel.SelectionFlag
        self._reselecting = True  # the same hazard again: the editor need not be told
        try:
            row = self.model.row_of(kept) if kept is not None else -1
            if row >= 0:
                self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags.NoUpdate)
                self.table.scrollTo(self.model.index(row, 0))
            self.table.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)
        finally:
            self._reselecting = False

    # -- selection and actions ----------------------------------------------------------------
    def selected_ids(self) -> list[uuid.UUID]:
        return [self.model.id_at(index.row()) for index in self.table.selectionModel().selectedRows()]

    def select_hazard(self, hazard_id: uuid.UUID) -> bool:
        row = self.model.row_of(hazard_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._reselecting:
            self._forget_success()
        if current.isValid() and not self._reselecting:
            self.hazardSelected.emit(str(self.model.id_at(current.row())))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.hazardActivated.emit(str(self.model.id_at(index.row())))

    def _selected_rows(self) -> list[HazardRow]:
        rows = [self.model.row_at(index.row()) for index in self.table.selectionModel().selectedRows()]
        return [row for row in rows if row is not None]

    def _need_selection(self) -> bool:
        if not self.table.selectionModel().selectedRows():
            self.note(_("Select one or more hazards in the ledger first."))
            return False
        self.message.clear()
        return True

    def _apply(self, ids: list[uuid.UUID], target: str, note: str, photos: list[Path]) -> None:
        refused = apply_status_change(self, self.context.db, self.context.actor, self.context.settings.photo_max_edge,
                                      ids, target, note, photos)
        if refused is not None:
            self._changed(len(ids) - len(refused), len(ids))

    def _changed(self, changed: int, asked: int) -> None:
        """Show a status change made here; the success is said only when every hazard took it (the
        refused ones were named in a box already)."""
        self.model.refresh_rows()
        self.ledgerChanged.emit()
        if changed == asked:
            self.note(ngettext("{count} hazard changed.", "{count} hazards changed.", changed).format(
                count=changed), error=False)

    def change_status(self) -> None:
        """The selected hazards' next state, the same way as the editor's status badge and a pin's menu."""
        if not self._need_selection():
            return
        hazards = [HazardState(r.id, r.number, r.status) for r in self._selected_rows()]
        changed = ask_status_change(self, self.context.db, self.context.actor, self.context.settings.photo_max_edge,
                                    hazards)
        if changed:
            self._changed(changed, len(hazards))

    def reinspect(self) -> None:
        if not self._need_selection():
            return
        rows = [r for r in self._selected_rows() if r.status == Status.AWAITING_REINSPECTION]
        if not rows:
            self.note(_("Only hazards awaiting re-inspection can be re-inspected."))
            return
        for row in rows:
            dialog = ReinspectionDialog(row.number, self.context.actor, self)
            if not dialog.exec():
                return
            target, note, photos = dialog.outcome()
            self._apply([row.id], target, note, photos)

    def review(self) -> None:
        if not self._need_selection():
            return
        ids = self.selected_ids()
        dialog = ReviewDialog(len(ids), self)
        if not dialog.exec():
            return
        reviewer, day, note, signature = dialog.values()
        try:
            with self.context.db.session() as session:
                record_review(session, self.context.db.store, ids, reviewer, day, self.context.actor, note=note,
                              signature_png=signature)
        except InspectorError as exc:
            QMessageBox.warning(self, _("Principal review"), str(exc))
            return
        self.note(ngettext("{count} hazard marked as reviewed by {name}.",
                           "{count} hazards marked as reviewed by {name}.", len(ids)).format(
            count=len(ids), name=reviewer), error=False)
        self.ledgerChanged.emit()
