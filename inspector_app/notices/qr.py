"""QR codes for hazards: the URL they carry, the module matrix, and drawing it as vector squares.

A hazard's QR encodes ``{public base URL}/h/{token}`` (DESIGN.md) at error correction M, so a
smudged or partly torn label still scans. The mask is fixed: choosing the best of eight masks costs
~5 ms per code in qrcode (most of a notice page's time budget), and any mask gives a standard code
that every decoder reads; the tests decode every printed code with zxing-cpp to hold us to that.
Modules are drawn as one filled vector path (runs of dark modules merged), so the code stays sharp
at any print size and adds little to the PDF; the 4-module quiet zone is left white around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

QUIET_ZONE_MODULES = 4
FIXED_MASK = 2  # any of 0..7 is valid; 2 (columns) was as quick and decoded every test URL
MIN_PRINT_SIZE = 20 * mm  # smaller codes are hard for phones held at arm's length


def hazard_url(base_url: str, token: str) -> str:
    """The public status URL of a hazard; the token, never the database id (DESIGN.md)."""
    return f"{base_url.rstrip('/')}/h/{token}"


@lru_cache(maxsize=2048)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The dark/light modules of the code, without the quiet zone (cached: reprints are common)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=FIXED_MASK)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(bool(v) for v in row) for row in code.get_matrix())


def draw_qr(canvas: Canvas, matrix: Sequence[Sequence[bool]], x: float, y: float, size: float) -> None:
    """Draw the code so that it *including* its quiet zone fills the square (x, y, size) in points."""
    count = len(matrix)
    module = size / (count + 2 * QUIET_ZONE_MODULES)
    origin_x = x + QUIET_ZONE_MODULES * module
    top = y + size - QUIET_ZONE_MODULES * module
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            # A hair of overlap between rows hides anti-aliasing seams in screen renders.
            path.rect(origin_x + start * module, top - (r + 1) * module - 0.01, (c - start) * module, module + 0.02)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):
    """A QR code (with its quiet zone) as a square flowable, for tables laid out by platypus."""

    def __init__(self, data: str, size: float = MIN_PRINT_SIZE) -> None:
        super().__init__()
        self.matrix = qr_matrix(data)
        self.size = size
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.matrix, 0, 0, self.size)
