"""The frame of the flowing official documents built with platypus (the supervision notice 督办通知书,
the major-hazard determination record): the page template on the official margins, the red title with
the document's number under it, a running header on every page after the first, the footer, and the
ruled table their bodies are set in; and the seal with the receipt stub that ends a notice (the
rectification notice's and the supervision notice's). The rectification notice draws its own pages
(notice_pdf.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, TableStyle

from inspector_app.i18n import _
from inspector_app.notices import layout as L
from inspector_app.notices.fonts import cjk_font

RED = (0.75, 0.05, 0.05)


def document(out: IO[bytes], title: str) -> SimpleDocTemplate:
    """A platypus document on the official margins, its metadata title ``title``."""
    return SimpleDocTemplate(out, pagesize=(L.PAGE_W, L.PAGE_H), leftMargin=L.LEFT, rightMargin=L.PAGE_W - L.RIGHT,
                             topMargin=L.TOP, bottomMargin=L.PAGE_H - L.BOTTOM, title=title,
                             creator="Fire-Risk Inspector", initialFontName=cjk_font().name)


class RedHeading(Flowable):
    """The title in red across the text block and the document's number under it at the right, on
    the first page. English titles are longer: a smaller size keeps them on one line."""

    def __init__(self, title: str, number_text: str, *, title_top: float = 14 * mm, number_top: float = 6 * mm,
                 english_size: float = 18, number_size: float = 11) -> None:
        super().__init__()
        self.title, self.number_text = title, number_text
        self.title_top, self.number_top = title_top, number_top
        self.english_size, self.number_size = english_size, number_size
        self.width, self.height = L.BLOCK_W, 20 * mm

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColorRGB(*RED)
        c.setFont(cjk_font().name, 22 if L.is_chinese() else self.english_size)
        c.drawCentredString(L.BLOCK_W / 2, self.title_top, self.title)
        c.restoreState()
        c.setFont(cjk_font().name, self.number_size)
        c.drawRightString(L.BLOCK_W, self.number_top, self.number_text)


def running_furniture(left: str, right: str, footer: Callable[[int, int], str]) -> Callable[[Canvas, int, int], None]:
    """What every page carries (for L.numbered_canvas): after the first page a header with ``left``
    and ``right`` over a rule, so a loose sheet still says what it belongs to; on every page the
    footer ``footer(page, pages)`` centred under the text block."""

    def furniture(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        if page > 1:
            L.text(canvas, L.LEFT, L.TOP - 8 * mm, left, size=9)
            L.text(canvas, L.RIGHT, L.TOP - 8 * mm, right, size=9, align="right")
            L.hline(canvas, L.LEFT, L.RIGHT, L.TOP - 6.5 * mm, width=0.4)
        L.text(canvas, L.LEFT + L.BLOCK_W / 2, L.BOTTOM + 12 * mm, footer(page, pages), size=9, align="center")
        canvas.restoreState()

    return furniture


def ruled_table(shaded: tuple[tuple[int, int], tuple[int, int]], padding: float) -> TableStyle:
    """Ruled cells in the document's font (a table's own is Helvetica, never embedded), contents
    centred vertically, the cells from ``shaded[0]`` to ``shaded[1]`` on grey (a header row, a label
    column)."""
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),
        ("BACKGROUND", shaded[0], shaded[1], colors.Color(0.94, 0.94, 0.94)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]
    return TableStyle(commands)


class SealAndReceipt(Flowable):
    """What ends a notice, kept on one page: a signature line for the inspectors (when it has one),
    the issuer's seal and date at the right, then the receipt stub with ``statement``."""

    def __init__(self, issuer: str, issued: dt.date, statement: str, inspectors_sign: bool) -> None:
        super().__init__()
        self.issuer, self.issued, self.statement, self.inspectors_sign = issuer, issued, statement, inspectors_sign
        self.width, self.height = L.BLOCK_W, 14 * mm + L.STUB_H

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        # The layout helpers measure from the page top: shift so that their "top" is ours.
        c.translate(-L.LEFT, self.height - L.PAGE_H)
        y = 6 * mm
        if self.inspectors_sign:
            L.signature_line(c, L.LEFT, y, _("Inspectors (signature):"), 48 * mm)
        L.text(c, L.RIGHT, y, _("{issuer} (seal)").format(issuer=self.issuer), align="right")
        L.text(c, L.RIGHT, y + 7 * mm, L.long_date(self.issued), align="right")
        L.receipt_stub(c, y + 14 * mm, self.statement)
        c.restoreState()
