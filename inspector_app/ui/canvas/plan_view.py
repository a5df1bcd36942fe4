"""The plan canvas: a QGraphicsView over one page of a floor plan with its hazard pins.

Level of detail: the whole page is rendered once, coarsely, for the first paint; whenever the view
settles after a zoom or a pan, the visible region is rendered again at screen resolution in the
background and laid over it, so an A0 drawing stays sharp at any zoom without rendering it whole at
full size. Pins live in normalised page coordinates and are drawn by one PinLayer; a click on a
bubble of overlapping pins lists them in a menu (cluster_menu.py) to pick one or zoom in.

The canvas talks to no database: it shows a PinSet and emits what the user asked for; the main
window turns those requests into core use cases wrapped in undo commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QCursor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsRectItem, QGraphicsScene, QGraphicsView, QWidget

from inspector_app.plans import PlanDocument, Region
from inspector_app.ui.canvas.cluster_menu import ClusterMenu, separating_zoom
from inspector_app.ui.canvas.pins import PinLayer, PinSet
from inspector_app.ui.canvas.renderer import PlanRenderer, RenderRequest

if TYPE_CHECKING:
    import numpy as np  # imported where used: not at the start (ui/canvas/pins.py)

BASE_MAX_EDGE = 2048  # the coarse first paint
DETAIL_DELAY_MS = 120  # wait for the view to settle before rendering detail
ZOOM_STEP = 1.25
MAX_ZOOM = 64.0  # screen px per page px
DRAG_THRESHOLD_PX = 6
SYNC_FIRST_PAINT_PIXELS = 16_000_000


class PlanView(QGraphicsView):
    pinAddRequested = Signal(float, float)
    addModeCancelled = Signal()  # Esc while adding: back to selecting
    pinsMoved = Signal(dict)
    selectionChanged = Signal(list)
    pinActivated = Signal(str)
    pinMenuRequested = Signal(str, QPoint)  # a pin's context menu (right click, Menu key): id, global point
    viewChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(QColor("#d9d9d9"))
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.renderer = PlanRenderer(self)
        self.renderer.rendered.connect(self._on_rendered)
        self.page = 0
        self.page_width = self.page_height = 1.0
        self.generation = 0
        self.add_mode = False
        self.base_item = QGraphicsPixmapItem()
        self.base_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.detail_item = QGraphicsPixmapItem()
        self.detail_item.setZValue(1)
        self.heat_item = QGraphicsPixmapItem()
        self.heat_item.setZValue(5)
        self.heat_item.setVisible(False)
        self.page_frame = QGraphicsRectItem()
        self.page_frame.setZValue(-1)
        self.page_frame.setBrush(QColor("white"))
        self.pin_layer = PinLayer(1, 1)
        for item in (self.page_frame, self.base_item, self.detail_item, self.heat_item, self.pin_layer):
            self.scene().addItem(item)
        self.base_image: QImage | None = None
        self._detail_timer = QTimer(self, singleShot=True, interval=DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self.request_detail)
        self._press: QPointF | None = None
        self._dragging: dict[str, tuple[float, float]] | None = None
        self._pressed_cluster: list[str] = []
        self.cluster_menu: ClusterMenu | None = None  # the open one, for tests and screenshots
        self.horizontalScrollBar().valueChanged.connect(self._view_moved)
        self.verticalScrollBar().valueChanged.connect(self._view_moved)

    # -- the document ----------------------------------------------------------------------------
    def set_document(self, document: PlanDocument | None, page: int = 0, first_paint_now: bool | None = None) -> None:
        """Show a page of a document (None: no plan). Pins keep their normalised positions.

        The first paint is rendered at once for small raster plans; anything that may take long
        (big images, vector drawings) renders in the background while the pins already show.
        """
        self.generation += 1
        self.renderer.set_document(document)
        self.detail_item.setPixmap(QPixmap())
        self.base_item.setPixmap(QPixmap())
        self.base_image = None
        if document is None:
            return
        self.page = page
        info = document.page(page)
        self.page_width, self.page_height = float(info.width_px), float(info.height_px)
        self.scene().setSceneRect(QRectF(-self.page_width * 0.25, -self.page_height * 0.25,
                                         self.page_width * 1.5, self.page_height * 1.5))
        self.page_frame.setRect(0, 0, self.page_width, self.page_height)
        self.pin_layer.set_page_size(self.page_width, self.page_height)
        scale = min(1.0, BASE_MAX_EDGE / max(self.page_width, self.page_height))
        request = RenderRequest("base", self.generation, page, Region(), max(1, round(self.page_width * scale)),
                                max(1, round(self.page_height * scale)))
        if first_paint_now is None:
            first_paint_now = document.format not in ("pdf", "dxf", "svg") and \
                self.page_width * self.page_height <= SYNC_FIRST_PAINT_PIXELS
        if first_paint_now:
            image = self.renderer.render_now(request)
            if image is not None:
                self._on_rendered(request, image)
        else:
            self.renderer.request(request)
        self.fit()

    def set_pins(self, pinset: PinSet | None) -> None:
        self.pin_layer.set_pins(pinset)

    def close_document(self) -> None:
        self.renderer.stop()

    # -- zoom -----------------------------------------------------------------------------------
    def scale_factor(self) -> float:
        """Screen pixels per page pixel."""
        return float(self.transform().m11())

    def fit(self) -> None:
        self.fitInView(QRectF(0, 0, self.page_width, self.page_height), Qt.AspectRatioMode.KeepAspectRatio)
        self.pin_layer.fit_scale = self.scale_factor()
        self._view_moved()

    def actual_size(self) -> None:
        centre = self.mapToScene(self.viewport().rect().center())
        self.resetTransform()
        self.centerOn(centre)
        self._view_moved()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        target = self.scale_factor() * factor
        minimum = self.pin_layer.fit_scale * 0.5
        if target > MAX_ZOOM or target < minimum:
            factor = max(minimum, min(MAX_ZOOM, target)) / self.scale_factor()
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        # Keep the page point under ``anchor`` (the cursor, the pinch centre) where it is on screen.
        fixed = self.mapToScene(anchor.toPoint())
        self.scale(factor, factor)
        offset = (anchor - QPointF(self.viewport().rect().center())) / self.scale_factor()
        self.centerOn(fixed - offset)
        self._view_moved()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP**steps, event.position())
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        # Touchpad pinch on Windows and macOS arrives as a native zoom gesture.
        if isinstance(event, QNativeGestureEvent) and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.zoom_by(1.0 + event.value(), event.position())
            return True
        if event.type() == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)  # type: ignore[attr-defined]
            if pinch is not None:
                self.zoom_by(pinch.scaleFactor(), pinch.centerPoint())
                return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_Escape and self.add_mode:
            self.addModeCancelled.emit()
        elif key == Qt.Key.Key_Escape:
            self.set_selection([])
        elif key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10
                                        and event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self._menu_from_keyboard()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        fitted = abs(self.scale_factor() - self.pin_layer.fit_scale) < 1e-6
        super().resizeEvent(event)
        if fitted:
            self.fit()

    # -- level of detail --------------------------------------------------------------------------
    def _view_moved(self, *_args: object) -> None:
        self.viewChanged.emit()
        self._detail_timer.start()

    def visible_region(self) -> Region:
        rect = self.mapToScene(self.viewport().rect()).boundingRect()
        x0 = max(0.0, rect.left() / self.page_width)
        y0 = max(0.0, rect.top() / self.page_height)
        x1 = min(1.0, rect.right() / self.page_width)
        y1 = min(1.0, rect.bottom() / self.page_height)
        return Region(x0, y0, max(x1, x0 + 1e-6), max(y1, y0 + 1e-6))

    def request_detail(self) -> None:
        if self.renderer.document is None or self.base_image is None:
            return
        base_scale = self.base_image.width() / self.page_width
        if self.scale_factor() <= base_scale * 1.05:
            self.detail_item.setVisible(False)  # the base image is sharp enough at this zoom
            return
        region = self.visible_region()
        scale = self.scale_factor() * self.devicePixelRatioF()
        width = max(1, round(region.width * self.page_width * scale))
        height = max(1, round(region.height * self.page_height * scale))
        self.renderer.request(RenderRequest("detail", self.generation, self.page, region, width, height))

    def _on_rendered(self, request: RenderRequest, image: QImage) -> None:
        if request.generation != self.generation:
            return  # rendered for a document or page no longer shown
        pixmap = QPixmap.fromImage(image)
        region = request.region
        item = self.base_item if request.kind == "base" else self.detail_item
        if request.kind == "base":
            self.base_image = image
        item.setPixmap(pixmap)
        item.setPos(region.x0 * self.page_width, region.y0 * self.page_height)
        item.setScale(region.width * self.page_width / max(1, image.width()))
        item.setVisible(True)
        self.viewChanged.emit()

    # -- heat map --------------------------------------------------------------------------------
    def set_heat_map(self, grid: np.ndarray | None) -> None:
        """Show a density grid (rows × columns, 0..1) over the page in warm colours; None hides it."""
        if grid is None or not grid.size:
            self.heat_item.setVisible(False)
            return
        import numpy as np

        rows, columns = grid.shape
        rgba = np.zeros((rows, columns, 4), dtype=np.uint8)
        rgba[..., 0] = 230
        rgba[..., 1] = (120 * (1 - grid)).astype(np.uint8)
        rgba[..., 3] = (170 * np.clip(grid, 0, 1)).astype(np.uint8)
        image = QImage(rgba.tobytes(), columns, rows, columns * 4, QImage.Format.Format_RGBA8888).copy()
        self.heat_item.setPixmap(QPixmap.fromImage(image))
        self.heat_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.heat_item.setScale(self.page_width / columns)
        self.heat_item.setTransform(self.heat_item.transform().scale(1, (self.page_height / rows) /
                                                                     (self.page_width / columns)))
        self.heat_item.setVisible(True)

    # -- pins: selection, adding, dragging --------------------------------------------------------
    def to_normalised(self, scene: QPointF) -> tuple[float, float]:
        return scene.x() / self.page_width, scene.y() / self.page_height

    def set_selection(self, ids: list[str]) -> None:
        self.pin_layer.selected = set(ids)
        self.pin_layer.update()
        self.selectionChanged.emit(sorted(self.pin_layer.selected))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        scene = self.mapToScene(event.position().toPoint())
        hits = self.pin_layer.cluster_at(scene, self.scale_factor())
        self._press = event.position()
        self._pressed_cluster = hits if len(hits) > 1 else []
        if len(hits) == 1:
            pin = hits[0]
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.set_selection(sorted(self.pin_layer.selected ^ {pin}))
            elif pin not in self.pin_layer.selected:
                self.set_selection([pin])
            pins = self.pin_layer.pinset
            self._dragging = {i: (pins.pins[pins.index[i]].x, pins.pins[pins.index[i]].y)
                              for i in self.pin_layer.selected}
            event.accept()
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging and self._press is not None:
            moved = event.position() - self._press
            if abs(moved.x()) + abs(moved.y()) >= DRAG_THRESHOLD_PX:
                dx = moved.x() / self.scale_factor() / self.page_width
                dy = moved.y() / self.scale_factor() / self.page_height
                for pin_id, (x, y) in self._dragging.items():
                    self.pin_layer.pinset.move(pin_id, min(1.0, max(0.0, x + dx)), min(1.0, max(0.0, y + dy)))
                self.pin_layer.update()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        if self._dragging is not None:
            pins = self.pin_layer.pinset
            moves = {pin_id: (old, (pins.pins[pins.index[pin_id]].x, pins.pins[pins.index[pin_id]].y))
                     for pin_id, old in self._dragging.items()}
            self._dragging = None
            moves = {k: v for k, v in moves.items() if v[0] != v[1]}
            if moves:
                self.pinsMoved.emit(moves)
            event.accept()
            return
        if self.dragMode() == QGraphicsView.DragMode.RubberBandDrag:
            area = self.mapToScene(self.rubberBandRect()).boundingRect()
            super().mouseReleaseEvent(event)
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            if area.width() > 0 and area.height() > 0:
                self.set_selection(self.pin_layer.pins_in(area))
            return
        super().mouseReleaseEvent(event)
        event.accept()  # a click on the plan is ours even where no scene item took it
        cluster, self._pressed_cluster = self._pressed_cluster, []
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        moved = event.position() - press
        if abs(moved.x()) + abs(moved.y()) >= DRAG_THRESHOLD_PX:
            return  # that was a pan
        if cluster and not self.add_mode:
            self.open_cluster_menu(cluster, event.position().toPoint())
            return
        x, y = self.to_normalised(self.mapToScene(event.position().toPoint()))
        if self.add_mode and 0 <= x <= 1 and 0 <= y <= 1:
            self.pinAddRequested.emit(x, y)
        else:
            self.set_selection([])

    # -- clusters -------------------------------------------------------------------------------
    def open_cluster_menu(self, ids: list[str], at: QPoint) -> None:
        """List the hazards of a bubble at a viewport point; picking one selects it like its pin."""
        menu = ClusterMenu(self.pin_layer, ids, self)
        self.cluster_menu = menu
        chosen = menu.choose(self.viewport().mapToGlobal(at))
        self.cluster_menu = None
        if chosen is None:
            return
        if chosen == ClusterMenu.ZOOM_IN:
            self.zoom_to_separate(ids)
        else:
            self.set_selection([chosen])

    def zoom_to_separate(self, ids: list[str]) -> None:
        """Zoom on a bubble's centre until its pins stand apart (or as far as the zoom goes)."""
        pins = self.pin_layer.pinset
        rows = [pins.index[i] for i in ids]
        xs, ys = pins.xs[rows] * self.page_width, pins.ys[rows] * self.page_height
        centre = QPointF(float(xs.mean()), float(ys.mean()))
        self.centerOn(centre)
        self.zoom_by(separating_zoom(xs, ys, self.scale_factor()))
        self.centerOn(centre)

    def _menu_from_keyboard(self) -> None:
        # The bubble under the mouse, else the one holding the selected hazard.
        cursor = self.viewport().mapFromGlobal(QCursor.pos())
        ids = self.pin_layer.cluster_at(self.mapToScene(cursor), self.scale_factor()) \
            if self.viewport().rect().contains(cursor) else []
        if len(ids) < 2 and self.pin_layer.selected:
            pins = self.pin_layer.pinset
            first = pins.pins[pins.index[sorted(self.pin_layer.selected)[0]]]
            spot = QPointF(first.x * self.page_width, first.y * self.page_height)
            ids = self.pin_layer.cluster_at(spot, self.scale_factor())
            cursor = self.mapFromScene(spot)
        if len(ids) > 1:
            self.open_cluster_menu(ids, cursor)
        elif len(ids) == 1:
            self.pinMenuRequested.emit(ids[0], self.viewport().mapToGlobal(cursor))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A right click on a pin (or the Menu key): its menu; on a bubble, first which of its pins."""
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            self._menu_from_keyboard()
            event.accept()
            return
        hits = self.pin_layer.cluster_at(self.mapToScene(event.pos()), self.scale_factor())
        if len(hits) > 1:
            self.open_cluster_menu(hits, event.pos())
        elif hits:
            if hits[0] not in self.pin_layer.selected:
                self.set_selection(hits)
            self.pinMenuRequested.emit(hits[0], event.globalPos())
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hits = self.pin_layer.cluster_at(self.mapToScene(event.position().toPoint()), self.scale_factor())
        if len(hits) == 1:
            self.pinActivated.emit(hits[0])
            event.accept()
            return
        super().mouseDoubleClickEvent(event)
