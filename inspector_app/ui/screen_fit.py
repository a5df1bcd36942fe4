"""Keeping pop-ups and dialogs on the screen: a wanted size is shrunk to what the screen has free, and
a wanted position is moved so the whole window (its title bar too) stays inside, on a 1366×768 laptop
as on a large monitor."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TITLE_BAR = 32  # px the window manager adds above a dialog; not part of its geometry


def available_area(widget: QWidget, near: QPoint | None = None) -> QRect:
    screen = (QGuiApplication.screenAt(near) if near is not None else None) or widget.screen() \
        or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(widget: QWidget, wanted: QSize, framed: bool = True) -> QSize:
    area = available_area(widget)
    return QSize(min(wanted.width(), area.width() - 16), min(wanted.height(), area.height() - (TITLE_BAR if framed
                                                                                               else 0) - 16))


def place_on_screen(widget: QWidget, wanted_top_left: QPoint, size: QSize, framed: bool = False) -> QPoint:
    """Where to put ``widget`` of ``size`` so it is wholly on screen, as near ``wanted_top_left`` as can be."""
    area = available_area(widget, wanted_top_left)
    top = area.top() + (TITLE_BAR if framed else 0)
    x = max(area.left(), min(wanted_top_left.x(), area.right() + 1 - size.width()))
    y = max(top, min(wanted_top_left.y(), area.bottom() + 1 - size.height()))
    return QPoint(x, y)


def fit_dialog(dialog: QWidget, wanted: QSize) -> None:
    """Size a dialog to ``wanted`` or what the screen allows, and centre it on its parent's screen."""
    size = fitted_size(dialog, wanted)
    dialog.resize(size)
    parent = dialog.parentWidget()
    centre = parent.window().geometry().center() if parent is not None else available_area(dialog).center()
    dialog.move(place_on_screen(dialog, QPoint(centre.x() - size.width() // 2, centre.y() - size.height() // 2),
                                size, framed=True))
