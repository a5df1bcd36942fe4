"""The QR label sheet: small labels on A4 in a configurable grid (3 × 8 fits the common 70 × 37 mm
sheets), one per chosen hazard, to stick next to the hazard itself.

Each label carries the QR (never smaller than 20 mm, or phones struggle), the hazard number, its
category, the deadline and the short code for the program's scan box (named as such). A grid too dense for a 20 mm code
is refused rather than printed unreadable.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _
from inspector_app.notices import layout as L
from inspector_app.notices.facts import HazardFacts
from inspector_app.notices.fonts import cjk_font
from inspector_app.notices.notice_pdf import Progress, lookup_code, new_plain_canvas
from inspector_app.notices.qr import MIN_PRINT_SIZE, draw_qr, qr_matrix

PADDING = 3 * mm


def parse_grid(value: str) -> tuple[int, int]:
    """'3x8' -> (3 columns, 8 rows)."""
    match = re.fullmatch(r"\s*(\d+)\s*[x×X*]\s*(\d+)\s*", value)
    if not match or not (0 < int(match[1]) <= 10 and 0 < int(match[2]) <= 20):
        raise InspectorError(_("A grid is columns x rows, e.g. 3x8; got '{value}'.").format(value=value))
    return int(match[1]), int(match[2])


def labels_pdf(facts: Sequence[HazardFacts], grid: tuple[int, int] = (3, 8), progress: Progress | None = None,
               today: dt.date | None = None) -> bytes:
    columns, rows = grid
    cell_w, cell_h = L.PAGE_W / columns, L.PAGE_H / rows
    qr_size = min(cell_h - 2 * PADDING, cell_w * 0.5)
    if qr_size < MIN_PRINT_SIZE:
        raise InspectorError(_("A {columns}x{rows} grid leaves room for a {size:.0f} mm QR code; at least 20 mm is "
                               "needed for phones to scan it. Choose fewer labels per page.").format(
            columns=columns, rows=rows, size=qr_size / mm))
    if not facts:
        raise InspectorError(_("There is no hazard to print a label for."))
    out = io.BytesIO()
    canvas = new_plain_canvas(out)
    canvas.setTitle(_("QR labels"))
    per_page = columns * rows
    font = cjk_font().name
    for index, f in enumerate(facts):
        slot = index % per_page
        if index and slot == 0:
            canvas.showPage()
        x = (slot % columns) * cell_w
        top = (slot // columns) * cell_h
        # A faint outline to cut along when the labels are printed on plain paper.
        canvas.saveState()
        canvas.setStrokeColorRGB(0.8, 0.8, 0.8)
        canvas.setLineWidth(0.3)
        canvas.rect(x, L.PAGE_H - top - cell_h, cell_w, cell_h, stroke=1, fill=0)
        canvas.restoreState()
        draw_qr(canvas, qr_matrix(f.url), x + PADDING, L.PAGE_H - top - (cell_h + qr_size) / 2, qr_size)
        tx = x + PADDING + qr_size + 1.5 * mm
        width = cell_w - (tx - x) - PADDING
        ty = top + (cell_h - qr_size) / 2 + 4.5 * mm
        L.text(canvas, tx, ty, f.number, size=11)
        ty += 1.5 * mm
        ty += L.draw_para(canvas, L.para(f.category, L.style(7.5, leading=9)), tx, ty, width)
        deadline = f.deadline.isoformat() if f.deadline else "—"  # the short form fits a small label
        lines = [_("Deadline: {date}").format(date=deadline), lookup_code(f.short_code)]
        for line in lines:
            ty += 3.8 * mm
            canvas.setFont(font, 7.5)
            L.text(canvas, tx, ty, _fit(canvas, line, font, 7.5, width), size=7.5)
        if progress is not None and not progress(index + 1, len(facts)):
            raise InspectorError(_("Cancelled."))
    canvas.save()
    return out.getvalue()


def _fit(canvas: Canvas, value: str, font: str, size: float, width: float) -> str:
    while value and canvas.stringWidth(value, font, size) > width:
        value = value[:-2] + "…"
    return value
