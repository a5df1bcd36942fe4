"""The start screen: a small window shown the moment Qt is up, while the main window's modules load
and the ledger opens (a second or more on a slow laptop), so that a double-click is answered at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QSplashScreen

from inspector_app.i18n import _

WIDTH, HEIGHT = 440, 150


def show_start_screen(app: QApplication) -> QSplashScreen:
    pixmap = QPixmap(WIDTH, HEIGHT)
    pixmap.fill(QColor("#b3261e"))  # the fire-safety red of the notices' heading
    painter = QPainter(pixmap)
    painter.setPen(QColor("white"))
    title = QFont(app.font())
    title.setPointSizeF(title.pointSizeF() * 1.8)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(24, 20, WIDTH - 48, 60, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     _("Fire-Risk Inspector"))
    painter.setFont(app.font())
    painter.drawText(24, HEIGHT - 56, WIDTH - 48, 32, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     _("Opening the ledger…"))
    painter.end()
    screen = QSplashScreen(pixmap)
    screen.setObjectName("start_screen")
    screen.show()
    app.processEvents()  # painted now, before the long imports
    return screen
