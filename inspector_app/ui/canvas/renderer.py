"""Rendering plan regions off the GUI thread.

One worker thread renders at a time (PDFium is not thread-safe, and two cores are all we have);
only the newest request of each kind is rendered, older ones are dropped, so fast zooming never
queues up stale work. Results come back as QImages through a queued signal.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QImage

from inspector_app.plans import PlanDocument, PlanError, Region

if TYPE_CHECKING:
    from PIL import Image  # no image exists before a plan is opened, long after the start


@dataclass(frozen=True)
class RenderRequest:
    kind: str  # "base" (the whole page, coarse) or "detail" (the visible region at screen size)
    generation: int
    page: int
    region: Region
    width: int
    height: int


def to_qimage(image: Image.Image) -> QImage:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    qimage = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return qimage.copy()  # own the pixels: ``data`` goes away with this frame


class PlanRenderer(QObject):
    rendered = Signal(object, QImage)  # RenderRequest, image
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document: PlanDocument | None = None
        self._pending: dict[str, RenderRequest] = {}
        self._condition = threading.Condition()
        self._stopping = False
        self._thread = _Worker(self)
        self._thread.start()

    def set_document(self, document: PlanDocument | None) -> None:
        with self._condition:
            self._document = document
            self._pending.clear()

    @property
    def document(self) -> PlanDocument | None:
        return self._document

    def request(self, request: RenderRequest) -> None:
        with self._condition:
            self._pending[request.kind] = request  # a newer request of a kind replaces the older one
            self._condition.notify()

    def render_now(self, request: RenderRequest) -> QImage | None:
        """Render in the calling thread (tests, the first paint of a small plan)."""
        document = self._document
        if document is None:
            return None
        return to_qimage(document.render_region(request.page, request.region, request.width, request.height))

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify()
        self._thread.wait(5000)

    def _next(self) -> tuple[PlanDocument, RenderRequest] | None:
        with self._condition:
            while not self._stopping and (not self._pending or self._document is None):
                self._condition.wait()
            if self._stopping:
                return None
            # The coarse base first: it is what the user sees while details come in.
            kind = "base" if "base" in self._pending else next(iter(self._pending))
            assert self._document is not None
            return self._document, self._pending.pop(kind)


class _Worker(QThread):
    def __init__(self, renderer: PlanRenderer) -> None:
        super().__init__()
        self.renderer = renderer

    def run(self) -> None:
        while True:
            job = self.renderer._next()
            if job is None:
                return
            document, request = job
            try:
                image = document.render_region(request.page, request.region, request.width, request.height)
            except PlanError as exc:
                self.renderer.failed.emit(str(exc))
                continue
            self.renderer.rendered.emit(request, to_qimage(image))
