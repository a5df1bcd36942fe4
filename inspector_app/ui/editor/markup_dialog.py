"""Full view of one hazard photo with simple markup: arrows, circles (ellipses) and texts drawn over
it. The markup is kept as the attachment's overlay (fractions of the photo's size) and drawn on top
at show time; the photo file is never changed. Each finished shape is handed on at once to be saved.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QMouseEvent, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.ui.editor.photo_strip import PhotoInfo, load_scaled
from inspector_app.ui.screen_fit import fit_dialog

MAX_VIEW_EDGE = 2048  # a 50-MP photo is shown from a scaled decode: markup never needs full resolution
DEFAULT_COLOUR = "#e53935"


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def draw_overlay(scene: QGraphicsScene, overlay: dict[str, Any], width: float, height: float) -> None:
    """Add the overlay's shapes to a scene whose photo spans (0, 0, width, height)."""
    stroke = max(3.0, max(width, height) / 250)
    for shape in overlay.get("shapes", []):
        colour = shape.get("colour", DEFAULT_COLOUR)
        pen = _pen(colour, stroke)
        halo = _pen("#ffffff", stroke * 2)  # a white rim keeps red marks visible on a red or dark photo
        if shape["kind"] == "arrow":
            tail = QPointF(shape["x1"] * width, shape["y1"] * height)
            head = QPointF(shape["x2"] * width, shape["y2"] * height)
            angle = math.atan2(head.y() - tail.y(), head.x() - tail.x())
            size = stroke * 7
            wing = [QPointF(head.x() - size * math.cos(angle - s), head.y() - size * math.sin(angle - s))
                    for s in (0.45, -0.45)]
            path = QPainterPath()
            path.addPolygon(QPolygonF([head, *wing]))
            path.closeSubpath()
            scene.addLine(QLineF(tail, head), halo)
            scene.addPath(path, halo)
            scene.addLine(QLineF(tail, head), pen)
            scene.addPath(path, pen, QBrush(QColor(colour)))
        elif shape["kind"] == "circle":
            rect = QRectF(QPointF(shape["x1"] * width, shape["y1"] * height),
                          QPointF(shape["x2"] * width, shape["y2"] * height)).normalized()
            scene.addEllipse(rect, halo)
            scene.addEllipse(rect, pen)
        elif shape["kind"] == "text":
            font = QFont()
            font.setPixelSize(int(stroke * 10))
            font.setBold(True)
            item = scene.addSimpleText(shape["text"], font)
            item.setBrush(QBrush(QColor(colour)))
            item.setPen(_pen("#ffffff", max(1.0, stroke / 3)))  # a white rim keeps it readable on any photo
            item.setPos(shape["x"] * width, shape["y"] * height)


class _MarkupView(QGraphicsView):
    def __init__(self, dialog: MarkupDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self._start: QPointF | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.dialog.tool and event.button() == Qt.MouseButton.LeftButton:
            self._start = self.mapToScene(event.position().toPoint())
            if self.dialog.tool == "text":
                self.dialog.place_text(self._start)
                self._start = None
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is not None:
            end = self.mapToScene(event.position().toPoint())
            self.dialog.drag_finished(self._start, end)
            self._start = None
            return
        super().mouseReleaseEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)


