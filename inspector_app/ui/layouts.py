"""Emptying a layout whose widgets are made anew each time it is shown (photo tiles, a rule's
questions, a category's phrases): each widget is taken out, hidden at once and deleted when Qt gets
round to it, so nothing of the old content shows meanwhile."""

from __future__ import annotations

from PySide6.QtWidgets import QLayout


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()
