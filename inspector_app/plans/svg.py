"""SVG plans through QtSvg — this module needs QtGui/QtSvg and a QGuiApplication.

QSvgRenderer is used because it ships with PySide6-Essentials (no extra native library). Two
things are done first so real CAD exports render as a person would expect:

* ``<clipPath>``, ``<symbol>``, ``<mask>``, ``<marker>`` and gradients written outside ``<defs>``
  (FloorPlanCAD exports do this) are moved into ``<defs>``. QtSvg otherwise draws a clipPath's
  rectangle as an ordinary black-filled shape over the whole plan — the "renders mostly black" bug.
* QtSvg's parser warnings (unsupported mesh gradients, nested ``<svg>``) are captured into
  ``document.warnings`` instead of reaching Qt's log, where tests treat warnings as failures.

Without a display, call with ``QT_QPA_PLATFORM=offscreen``; :func:`ensure_gui_application` picks it
on Linux when no display is set, so the CLI works on a headless machine.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from inspector_app.i18n import _
from inspector_app.plans.document import CSS_DPI, PageInfo, PlanDocument, Region
from inspector_app.plans.errors import PlanError
from inspector_app.plans.svg_screen import parse_screened, read_svg_bytes

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that only define things; drawn in place they paint over the plan.
DEFINITION_TAGS = frozenset(
    {"clipPath", "symbol", "mask", "marker", "linearGradient", "radialGradient", "pattern", "filter"}
)
_UNITS_TO_PX = {"px": 1.0, "pt": CSS_DPI / 72, "pc": CSS_DPI / 6, "mm": CSS_DPI / 25.4,
                "cm": CSS_DPI / 2.54, "in": CSS_DPI, "": 1.0}

_app_lock = threading.Lock()
_app: object = None  # the QGuiApplication made here, kept alive for the whole process
_message_lock = threading.Lock()


def ensure_gui_application() -> None:
    """QtSvg draws text and images through QtGui, which needs a QGuiApplication to exist."""
    from PySide6.QtGui import QGuiApplication

    with _app_lock:
        if QGuiApplication.instance() is None:
            headless = sys.platform.startswith("linux") and not (
                os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
            if headless:
                os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            # Kept referenced by Qt itself; a module-level variable keeps it alive for the process.
            global _app
            _app = QGuiApplication([sys.argv[0] if sys.argv else "inspector-app"])


@contextmanager
def _captured_svg_messages(into: list[str]) -> Iterator[None]:
    """Route qt.svg log messages into ``into``; everything else goes to the previous handler."""
    from PySide6.QtCore import qInstallMessageHandler

    with _message_lock:
        previous = None

        def handler(mode, context, message):
            if context.category == "qt.svg":
                into.append(message)
            elif previous is not None:
                previous(mode, context, message)

        previous = qInstallMessageHandler(handler)
        try:
            yield
        finally:
            qInstallMessageHandler(previous)


def sanitise_svg(data: bytes) -> bytes:
    """Move definition elements into <defs> so QtSvg does not draw them (see module docstring)."""
    _register_namespaces(data)
    return _sanitised(ET.fromstring(data), changed=False) or data


def _sanitised(root: ET.Element, changed: bool) -> bytes | None:
    """Move definition elements of a parsed SVG into <defs>; its bytes, or None if nothing changed."""
    defs_tag = f"{{{SVG_NS}}}defs"
    for parent in list(root.iter()):
        if parent.tag == defs_tag:
            continue
        for index, child in enumerate(list(parent)):
            local = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if local in DEFINITION_TAGS and parent.tag != defs_tag:
                defs = ET.Element(defs_tag)
                parent.remove(child)
                defs.append(child)
                parent.insert(index, defs)
                changed = True
    return ET.tostring(root, encoding="utf-8") if changed else None


def _register_namespaces(data: bytes) -> None:
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    for prefix, uri in re.findall(rb'xmlns:([A-Za-z_][\w.-]*)="([^"]+)"', data[:65536]):
        try:
            ET.register_namespace(prefix.decode(), uri.decode())
        except ValueError:
            continue


def _length_px(value: str | None) -> float | None:
    if not value:
        return None
    match = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([a-z%]*)\s*", value)
    if not match or match.group(2) == "%":
        return None
    try:
        return float(match.group(1)) * _UNITS_TO_PX.get(match.group(2), 1.0)
    except ValueError:
        return None


class SvgPlanDocument(PlanDocument):
    """A one-page SVG plan. Sizes are CSS pixels (96 dpi)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path=path, format="svg")
        data = read_svg_bytes(path)
        root, stripped = parse_screened(path, data, self.warnings)
        _register_namespaces(data)
        cleaned = _sanitised(root, changed=stripped) or data
        ensure_gui_application()
        from PySide6.QtCore import QByteArray
        from PySide6.QtSvg import QSvgRenderer

        with _captured_svg_messages(self.warnings):
            self._renderer = QSvgRenderer(QByteArray(cleaned))
        if not self._renderer.isValid():
            raise PlanError(path, _("QtSvg cannot read this SVG"))
        view = self._renderer.viewBoxF()
        width = _length_px(root.get("width"))
        height = _length_px(root.get("height"))
        if not (width and height):
            width, height = view.width(), view.height()
        if not (width and height and width > 0 and height > 0):
            raise PlanError(path, _("the SVG has no size (no width/height or viewBox)"))
        self.pages.append(PageInfo(
            width=width, height=height, units="px",
            width_px=max(1, round(width)), height_px=max(1, round(height)),
            label=_("Page {n}").format(n=1), scale=1.0,
        ))

    def _render(self, page: int, region: Region, width: int, height: int) -> Image.Image:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QColor, QImage, QPainter

        image = QImage(width, height, QImage.Format.Format_RGB888)
        image.fill(QColor("white"))
        # Map the region of the viewBox onto the whole output: render the full viewBox into a
        # target rectangle scaled up so that the region lands exactly on the image.
        target = QRectF(
            -region.x0 / region.width * width,
            -region.y0 / region.height * height,
            width / region.width,
            height / region.height,
        )
        with self._lock:
            painter = QPainter(image)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                with _captured_svg_messages(self.warnings):
                    self._renderer.render(painter, target)
            finally:
                painter.end()
        stride = image.bytesPerLine()
        return Image.frombuffer("RGB", (width, height), bytes(image.constBits()), "raw", "RGB", stride, 1)
