"""Dialogs for moving hazards through the workflow from the ledger: a status change (one or many
hazards, with a note and after-photos), a re-inspection (pass closes with an after-photo, fail sends
the hazard back with a note), and the principal's review with an optional drawn signature."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core import dates
from inspector_app.core.workflow import Status, common_targets, status_label, transition_between
from inspector_app.i18n import _, ngettext
from inspector_app.ui.file_dialogs import open_files

PHOTO_FILTER = "*.jpg *.jpeg *.png *.heic *.heif *.avif *.webp *.bmp *.tif *.tiff"


class PhotoPicker(QWidget):
    """A button that picks after-photos and a label that says how many were picked."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        self.button = QPushButton(_("Add after-photo…"))
        self.button.setMinimumHeight(40)
        self.button.clicked.connect(self.pick)
        self.label = QLabel(_("No photo"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.label, 1)

    def pick(self) -> None:
        files = open_files(self, "photo", _("After-photos"), _("Photos ({patterns})").format(patterns=PHOTO_FILTER))
        if files:
            self.set_paths(files)

    def set_paths(self, paths: list[Path]) -> None:
        self.paths = paths
        self.label.setText(", ".join(p.name for p in paths) if paths else _("No photo"))
        self.changed.emit()


class StatusChangeDialog(QDialog):
    """Choose the next state for the selected hazards (only states reachable from all of them), and give
    what the step needs: a note (withdrawing, a failed re-inspection), an after-photo (closing). OK waits
    until the step has what it needs, and the dialog says what that is.

    ``target``: the state chosen already (a status badge's or a pin's menu); ``number``: the hazard's,
    when there is one; ``has_after_photo``: every hazard has an after-photo already."""

    def __init__(self, current_statuses: set[str], count: int, parent: QWidget | None = None,
                 target: str | None = None, number: str = "", has_after_photo: bool = False) -> None:
        super().__init__(parent)
        self.sources = set(current_statuses)
        self.has_after_photo = has_after_photo
        self.setWindowTitle(_("Change the status of hazard {number}").format(number=number) if number else ngettext(
            "Change the status of {count} hazard", "Change the status of {count} hazards", count).format(count=count))
        self.target = QComboBox()
        for status in common_targets(self.sources):
            self.target.addItem(status_label(status), status.value)
        if target is not None and self.target.findData(target) >= 0:
            self.target.setCurrentIndex(self.target.findData(target))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(_("What was done, or why (needed to withdraw or to fail a re-inspection)"))
        self.photos = PhotoPicker()
        self.needs = QLabel()
        self.needs.setObjectName("status_needs")
        self.needs.setWordWrap(True)
        self.needs.setStyleSheet("color: #8a5300;")
        form = QFormLayout()
        form.addRow(_("New status:"), self.target)
        form.addRow(self.needs)
        form.addRow(_("Note:"), self.note)
        form.addRow(_("Photos:"), self.photos)
        self.form = form
        self.empty = QLabel(_("The selected hazards have no next state in common."))
        self.empty.setVisible(self.target.count() == 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.target.currentIndexChanged.connect(self._update)
        self.note.textChanged.connect(self._update)
        self.photos.changed.connect(self._update)
        self._update()

    def _needs(self) -> tuple[bool, bool]:
        """(a note, an after-photo) that the chosen step needs from at least one of the hazards."""
        target = self.target.currentData() or ""
        steps = [transition_between(source, target) for source in self.sources]
        return (any(step is not None and step.needs_note for step in steps),
                any(step is not None and step.needs_after_photo for step in steps) and not self.has_after_photo)

    def _update(self) -> None:
        needs_note, needs_photo = self._needs()
        words = []
        if needs_note:
            words.append(_("Withdrawing needs a reason: say why in the note.")
                         if self.target.currentData() == Status.WITHDRAWN else
                         _("Sending it back needs a note saying what is still wrong."))
        if needs_photo:
            words.append(_("Closing needs an after-photo showing the fixed state."))
        self.needs.setText(" ".join(words))
        self.needs.setVisible(bool(words))
        # After-photos belong to reporting the fix and closing; starting work or withdrawing takes none.
        self.form.setRowVisible(self.photos, self.target.currentData() in (Status.CLOSED, Status.AWAITING_REINSPECTION))
        self.ok.setEnabled(self.target.count() > 0 and (not needs_note or bool(self.note.toPlainText().strip()))
                           and (not needs_photo or bool(self.photos.paths)))

    def chosen(self) -> tuple[str, str, list[Path]]:
        return self.target.currentData() or "", self.note.toPlainText().strip(), self.photos.paths


class ReinspectionDialog(QDialog):
    """Re-inspect a hazard awaiting it: pass (closes, after-photo needed) or fail (note needed)."""

    def __init__(self, number: str, inspector: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Re-inspect hazard {number}").format(number=number))
        self.passed = QRadioButton(_("Passed: the hazard is fixed"))
        self.failed = QRadioButton(_("Failed: still not fixed"))
        self.passed.setChecked(True)
        self.inspector = QLineEdit(inspector)
        self.note = QPlainTextEdit()
        self.photos = PhotoPicker()
        form = QFormLayout()
        form.addRow(self.passed)
        form.addRow(self.failed)
        form.addRow(_("Re-inspected by:"), self.inspector)
        form.addRow(_("Note:"), self.note)
        form.addRow(_("Photos:"), self.photos)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def outcome(self) -> tuple[str, str, list[Path]]:
        """(target status, note naming the re-inspector, photos)."""
        target = Status.CLOSED.value if self.passed.isChecked() else Status.IN_PROGRESS.value
        note = self.note.toPlainText().strip()
        who = self.inspector.text().strip()
        if who:
            note = _("Re-inspected by {name}. {note}").format(name=who, note=note).strip()
        return target, note, self.photos.paths


class SignaturePad(QWidget):
    """Records strokes from a pen (tablet events, with pressure) or a mouse/finger as a signature."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(360, 140)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.strokes: list[QPainterPath] = []
        self.setToolTip(_("Sign here with a pen, a finger or the mouse"))

    def clear(self) -> None:
        self.strokes.clear()
        self.update()

    def is_empty(self) -> bool:
        return not self.strokes

    def _start(self, point: QPointF) -> None:
        path = QPainterPath(point)
        self.strokes.append(path)

    def _extend(self, point: QPointF) -> None:
        if self.strokes:
            self.strokes[-1].lineTo(point)
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._start(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def tabletEvent(self, event: QTabletEvent) -> None:
        if event.type() == QTabletEvent.Type.TabletPress:
            self._start(event.position())
        elif event.type() == QTabletEvent.Type.TabletMove and event.pressure() > 0:
            self._extend(event.position())
        event.accept()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.setPen(QPen(Qt.GlobalColor.lightGray, 1, Qt.PenStyle.DashLine))
        painter.drawLine(10, self.height() - 30, self.width() - 10, self.height() - 30)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(Qt.GlobalColor.black, 2.5))
        for stroke in self.strokes:
            painter.drawPath(stroke)

    def to_png(self) -> bytes:
        image = QImage(self.size(), QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(Qt.GlobalColor.black, 2.5))
        for stroke in self.strokes:
            painter.drawPath(stroke)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, PySide wants str
        return bytes(data.data())


class ReviewDialog(QDialog):
    """The principal marks the chosen hazards as reviewed, with a date and optionally a signature."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(ngettext("Principal review of {count} hazard", "Principal review of {count} hazards",
                                     count).format(count=count))
        self.reviewer = QLineEdit()
        self.reviewer.setPlaceholderText(_("Name of the reviewer"))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(dates.QT_DATE_FORMAT)
        self.note = QLineEdit()
        self.signature = SignaturePad()
        clear = QPushButton(_("Clear signature"))
        clear.clicked.connect(self.signature.clear)
        form = QFormLayout()
        form.addRow(_("Reviewed by:"), self.reviewer)
        form.addRow(_("Date:"), self.date)
        form.addRow(_("Note:"), self.note)
        form.addRow(_("Signature:"), self.signature)
        form.addRow("", clear)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reviewer.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reviewer.text().strip()))

    def values(self) -> tuple[str, dt.date, str, bytes | None]:
        day = self.date.date()
        return (self.reviewer.text().strip(), dt.date(day.year(), day.month(), day.day()), self.note.text().strip(),
                None if self.signature.is_empty() else self.signature.to_png())
