"""The popup of a bubble of overlapping pins: one entry per hazard as its pin shows it, and "Zoom in".

Also how far to zoom so that a bubble's pins stand apart on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QIcon, QPixmap
from PySide6.QtWidgets import QMenu, QWidget

from inspector_app.core.workflow import status_label
from inspector_app.i18n import _, ngettext
from inspector_app.ui.canvas.pins import OVERLAP_X, PinLayer

if TYPE_CHECKING:
    import numpy as np  # imported where used: not at the start (ui/canvas/pins.py)

MAX_MENU_PINS = 15  # a longer list is harder to read than zooming in


class ClusterMenu(QMenu):
    ZOOM_IN = "\0zoom-in"  # not a hazard id

    def __init__(self, layer: PinLayer, ids: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pins = layer.pinset
        for pin_id in ids[:MAX_MENU_PINS]:
            pin = pins.pins[pins.index[pin_id]]
            text = _("{number}  {category} · {status}").format(
                number=pin.label, category=pin.title or pin.category, status=status_label(pin.status))
            action = self.addAction(QIcon(QPixmap.fromImage(layer.sprite_for(pin_id))), text)
            action.setData(pin_id)
        hidden = len(ids) - MAX_MENU_PINS
        if hidden > 0:
            more = self.addAction(ngettext("… and {count} more: zoom in to see it",
                                           "… and {count} more: zoom in to see them", hidden).format(count=hidden))
            more.setEnabled(False)
        self.addSeparator()
        zoom = self.addAction(_("&Zoom in here"))
        zoom.setData(self.ZOOM_IN)

    def choose(self, at: QPoint) -> str | None:
        """Show the menu at a global point: the chosen hazard id, ZOOM_IN, or None when dismissed."""
        chosen: QAction | None = self.exec(at)
        return str(chosen.data()) if chosen is not None else None


def separating_zoom(xs: np.ndarray, ys: np.ndarray, scale: float) -> float:
    """Zoom factor after which the closest two of these page points are a marker apart on screen.

    Pins on the very same spot never separate: then zoom a fixed step, the menu still lists them.
    """
    if len(xs) > 500:  # pairwise distances would cost too much; a step closer is as good
        return 2.0
    import numpy as np

    distance = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :])
    distance[np.diag_indices(len(xs))] = np.inf
    closest = float(distance.min()) * scale
    if closest <= 1e-6:
        return 4.0
    return float(min(64.0, max(1.5, 1.2 * OVERLAP_X / closest)))
