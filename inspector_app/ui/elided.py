"""A label and a button that show a long text cut with "…" when there is not room for it, instead of
asking the window for the room: a place name of forty characters in the ledger's scope chip made the
main window wider than a 1366-px laptop screen, for good (issue 22).

``text()`` stays the whole text; the whole text is the tooltip while it is cut. They ask for room for
the whole text (sizeHint) but settle for MIN_CHARS characters (minimumSizeHint).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QStyle, QStyleOptionButton, QStylePainter, QWidget

MIN_CHARS = 8


def _narrow(widget: QWidget, hint: QSize, text: str) -> QSize:
    """``hint`` no wider than MIN_CHARS characters of ``text`` (and the widget's own margins)."""
    metrics = widget.fontMetrics()
    room = metrics.horizontalAdvance(text[:MIN_CHARS] + "…")
    whole = metrics.horizontalAdvance(text)
    return QSize(min(hint.width(), max(hint.width() - whole + room, 0)), hint.height())


class ElidedLabel(QLabel):
    """A one-line plain-text label that cuts its text at the end (the count first, the place after)."""

    def __init__(self, parent: QWidget | None = None, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(parent)
        self.mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        return _narrow(self, super().minimumSizeHint(), self.text())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def shown_text(self) -> str:
        return self.fontMetrics().elidedText(self.text(), self.mode, self.contentsRect().width())

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.shown_text() != self.text() else "")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()), self.palette(), self.isEnabled(),
                                  self.shown_text(), self.foregroundRole())


class ElidedButton(QPushButton):
    """A push button that cuts its text at the end, but never ``keep_end`` (the ✕ that says the button
    removes what it names): "Floor: Teaching build…  ✕" still says what kind of filter it is."""

    def __init__(self, parent: QWidget | None = None, keep_end: str = "") -> None:
        super().__init__(parent)
        self.keep_end = keep_end
        self.full_tooltip = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _parts(self) -> tuple[str, str]:
        text = self.text()
        if self.keep_end and text.endswith(self.keep_end):
            return text[:-len(self.keep_end)], self.keep_end
        return text, ""

    def minimumSizeHint(self) -> QSize:
        head, _end = self._parts()
        return _narrow(self, super().sizeHint(), head)

    def setToolTip(self, text: str) -> None:
        self.full_tooltip = text
        self._update_tooltip()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def _option(self) -> tuple[QStyleOptionButton, str]:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        room = self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, self).width()
        head, end = self._parts()
        metrics = self.fontMetrics()
        shown = metrics.elidedText(head, Qt.TextElideMode.ElideRight, room - metrics.horizontalAdvance(end))
        return option, shown + end

    def _update_tooltip(self) -> None:
        shown = self._option()[1]
        cut = self.text() if shown != self.text() else ""
        super().setToolTip("\n".join(part for part in (cut, self.full_tooltip) if part))

    def paintEvent(self, event: QPaintEvent) -> None:
        option, shown = self._option()
        option.text = shown
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_PushButton, option)
