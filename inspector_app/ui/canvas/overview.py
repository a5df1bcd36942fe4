"""The overview map: the whole page small, with the part shown in the canvas outlined; clicking or
dragging in it moves the canvas there. It floats over the plan and shows itself only when zoomed in."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from inspector_app.ui.canvas.plan_view import PlanView

WHOLE = 0.995  # a visible share of the page this close to 1 counts as the whole page


class OverviewMap(QWidget):
    def __init__(self, view: PlanView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setFixedSize(180, 124)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.active = False  # set by the owner while a plan is open
        view.viewChanged.connect(self.follow)

    def set_active(self, active: bool) -> None:
        self.active = active
        self.follow()

    def follow(self) -> None:
        """Show only while part of the page is out of sight: at fit it would just cover a corner of the plan."""
        region = self.view.visible_region()
        self.setVisible(self.active and (region.width < WHOLE or region.height < WHOLE))
        self.update()

    def _page_rect(self) -> QRectF:
        width, height = self.view.page_width, self.view.page_height
        scale = min((self.width() - 4) / width, (self.height() - 4) / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(238, 238, 238, 230))  # floats over the plan: a little see-through
        painter.setPen(QPen(QColor("#9e9e9e"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        page = self._page_rect()
        if self.view.base_image is not None:
            painter.drawImage(page, self.view.base_image)
        region = self.view.visible_region()
        outline = QRectF(page.left() + region.x0 * page.width(), page.top() + region.y0 * page.height(),
                         region.width * page.width(), region.height * page.height())
        painter.setPen(QPen(QColor("#d32f2f"), 2))
        painter.drawRect(outline)

    def _go(self, position: QPointF) -> None:
        page = self._page_rect()
        x = (position.x() - page.left()) / page.width() * self.view.page_width
        y = (position.y() - page.top()) / page.height() * self.view.page_height
        self.view.centerOn(x, y)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._go(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event.position())
