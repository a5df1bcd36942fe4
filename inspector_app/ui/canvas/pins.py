"""All hazard pins of a plan page drawn by ONE graphics item.

One QGraphicsItem per pin does not scale (Qt keeps transformation-ignoring items out of its index;
10k of them cost ~145 ms a frame). This item keeps the pins in numpy arrays, culls them to the
exposed area, draws each as a cached sprite at the same size on screen at every zoom, and groups
pins that would overlap on screen into a count bubble while zoomed out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from inspector_app.core.workflow import STATUS_COLOURS
from inspector_app.i18n import current_language

PIN_RADIUS = 12  # screen pixels: a fingertip-sized target
CLUSTER_CELL = 44  # screen pixels: pins closer than this merge into a count while zoomed out
LABEL_MIN_ZOOM = 0.6  # screen px per page px from which hazard numbers are written under pins
# One glyph per hazard group, in the language of the UI.
GLYPHS = {
    "bolt": ("电", "E"), "flame": ("火", "F"), "exit": ("疏", "X"), "extinguisher": ("器", "Q"),
    "box": ("燃", "C"), "gas": ("气", "G"), "flask": ("化", "L"), "clipboard": ("管", "M"),
}


@dataclass
class Pin:
    id: str
    x: float  # normalised 0..1 on the page
    y: float
    status: str
    category: str
    severity: str
    icon: str
    label: str


@dataclass
class PinSet:
    """Pins of one page as parallel arrays, with a visibility mask from the filters."""

    pins: list[Pin] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.refresh_arrays()

    def refresh_arrays(self) -> None:
        self.xs = np.fromiter((p.x for p in self.pins), dtype=np.float64, count=len(self.pins))
        self.ys = np.fromiter((p.y for p in self.pins), dtype=np.float64, count=len(self.pins))
        self.visible = np.ones(len(self.pins), dtype=bool)
        self.index = {p.id: i for i, p in enumerate(self.pins)}

    def set_filter(self, statuses: set[str] | None = None, categories: set[str] | None = None,
                   severities: set[str] | None = None) -> None:
        self.visible = np.array([
            (not statuses or p.status in statuses) and (not categories or p.category in categories)
            and (not severities or p.severity in severities) for p in self.pins], dtype=bool)

    def move(self, pin_id: str, x: float, y: float) -> None:
        i = self.index[pin_id]
        self.pins[i].x, self.pins[i].y = x, y
        self.xs[i], self.ys[i] = x, y


class PinLayer(QGraphicsItem):
    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.page_width, self.page_height = width, height
        self.pinset = PinSet()
        self.selected: set[str] = set()
        self.fit_scale = 1.0  # screen px per page px when the page fits the view
        self._sprites: dict[tuple[str, str, bool], QPixmap] = {}
        self.setZValue(10)

    def set_page_size(self, width: float, height: float) -> None:
        self.prepareGeometryChange()
        self.page_width, self.page_height = width, height

    def set_pins(self, pinset: PinSet) -> None:
        self.pinset = pinset
        self.selected &= set(pinset.index)
        self.update()

    def boundingRect(self) -> QRectF:
        pad = 4 * PIN_RADIUS  # in page units; the item is redrawn whole on zoom anyway
        return QRectF(-pad, -pad, self.page_width + 2 * pad, self.page_height + 2 * pad)

    # -- geometry ---------------------------------------------------------------------------------
    def scene_points(self) -> tuple[np.ndarray, np.ndarray]:
        return self.pinset.xs * self.page_width, self.pinset.ys * self.page_height

    def pins_near(self, scene_pos: QPointF, scale: float, radius_px: float = PIN_RADIUS + 4) -> list[str]:
        """Ids of the visible pins under a point, nearest first (``scale``: screen px per page px)."""
        if not self.pinset.pins:
            return []
        xs, ys = self.scene_points()
        distance = np.hypot(xs - scene_pos.x(), ys - scene_pos.y()) * scale
        hits = np.flatnonzero((distance <= radius_px) & self.pinset.visible)
        order = hits[np.argsort(distance[hits])]
        return [self.pinset.pins[i].id for i in order]

    def pins_in(self, rect: QRectF) -> list[str]:
        xs, ys = self.scene_points()
        inside = (xs >= rect.left()) & (xs <= rect.right()) & (ys >= rect.top()) & (ys <= rect.bottom())
        return [self.pinset.pins[i].id for i in np.flatnonzero(inside & self.pinset.visible)]

    # -- drawing ----------------------------------------------------------------------------------
    def _sprite(self, status: str, icon: str, selected: bool) -> QPixmap:
        key = (status, icon, selected)
        sprite = self._sprites.get(key)
        if sprite is None:
            size = 2 * PIN_RADIUS + 8
            sprite = QPixmap(size, size)
            sprite.fill(Qt.GlobalColor.transparent)
            painter = QPainter(sprite)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            centre = QPointF(size / 2, size / 2)
            if selected:
                painter.setPen(QPen(QColor("#ffd600"), 4))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(centre, PIN_RADIUS + 2, PIN_RADIUS + 2)
            painter.setPen(QPen(Qt.GlobalColor.white, 2))
            painter.setBrush(QBrush(QColor(STATUS_COLOURS.get(status, "#555555"))))
            painter.drawEllipse(centre, PIN_RADIUS, PIN_RADIUS)
            glyph = GLYPHS.get(icon, ("?", "?"))[0 if current_language().startswith("zh") else 1]
            font = QFont()
            font.setPixelSize(13)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
            painter.end()
            self._sprites[key] = sprite
        return sprite

    def clear_sprites(self) -> None:
        """After a language switch: glyphs are drawn again in the new language."""
        self._sprites.clear()
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        pins = self.pinset
        if not pins.pins:
            return
        transform = painter.worldTransform()
        scale = transform.m11()
        exposed = option.exposedRect
        pad = (PIN_RADIUS * 2) / max(scale, 1e-9)
        xs, ys = self.scene_points()
        keep = pins.visible & (xs >= exposed.left() - pad) & (xs <= exposed.right() + pad) \
            & (ys >= exposed.top() - pad) & (ys <= exposed.bottom() + pad)
        idx = np.flatnonzero(keep)
        if not len(idx):
            return
        # Screen positions (the view does not rotate, so scale and translation are enough).
        sx = xs[idx] * scale + transform.dx()
        sy = ys[idx] * transform.m22() + transform.dy()
        painter.save()
        painter.resetTransform()
        zoomed_out = scale < self.fit_scale * 2.5
        single = idx
        if zoomed_out and len(idx) > 1:
            cells = (np.floor(sx / CLUSTER_CELL).astype(np.int64) << 32) + np.floor(sy / CLUSTER_CELL).astype(np.int64)
            unique, inverse, counts = np.unique(cells, return_inverse=True, return_counts=True)
            crowded = counts[inverse] > 1
            single = idx[~crowded]
            self._draw_clusters(painter, sx[crowded], sy[crowded], inverse[crowded], len(unique))
            sx, sy = sx[~crowded], sy[~crowded]
        half = PIN_RADIUS + 4
        label_font = QFont()
        label_font.setPixelSize(11)
        painter.setFont(label_font)
        write_labels = scale >= LABEL_MIN_ZOOM * self.fit_scale * 2 or len(single) < 200
        for k, i in enumerate(single):
            pin = pins.pins[i]
            painter.drawPixmap(int(sx[k] - half), int(sy[k] - half),
                               self._sprite(pin.status, pin.icon, pin.id in self.selected))
            if write_labels:
                painter.setPen(QColor("#202020"))
                painter.drawText(QRectF(sx[k] - 50, sy[k] + PIN_RADIUS + 1, 100, 14),
                                 Qt.AlignmentFlag.AlignHCenter, pin.label)
        painter.restore()

    def _draw_clusters(self, painter: QPainter, sx: np.ndarray, sy: np.ndarray, group: np.ndarray,
                       groups: int) -> None:
        if not len(sx):
            return
        counts = np.bincount(group, minlength=groups)
        cx = np.bincount(group, weights=sx, minlength=groups)
        cy = np.bincount(group, weights=sy, minlength=groups)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPixelSize(12)
        font.setBold(True)
        painter.setFont(font)
        for g in np.flatnonzero(counts):
            n = int(counts[g])
            x, y = cx[g] / n, cy[g] / n
            radius = PIN_RADIUS + min(10, 2 * np.log2(n))
            painter.setPen(QPen(Qt.GlobalColor.white, 2))
            painter.setBrush(QColor(60, 60, 60, 220))
            painter.drawEllipse(QPointF(x, y), radius, radius)
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(QRectF(x - radius, y - radius, 2 * radius, 2 * radius), Qt.AlignmentFlag.AlignCenter,
                             str(n))
