"""The start screen: a small window shown the moment Qt is up, while the main window's modules load
and the ledger opens (a second or more on a slow laptop), so that a double-click is answered at once.

A plain frameless widget rather than QSplashScreen: QSplashScreen.show() waits up to a second for the
window system to report the window exposed (measured: 1.0 s on Xvfb and on the offscreen platform),
which is the very wait a start screen is there to hide.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

from inspector_app.i18n import _

WIDTH, HEIGHT = 440, 150


class StartScreen(QWidget):
    def __init__(self, app: QApplication) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("start_screen")
        self.setFixedSize(WIDTH, HEIGHT)
        self.setWindowTitle(_("Fire-Risk Inspector"))
        self.title_font = QFont(app.font())
        self.title_font.setPointSizeF(self.title_font.pointSizeF() * 1.8)
        self.title_font.setBold(True)
        screen = app.primaryScreen()
        if screen is not None:
            self.move(screen.availableGeometry().center() - self.rect().center())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#b3261e"))  # the fire-safety red of the notices' heading
        painter.setPen(QColor("white"))
        painter.setFont(self.title_font)
        painter.drawText(24, 20, WIDTH - 48, 60, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         _("Fire-Risk Inspector"))
        painter.setFont(self.font())
        painter.drawText(24, HEIGHT - 56, WIDTH - 48, 32, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         _("Opening the ledger…"))
        painter.end()

    def finish(self) -> None:
        """Leave: the main window is up, or the program ends before it."""
        self.close()
        self.deleteLater()


def show_start_screen(app: QApplication) -> StartScreen:
    screen = StartScreen(app)
    screen.show()
    app.processEvents()  # painted now, before the long imports
    return screen
