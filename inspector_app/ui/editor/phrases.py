"""The category's quick phrases under the description: buttons that add a ready-made sentence.

Two side by side when each fits in half the width (Chinese, mostly), else one per row; a long
phrase is shortened on its button (the whole text is in the tooltip) so the dock never grows for it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

TOUCH = 40  # px, as everywhere in the editor


class PhraseButton(QPushButton):
    """A quick-phrase button that shortens a long phrase to its width (the whole text is in the
    tooltip), so the dock never has to grow for a phrase."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.full_text = text
        self.setMinimumHeight(TOUCH)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setText(text)
        self.setStyleSheet("QPushButton:disabled { color: #999; }")  # a phrase already used reads as such

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, self.width() - 16))


class PhraseGrid(QWidget):
    """The quick phrases: two side by side when each fits in half the width (Chinese, mostly),
    else one per row, so a phrase is never cut so short that it cannot be read."""

    def __init__(self) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        self.buttons: list[PhraseButton] = []
        self.columns = 0

    def set_buttons(self, buttons: list[PhraseButton]) -> None:
        for old in self.buttons:
            self.grid.removeWidget(old)
            old.deleteLater()
        self.buttons = buttons
        self.columns = 0
        self._place()

    def _place(self) -> None:
        half = (self.width() - self.grid.spacing()) // 2 - 20
        columns = 2 if all(b.fontMetrics().horizontalAdvance(b.full_text) <= half for b in self.buttons) else 1
        if columns == self.columns:
            return
        self.columns = columns
        for button in self.buttons:
            self.grid.removeWidget(button)
        for position, button in enumerate(self.buttons):
            self.grid.addWidget(button, position // columns, position % columns)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place()
