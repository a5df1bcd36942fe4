"""Keeping pop-ups and dialogs on the screen: a wanted size is shrunk to what the screen has free, and
a wanted position is moved so the whole window (its title bar too) stays inside, on a 1366×768 laptop
as on a large monitor.

Positions are of the window's frame: Qt's move() and pos() of a window include the title bar that the
window manager adds, so a framed window takes its height plus the title bar below the point it is moved
to. Before it is shown the title bar's height is not known (TITLE_BAR stands for it); once shown,
``keep_inside`` corrects with the real frame.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TITLE_BAR = 32  # px the window manager adds above a dialog; not part of its geometry
MARGIN = 8  # px kept free round a fitted window


def available_area(widget: QWidget, near: QPoint | None = None) -> QRect:
    screen = (QGuiApplication.screenAt(near) if near is not None else None) or widget.screen() \
        or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(widget: QWidget, wanted: QSize, framed: bool = True) -> QSize:
    area = available_area(widget)
    return QSize(min(wanted.width(), area.width() - 2 * MARGIN),
                 min(wanted.height(), area.height() - (TITLE_BAR if framed else 0) - 2 * MARGIN))


def place_on_screen(widget: QWidget, wanted_top_left: QPoint, size: QSize, framed: bool = False) -> QPoint:
    """Where to move ``widget`` of ``size`` so it is wholly on screen, as near ``wanted_top_left`` as can
    be; ``framed``: a window whose title bar (above ``size``) must fit too."""
    area = available_area(widget, wanted_top_left)
    height = size.height() + (TITLE_BAR if framed else 0)
    x = max(area.left(), min(wanted_top_left.x(), area.right() + 1 - size.width()))
    y = max(area.top(), min(wanted_top_left.y(), area.bottom() + 1 - height))
    return QPoint(x, y)


def fit_dialog(dialog: QWidget, wanted: QSize) -> None:
    """Size a dialog to ``wanted`` or what the screen allows, centre it on its parent's screen, and keep
    it inside once shown (the window manager's real frame may be taller than TITLE_BAR)."""
    size = fitted_size(dialog, wanted)
    dialog.resize(size)
    parent = dialog.parentWidget()
    centre = parent.window().geometry().center() if parent is not None else available_area(dialog).center()
    dialog.move(place_on_screen(dialog, QPoint(centre.x() - size.width() // 2,
                                               centre.y() - (size.height() + TITLE_BAR) // 2), size, framed=True))
    KeepInside(dialog)


def keep_inside(widget: QWidget) -> None:
    """Shrink and move a shown window whose frame crosses the edge of the screen's free area."""
    area = available_area(widget)
    frame = widget.frameGeometry()
    extra_width, extra_height = frame.width() - widget.width(), frame.height() - widget.height()
    width = min(widget.width(), area.width() - extra_width)
    height = min(widget.height(), area.height() - extra_height)
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    x = max(area.left(), min(frame.x(), area.right() + 1 - width - extra_width))
    y = max(area.top(), min(frame.y(), area.bottom() + 1 - height - extra_height))
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


class KeepInside(QObject):
    """Calls keep_inside on a window each time it has been shown (once the window manager framed it)."""

    SETTLE_MS = 150

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Show:
            QTimer.singleShot(self.SETTLE_MS, self, lambda: keep_inside(self.widget))
        return False