class MarkupDialog(QDialog):
    """Shows a photo with its markup; ``overlayChanged(dict)`` after each added or removed shape."""

    overlayChanged = Signal(dict)

    def __init__(self, photo: PhotoInfo, read_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Photo: {name}").format(name=photo.filename))
        fit_dialog(self, QSize(960, 760))  # its title bar stays on a 768-px-high screen
        self.photo = photo
        self.overlay: dict[str, Any] = copy.deepcopy(photo.overlay) or {}
        self.tool = ""
        self.image = load_scaled(photo.path, MAX_VIEW_EDGE)
        self.scene = QGraphicsScene(self)
        self.view = _MarkupView(self)
        self.view.setScene(self.scene)
        self.view.setRenderHint(self.view.renderHints().Antialiasing)
        self.tools = QButtonGroup(self)
        self.tools.setExclusive(False)
        row = QHBoxLayout()
        self.tool_buttons: dict[str, QPushButton] = {}
        for tool, text, key in (("arrow", _("Arrow"), "A"), ("circle", _("Circle"), "C"), ("text", _("Text"), "T")):
            button = QPushButton(f"{text} ({key})")
            button.setCheckable(True)
            button.setMinimumHeight(40)
            button.setShortcut(QKeySequence(key))
            button.toggled.connect(lambda on, name=tool: self._tool_toggled(name, on))
            self.tools.addButton(button)
            self.tool_buttons[tool] = button
            row.addWidget(button)
        self.remove_last = QPushButton(_("Remove last mark"))
        self.remove_last.setShortcut(QKeySequence.StandardKey.Undo)
        self.remove_last.clicked.connect(self.remove_last_shape)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        for button in (self.remove_last, close):
            button.setMinimumHeight(40)
        row.addStretch(1)
        row.addWidget(self.remove_last)
        row.addWidget(close)
        self.hint = QLabel(_("Choose a tool, then drag on the photo (arrow: from tail to tip); "
                             "for a text, tap where it goes. The photo itself is never changed."))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        if read_only:  # the tools are greyed out: say why, on the window and on each tool
            why = _("This hazard is closed or withdrawn: its photos can be looked at, no longer marked up.")
            self.hint.setText(why)
            for button in (*self.tool_buttons.values(), self.remove_last):
                button.setToolTip(why)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.view)
        for button in (*self.tool_buttons.values(), self.remove_last):
            button.setEnabled(not read_only)
        if not read_only:
            self.tool_buttons["arrow"].setChecked(True)  # the commonest mark, ready without a tap
        self._redraw()

    def follow(self, photo: PhotoInfo | None) -> None:
        """Show the markup as saved now (after an undo or redo elsewhere)."""
        if photo is not None and photo.overlay != self.overlay:
            self.overlay = copy.deepcopy(photo.overlay)
            self._redraw()

    def _tool_toggled(self, name: str, on: bool) -> None:
        if on:
            for other, button in self.tool_buttons.items():
                if other != name:
                    button.setChecked(False)
            self.tool = name
        elif self.tool == name:
            self.tool = ""
        self.view.setCursor(Qt.CursorShape.CrossCursor if self.tool else Qt.CursorShape.ArrowCursor)

    def _redraw(self) -> None:
        self.scene.clear()
        width, height = float(max(1, self.image.width())), float(max(1, self.image.height()))
        if not self.image.isNull():
            self.scene.addPixmap(QPixmap.fromImage(self.image))
        else:
            self.scene.addText(_("The photo file is missing from the store."))
        self.scene.setSceneRect(0, 0, width, height)
        draw_overlay(self.scene, self.overlay, width, height)
        self.view.fitInView(self.scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.remove_last.setEnabled(self.remove_last.isEnabled() and bool(self.overlay.get("shapes")))

    def _fraction(self, point: QPointF) -> tuple[float, float]:
        width, height = max(1, self.image.width()), max(1, self.image.height())
        return (min(1.0, max(0.0, point.x() / width)), min(1.0, max(0.0, point.y() / height)))

    def add_shape(self, shape: dict[str, Any]) -> None:
        """Add one shape (fractions of the photo) and hand the new overlay on to be saved."""
        shapes = [*self.overlay.get("shapes", []), shape]
        self.overlay = {"version": 1, "shapes": shapes}
        self.overlayChanged.emit(copy.deepcopy(self.overlay))
        self.remove_last.setEnabled(True)
        self._redraw()

    def remove_last_shape(self) -> None:
        shapes = list(self.overlay.get("shapes", []))[:-1]
        self.overlay = {"version": 1, "shapes": shapes} if shapes else {}
        self.overlayChanged.emit(copy.deepcopy(self.overlay))
        self._redraw()

    def drag_finished(self, start: QPointF, end: QPointF) -> None:
        if self.tool not in ("arrow", "circle"):
            return
        (x1, y1), (x2, y2) = self._fraction(start), self._fraction(end)
        if abs(x2 - x1) < 0.01 and abs(y2 - y1) < 0.01:
            return  # a tap, not a drag: nothing to draw
        self.add_shape({"kind": self.tool, "x1": x1, "y1": y1, "x2": x2, "y2": y2})

    def place_text(self, point: QPointF) -> None:
        text, ok = QInputDialog.getText(self, _("Text"), _("Text to write on the photo:"))
        if ok and text.strip():
            x, y = self._fraction(point)
            self.add_shape({"kind": "text", "x": x, "y": y, "text": text.strip()[:200]})
