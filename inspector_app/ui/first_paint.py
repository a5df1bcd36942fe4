"""Running work once a widget has been painted for the first time: what the first screen does not show
(asking the system for cameras, the last floor's plan) waits until the window is on screen.

A zero timer started while the window is built does not wait for that: it runs as soon as the event
loop starts, before the window system got its first frame.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls ``then`` once, just after ``widget`` has been painted for the first time."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self.widget, self.then = widget, then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Paint:
            self.widget.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
            self.deleteLater()
        return False
