"""The hazard editor widget (lives in a dock beside the plan): every field of one hazard, its photos
and the "fixed on the spot" step. Each change is saved at once through a core use case, as a
QUndoCommand on the main window's stack; typing is saved after a short pause or when the field is
left, and one typing run is one undo step. Closed and withdrawn hazards are shown read-only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core import dates
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.forms import Catalogue
from inspector_app.core.hazards import attachments_of, find_hazard, values_following_category
from inspector_app.core.models import Floor
from inspector_app.core.organisation import document_language
from inspector_app.core.workflow import FINAL_STATES, Status, status_label
from inspector_app.i18n import DEFAULT_LANGUAGE, N_, _
from inspector_app.ui.editor.category_picker import CategoryPicker, CategoryPopup, remember
from inspector_app.ui.editor.commands import EditHazardFieldsCommand
from inspector_app.ui.editor.fix_dialog import FixOnSpotActions
from inspector_app.ui.editor.major_panel import MajorPanel
from inspector_app.ui.editor.photo_actions import PhotoActions
from inspector_app.ui.editor.photo_strip import PhotoInfo, PhotoStrip
from inspector_app.ui.editor.phrases import PhraseButton, PhraseGrid
from inspector_app.ui.editor.status_badge import StatusBadge, StatusBadgeActions
from inspector_app.ui.editor.unit_report_panel import UnitReportPanel
from inspector_app.ui.first_paint import AfterFirstPaint
from inspector_app.ui.window_frame import EDITOR_WIDTH

TOUCH = 40  # px: the smallest target a cold finger or a pen hits reliably
TEXT_HEIGHT = 68
TYPING_PAUSE_MS = 800
TEXT_FIELDS = ("description", "legal_basis", "required_measures", "room", "responsible_unit",
               "responsible_person", "funding")


class HazardEditor(PhotoActions, FixOnSpotActions, StatusBadgeActions, QWidget):
    """Edit one hazard; ``set_hazard(id)`` shows it, ``hazardChanged(id)`` follows every saved change."""

    hazardChanged = Signal(str)
    placePinRequested = Signal(str, str)  # id and number of a hazard with no pin yet
    recentCategoriesChanged = Signal(list)

    def __init__(self, db: Database, catalogue: Catalogue, actor: str, undo_stack: QUndoStack,
                 recent_categories: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.catalogue, self.actor, self.undo_stack = db, catalogue, actor, undo_stack
        self.hazard_id: str | None = None
        self._number = ""
        self._pinned = True
        self._saved: dict[str, Any] = {}  # the hazard's values as last read from the database
        self._status = ""
        self._found_on: dt.date | None = None
        self._document_language = DEFAULT_LANGUAGE  # that of the hazard's notices (read with the hazard)
        self._typing_run: dict[str, int] = dict.fromkeys(TEXT_FIELDS, 0)
        self._timers: dict[str, QTimer] = {}
        self._loading = False
        self._markup: Any = None  # the open MarkupDialog, kept in step with undo/redo of its markup
        self._build()
        self.picker.set_recent(recent_categories or [])
        self.retranslate()
        self.set_hazard(None)

    # -- building the widgets ----------------------------------------------------------------
    def _text_field(self, name: str, multiline: bool) -> QLineEdit | QPlainTextEdit:
        widget: QLineEdit | QPlainTextEdit
        if multiline:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)  # Tab moves on, as in every other field of the form
            widget.setUndoRedoEnabled(False)  # Ctrl+Z belongs to the editor's undo stack
            # Three lines show without scrolling; the dock must keep photos and the fix button in view.
            widget.setFixedHeight(TEXT_HEIGHT)
        else:
            widget = QLineEdit()
            widget.setMinimumHeight(TOUCH)
        widget.setObjectName(name)
        widget.textChanged.connect(lambda *_args, field=name: self._typed(field))
        widget.installEventFilter(self)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(TYPING_PAUSE_MS)
        timer.timeout.connect(lambda field=name: self.commit_text(field))
        self._timers[name] = timer
        return widget

    def _button(self, slot: Any, shortcut: str | None = None) -> QPushButton:
        button = QPushButton()
        button.setMinimumHeight(TOUCH)
        button.clicked.connect(slot)
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
        return button

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.status_chip = StatusBadge()  # its menu offers the next states (ui/editor/status_badge.py)
        self.status_chip.targetChosen.connect(self.change_status_to)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        self.category_button = self._button(self.open_category_picker)
        self.category_button.setStyleSheet("text-align: left; padding: 4px 8px;")
        self.picker = CategoryPicker(self.catalogue)
        self.picker.categoryChosen.connect(self.choose_category)
        self.category_popup = CategoryPopup(self.picker, self)

        self.severity_general = self._button(lambda: self.set_severity("general"))
        self.severity_major = self._button(lambda: self.set_severity("major"))
        self.severity_group = QButtonGroup(self)
        for button in (self.severity_general, self.severity_major):
            button.setCheckable(True)
            self.severity_group.addButton(button)
        # The chosen level must read at a glance: filled, white text; major in the "open" red.
        self.severity_general.setStyleSheet("QPushButton:checked { background: #546e7a; color: white; }")
        self.severity_major.setStyleSheet("QPushButton:checked { background: #d32f2f; color: white; }")
        severity_row = QHBoxLayout()
        severity_row.addWidget(self.severity_general)
        severity_row.addWidget(self.severity_major)
        self.major_panel = MajorPanel(self.db, self.catalogue, lambda: self.actor)  # ui/editor/major_panel.py
        self.major_panel.decided.connect(self._saved_change)
        self.unit_report = UnitReportPanel(self.db, lambda: self.actor)  # ui/editor/unit_report_panel.py
        self.unit_report.answered.connect(self._saved_change)

        self.texts: dict[str, QLineEdit | QPlainTextEdit] = {
            name: self._text_field(name, name in ("description", "legal_basis", "required_measures"))
            for name in TEXT_FIELDS
        }
        self.phrase_box = PhraseGrid()
        self.area_type = QComboBox()
        self.area_type.setMinimumHeight(TOUCH)
        self.area_type.currentIndexChanged.connect(self._area_type_chosen)
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setMinimumHeight(TOUCH)
        self.deadline.setDisplayFormat(dates.QT_DATE_FORMAT)
        # The minimum date stands for "no hazard": shown blank, not as a date nobody chose.
        self.deadline.setMinimumDate(QDate(2000, 1, 1))
        self.deadline.setSpecialValueText(" ")
        self.deadline.dateChanged.connect(self._deadline_chosen)

        self.strip = PhotoStrip()
        self.strip.filesDropped.connect(lambda paths: self.attach_files(paths))
        self.strip.doubleClicked.connect(lambda _index: self.open_photo())
        self.strip.selectionModel().currentChanged.connect(lambda *_args: self._update_photo_buttons())
        self.add_photo_button = self._button(self.pick_photo_files)
        self.paste_photo_button = self._button(self.paste_photo)
        self.camera_button = self._button(self.capture_photo)
        self.role_button = self._button(self.toggle_photo_role)
        self.markup_button = self._button(self.open_photo)
        photo_buttons = QGridLayout()
        for position, button in enumerate((self.add_photo_button, self.paste_photo_button, self.camera_button,
                                           self.role_button, self.markup_button)):
            photo_buttons.addWidget(button, position // 3, position % 3)
        self._has_camera = False
        self.camera_button.setVisible(False)
        AfterFirstPaint(self, self._look_for_camera)  # QtMultimedia's start can wait for the first paint
        self.place_button = self._button(self._ask_for_pin)
        self.place_button.setStyleSheet("QPushButton { background: #1565c0; color: white; font-weight: 600; }")
        self.fix_button = self._button(self.open_fix_on_spot)
        self.fix_button.setStyleSheet("QPushButton { background: #388e3c; color: white; font-weight: 600; }"
                                      "QPushButton:disabled { background: #a5d6a7; }")
        # Paste an image anywhere in the editor except where text is pasted.
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.strip)
        paste.setContext(Qt.ShortcutContext.WidgetShortcut)
        paste.activated.connect(self.paste_photo)

        self.labels: dict[str, QLabel] = {}

        def form() -> QFormLayout:
            layout = QFormLayout()
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            return layout

        def row(layout: QFormLayout, key: str, field: QWidget | Any, buddy: QWidget | None = None) -> None:
            label = QLabel()
            target = buddy or (field if isinstance(field, QWidget) else None)
            if target is not None:
                label.setBuddy(target)
            self.labels[key] = label
            layout.addRow(label, field)

        # What is done standing at the hazard comes first (what, where, photos, fix it now); the
        # rectification facts, often filled in later at a desk, follow under their own heading.
        self.form = form()
        row(self.form, "category", self.category_button)
        row(self.form, "severity", severity_row, self.severity_general)
        self.form.addRow(self.major_panel)
        row(self.form, "room", self.texts["room"])
        row(self.form, "area_type", self.area_type)
        # The deadline and who must fix it are set on the spot (the notice prints them): in reach
        # without scrolling on a 1366×768 laptop.
        row(self.form, "deadline", self.deadline)
        row(self.form, "responsible_unit", self.texts["responsible_unit"])
        row(self.form, "responsible_person", self.texts["responsible_person"])
        row(self.form, "description", self.texts["description"])
        self.phrases_label = QLabel()
        self.phrases_label.setStyleSheet("color: #555;")
        self.form.addRow(self.phrases_label, self.phrase_box)
        self.rectification_form = form()
        row(self.rectification_form, "legal_basis", self.texts["legal_basis"])
        row(self.rectification_form, "required_measures", self.texts["required_measures"])
        row(self.rectification_form, "funding", self.texts["funding"])

        body = QWidget()
        body_layout = QVBoxLayout(body)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.status_chip)
        body_layout.addLayout(header)
        body_layout.addWidget(self.message)
        body_layout.addWidget(self.unit_report)
        body_layout.addWidget(self.place_button)
        body_layout.addLayout(self.form)
        self.photos_label = QLabel()
        self.rectification_label = QLabel()
        for heading in (self.photos_label, self.rectification_label):
            heading.setStyleSheet("font-weight: 600; margin-top: 8px;")
        body_layout.addWidget(self.photos_label)
        body_layout.addWidget(self.strip)
        body_layout.addLayout(photo_buttons)
        body_layout.addWidget(self.fix_button)
        body_layout.addWidget(self.rectification_label)
        body_layout.addLayout(self.rectification_form)
        body_layout.addStretch(1)
        # Values of a final hazard stay readable (disabled widgets would fade them out).
        body.setStyleSheet("QPushButton:disabled, QComboBox:disabled, QDateEdit:disabled { color: #333; }")
        self.body = body
        self.body_scroll = QScrollArea()
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setWidget(body)
        self.body_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.body_scroll)
        self.setMinimumWidth(EDITOR_WIDTH)
        self.setTabOrder(self.category_button, self.severity_general)
        chain: list[QWidget] = [self.severity_general, self.severity_major, self.texts["room"], self.area_type,
                                self.deadline, self.texts["responsible_unit"], self.texts["responsible_person"],
                                self.texts["description"], self.strip, self.add_photo_button,
                                self.texts["legal_basis"], self.texts["required_measures"], self.texts["funding"]]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)

    def retranslate(self) -> None:
        self.message.clear()  # said in the old language: not left on the new screen
        self.message.setVisible(False)
        texts = {
            "category": _("Hazard &category:"), "severity": _("Se&verity:"), "description": _("&Description:"),
            "legal_basis": _("&Legal basis:"), "required_measures": _("Re&quirement:"),
            "area_type": _("&Area type:"), "room": _("&Room or spot:"), "responsible_unit": _("Responsible &unit:"),
            "responsible_person": _("Responsible &person:"), "funding": _("&Funding:"),
            "deadline": _("Dead&line:"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.phrases_label.setText(_("Quick phrases:"))
        self.severity_general.setText(_("General hazard"))
        self.severity_major.setText(_("Major hazard"))
        self.photos_label.setText(_("Photos (drop files here, or paste with Ctrl+V)"))
        self.rectification_label.setText(_("Rectification"))
        self.add_photo_button.setText(_("Add photos…"))
        self.add_photo_button.setToolTip(_("Choose photo files (Ctrl+Shift+O)"))
        self.add_photo_button.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.paste_photo_button.setText(_("Paste"))
        self.paste_photo_button.setToolTip(_("Attach the image on the clipboard"))
        self.camera_button.setText(_("Camera…"))
        self.markup_button.setText(_("View / mark up"))
        self.markup_button.setToolTip(_("Full view with arrow, circle and text markup (Enter)"))
        self.fix_button.setText(_("Fixed on the spot…"))
        self.place_button.setText(_("Place its pin on the plan"))
        self.place_button.setToolTip(_("This hazard has no spot on a plan yet: click the plan where it is"))
        self.fix_button.setToolTip(_("Close this hazard as fixed on the spot: needs an after-photo and a note"))
        # Both forms share one label column width, so their fields line up.
        width = max(label.sizeHint().width() for label in self.labels.values())
        for label in self.labels.values():
            label.setMinimumWidth(width)
        self.picker.retranslate()
        self.major_panel.retranslate()
        self.unit_report.retranslate()
        self._fill_area_types()
        if self.hazard_id is not None:
            self.reload()
        else:
            self.title.setText(_("No hazard selected"))
        self._update_photo_buttons()

    def _fill_area_types(self) -> None:
        self.area_type.blockSignals(True)
        current = self.area_type.currentData()
        self.area_type.clear()
        self.area_type.addItem(_("(not set)"), "")
        for code, area in self.catalogue.area_types.items():
            self.area_type.addItem(area.name.get(), code)
        self.area_type.setCurrentIndex(max(0, self.area_type.findData(current)))
        self.area_type.blockSignals(False)

    # -- showing a hazard ---------------------------------------------------------------------
    def set_hazard(self, hazard_id: str | uuid.UUID | None) -> None:
        """Show a hazard (by id, number or short code), or nothing; pending typing is saved first."""
        self.commit_pending()
        self.category_popup.hide()
        shown, self.hazard_id = self.hazard_id, None
        if hazard_id is not None:
            try:
                with self.db.session() as session:
                    self.hazard_id = str(find_hazard(session, str(hazard_id)).id)
            except InspectorError as exc:
                self.show_message(str(exc))
        self._typing_run = dict.fromkeys(TEXT_FIELDS, 0)
        self.reload()
        if self.hazard_id != shown:  # another hazard is read from its top, not where the last was left
            self.body_scroll.verticalScrollBar().setValue(0)

    def follow_place(self, kind: str, place_id: uuid.UUID | None) -> None:
        """The navigator chose another place: a hazard that is not in it is no longer shown."""
        if self.hazard_id is None or place_id is None:
            return
        try:
            with self.db.session() as session:
                hazard = find_hazard(session, self.hazard_id)
                floor = session.get(Floor, hazard.floor_id) if hazard.floor_id else None
                inside = {"site": hazard.site_id == place_id,
                          "building": floor is not None and floor.building_id == place_id,
                          "floor": hazard.floor_id == place_id}.get(kind, True)
        except NotFoundError:
            inside = False
        if not inside:
            self.set_hazard(None)

    def reload(self) -> None:
        """Read the hazard again from the database and show it (after undo, redo or a change elsewhere)."""
        self.major_panel.show_hazard(self.hazard_id)
        self.unit_report.show_hazard(self.hazard_id)
        if self.hazard_id is None:
            self._saved, self._status = {}, ""
            self.title.setText(_("No hazard selected"))
            self.status_chip.show_status("")
            # Nor the last hazard's choices on an empty form.
            self.severity_group.setExclusive(False)
            for button in self.severity_group.buttons():
                button.setChecked(False)
            self.severity_group.setExclusive(True)
            self.area_type.blockSignals(True)
            self.area_type.setCurrentIndex(0)
            self.area_type.blockSignals(False)
            self.strip.photo_model.set_photos([])
            self._loading = True  # a disabled form must not go on showing the last hazard's words
            for name in TEXT_FIELDS:
                self.texts[name].clear()
                self._timers[name].stop()
            self.category_button.setText("")
            self._show_phrases([])  # nor a "Quick phrases:" label over no phrases
            self.deadline.setDate(self.deadline.minimumDate())
            self._loading = False
            self.place_button.setVisible(False)
            self.body.setEnabled(False)
            self.body.setVisible(True)
            return
        try:
            with self.db.session() as session:
                hazard = find_hazard(session, self.hazard_id)
                values, number, status, found, photos = self._read(session, hazard)
        except NotFoundError:  # its adding was undone: nothing left to show
            self.hazard_id = None
            self.reload()
            return
        self._saved, self._status, self._found_on = values, status, dates.local_date(found)
        self.body.setEnabled(True)
        self._show_values(values)
        self.title.setText(_("Hazard {number}").format(number=number))
        self._number = number
        self.status_chip.show_status(status)
        current = self.strip.current_photo()
        self.strip.photo_model.set_photos(photos)
        if self._markup is not None:
            self._markup.follow(next((p for p in photos if p.id == self._markup.photo.id), None))
        # Keep the photo the user was on; else the newest, so mark/view work without a first tap.
        rows = [row for row, photo in enumerate(photos) if current is not None and photo.id == current.id]
        if rows or photos:
            self.strip.setCurrentIndex(self.strip.photo_model.index(rows[0] if rows else len(photos) - 1))
        self._apply_read_only()

    def _read(self, session: Any, hazard: Any) -> tuple[dict[str, Any], str, str, dt.datetime, list[PhotoInfo]]:
        values = {name: getattr(hazard, name) for name in (*TEXT_FIELDS, "category", "severity", "area_type",
                                                            "deadline", "major_rule")}
        photos = [PhotoInfo(str(a.id), a.role, a.filename, self.db.store.find(a.file_hash),
                            a.width, a.height, dict(a.overlay or {})) for a in attachments_of(session, hazard.id)]
        self._pinned = hazard.x is not None
        # Texts the editor takes from forms/ (a new category's, a quick phrase) go in the language of the
        # hazard's documents, which is not always the screen's.
        self._document_language = document_language(session, hazard.site_id)
        return values, hazard.number, hazard.status, hazard.found_at, photos

    def _show_values(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for name in TEXT_FIELDS:
                widget = self.texts[name]
                text = values[name] or ""
                if self._widget_text(name) != text and not self._timers[name].isActive():
                    if isinstance(widget, QPlainTextEdit):
                        widget.setPlainText(text)
                    else:
                        widget.setText(text)
            self.picker.set_area_type(values["area_type"] or "")
            category = self.catalogue.categories.get(values["category"])
            self.category_button.setText(category.name.get() if category else values["category"])
            self.category_button.setToolTip(values["category"])
            (self.severity_major if values["severity"] == "major" else self.severity_general).setChecked(True)
            self.area_type.setCurrentIndex(max(0, self.area_type.findData(values["area_type"] or "")))
            deadline = values["deadline"]
            if deadline is not None:
                self.deadline.setDate(QDate(deadline.year, deadline.month, deadline.day))
            self._show_phrases(category.phrases if category else [])
        finally:
            self._loading = False

    def _show_phrases(self, phrases: Sequence[Any]) -> None:
        current = self._widget_text("description")
        buttons: list[PhraseButton] = []
        for phrase in phrases[:4]:
            # Read in the screen's language; added in the notice's (the tooltip shows what is added).
            shown, text = phrase.get(), phrase.get(self._document_language)
            used = text in current
            button = PhraseButton(("✓ " if used else "") + shown)
            button.setToolTip(text if used else _("Add to the description: {phrase}").format(phrase=text))
            button.setEnabled(not used and not self.is_read_only())
            button.clicked.connect(lambda _checked=False, chosen=text: self.add_phrase(chosen))
            buttons.append(button)
        self.phrase_box.set_buttons(buttons)
        self.phrases_label.setVisible(bool(phrases))

    def is_read_only(self) -> bool:
        return self._status in FINAL_STATES

    def _apply_read_only(self) -> None:
        final = self.is_read_only()
        for text in self.texts.values():
            text.setReadOnly(final)  # read-only, not disabled: the text can still be selected and copied
        for widget in (self.category_button, self.severity_general, self.severity_major, self.area_type,
                       self.deadline):
            widget.setEnabled(not final)
        # Adding photos or phrases means nothing on a final hazard: hidden, not greyed out.
        for widget in (self.add_photo_button, self.paste_photo_button, self.role_button):
            widget.setVisible(not final)
        self.camera_button.setVisible(not final and self._has_camera)
        self.phrases_label.setVisible(not final and bool(self.phrase_box.buttons))
        self.phrase_box.setVisible(not final)
        # An example in an empty read-only field would read as if it were the value.
        self.texts["room"].setPlaceholderText("" if final else _("e.g. 305, east stairwell"))
        self.texts["funding"].setPlaceholderText("" if final else _("e.g. 2000 yuan, school budget"))
        self.photos_label.setText(_("Photos") if final else _("Photos (drop files here, or paste with Ctrl+V)"))
        self.strip.setAcceptDrops(not final)
        self.fix_button.setVisible(self._status == Status.OPEN)
        self.place_button.setVisible(not final and not self._pinned)
        if final:
            self.show_message(_("This hazard is {status}: it is final and shown read-only.").format(
                status=status_label(self._status)), error=False)
        else:
            self.message.setVisible(False)
        self._update_photo_buttons()

    def show_message(self, text: str, error: bool = True) -> None:
        colour = "#fdecea; color: #b71c1c" if error else "#e8f5e9; color: #1b5e20"
        self.message.setStyleSheet(f"background: {colour}; padding: 6px; border-radius: 4px;")
        self.message.setText(text)
        self.message.setVisible(True)

    # -- saving fields ------------------------------------------------------------------------
    def _push_edit(self, new_values: dict[str, Any], text: Callable[[], str] | None = None,
                   merge_key: object = None) -> None:
        if self.hazard_id is None or self.is_read_only():
            return
        changed = {k: v for k, v in new_values.items() if self._saved.get(k) != v}
        if not changed:
            return
        old = {k: self._saved.get(k) for k in changed}
        self._saved.update(changed)  # so a second commit before the reload does not repeat the change
        self.undo_stack.push(EditHazardFieldsCommand(
            self.db, self.hazard_id, old, changed, self.actor, self.catalogue, merge_key=merge_key, text=text,
            on_done=self._saved_change, on_error=self._failed))

    def _saved_change(self, hazard_id: str) -> None:
        if hazard_id == self.hazard_id:
            self.reload()
        self.hazardChanged.emit(hazard_id)

    def _failed(self, message: str) -> None:
        self.show_message(message)
        if self.hazard_id is not None:
            self.reload()

    def _widget_text(self, name: str) -> str:
        widget = self.texts[name]
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def _typed(self, name: str) -> None:
        if not self._loading and self.hazard_id is not None:
            self._timers[name].start()

    def commit_text(self, name: str) -> None:
        """Save what was typed in one text field (called after a pause, on leaving it, or before undo)."""
        self._timers[name].stop()
        if self.hazard_id is None:
            return
        value = self._widget_text(name).strip()
        labels = {"description": N_("Edit description"), "legal_basis": N_("Edit legal basis"),
                  "required_measures": N_("Edit requirement")}
        label = labels.get(name, N_("Edit hazard"))
        self._push_edit({name: value}, lambda: _(label),
                        merge_key=(self.hazard_id, name, self._typing_run[name]))

    def commit_pending(self) -> None:
        """Save typing still waiting for its pause; call before undo or before showing another hazard."""
        for name, timer in self._timers.items():
            if timer.isActive():
                self.commit_text(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            name = watched.objectName()
            if name in self.texts:
                self.commit_text(name)
                self._typing_run[name] += 1  # coming back later is a new undo step
        return super().eventFilter(watched, event)

    def add_phrase(self, phrase: str) -> None:
        current = self._widget_text("description").strip()
        if phrase in current:
            return
        joiner = "；" if self._document_language.startswith("zh") else "; "
        value = f"{current}{joiner}{phrase}" if current else phrase
        self._push_edit({"description": value}, lambda: _("Edit description"))

    def set_severity(self, severity: str) -> None:
        if not self._loading and not self.major_panel.intercepts_severity(severity):
            self._push_edit({"severity": severity}, lambda: _("Change severity"))

    def _area_type_chosen(self, _index: int) -> None:
        if not self._loading:
            self._push_edit({"area_type": self.area_type.currentData() or ""}, lambda: _("Change area type"))

    def _deadline_chosen(self, date: QDate) -> None:
        if not self._loading:
            self._push_edit({"deadline": dt.date(date.year(), date.month(), date.day())}, lambda: _("Change deadline"))

    # -- category -----------------------------------------------------------------------------
    def open_category_picker(self) -> None:
        self.category_popup.show_under(self.category_button)

    def recent_categories(self) -> list[str]:
        return self.picker.recent()

    def set_recent_categories(self, codes: list[str]) -> None:
        self.picker.set_recent(codes)

    def choose_category(self, code: str) -> None:
        """Change the category; texts, severity and deadline the user left as prefilled follow it."""
        self.picker.set_recent(remember(self.picker.recent(), code))
        self.recentCategoriesChanged.emit(self.picker.recent())
        if self.hazard_id is None or self.is_read_only() or code == self._saved.get("category"):
            return
        self.commit_pending()
        old = self.catalogue.categories.get(self._saved["category"])
        values = values_following_category(self._saved, old, self.catalogue.category(code), self._found_on,
                                           language=self._document_language)
        self._push_edit(values, lambda: _("Change category"))

    def _ask_for_pin(self) -> None:
        if self.hazard_id is not None:
            self.placePinRequested.emit(self.hazard_id, self._number)
