"""Shared page furniture of the printed documents: margins, type styles, dates, text boxes,
signature lines, the receipt stub (回执), column widths that keep numbers and dates whole, and a
canvas that numbers pages "N of M", so every document looks like it came from one office.

Margins follow the official document layout (top 37 mm, left 28 mm, text block 156 × 225 mm on
A4; DOMAIN-NOTES.md). Text wraps between any two Chinese characters, at spaces and at hyphens, but
never inside a Latin word or a number (notices/wrapping.py). Coordinates passed around here are in
points, measured from the page top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from inspector_app.i18n import _, current_language
from inspector_app.notices.fonts import cjk_font
from inspector_app.notices.wrapping import WordParagraph

PAGE_W, PAGE_H = A4
TOP, LEFT = 37 * mm, 28 * mm
BLOCK_W, BLOCK_H = 156 * mm, 225 * mm
RIGHT = LEFT + BLOCK_W
BOTTOM = TOP + BLOCK_H  # from the page top
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def is_chinese() -> bool:
    return current_language().startswith("zh")


def long_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    if is_chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def blank_date() -> str:
    return "　　　年　　月　　日" if is_chinese() else "____ / ____ / ________"


def style(size: float = 10.5, leading: float | None = None, align: int = TA_LEFT, indent: float = 0) -> ParagraphStyle:
    # One line breaking for both languages (notices.wrapping): between any two Chinese characters, at
    # spaces and at a word's own hyphens, never inside a Latin word or a number unless it alone is wider
    # than its line. reportlab's English wrapping cut a Chinese name, or "Office，编号", anywhere.
    return ParagraphStyle(
        name=f"s{size}-{align}-{indent}", fontName=cjk_font().name, fontSize=size,
        leading=leading or size * 1.45, alignment=align, firstLineIndent=indent, wordWrap="CJK",
    )


def para(text: str, st: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: descriptions may contain < or &); newlines kept."""
    return WordParagraph(escape(text).replace("\n", "<br/>"), st)


def markup_para(markup: str, st: ParagraphStyle) -> Paragraph:
    """A paragraph of reportlab markup (its texts escaped by the caller), wrapped as ``para`` is."""
    return WordParagraph(markup, st)


def draw_para(canvas: Canvas, p: Paragraph, x: float, top: float, width: float) -> float:
    """Draw a paragraph whose top edge is `top` points below the page top; returns its height."""
    _w, h = p.wrapOn(canvas, width, PAGE_H)
    p.drawOn(canvas, x, PAGE_H - top - h)
    return float(h)


def text(canvas: Canvas, x: float, top: float, value: str, size: float = 10.5, align: str = "left") -> None:
    """One line of text whose baseline is `top` points below the page top."""
    canvas.setFont(cjk_font().name, size)
    y = PAGE_H - top
    if align == "center":
        canvas.drawCentredString(x, y, value)
    elif align == "right":
        canvas.drawRightString(x, y, value)
    else:
        canvas.drawString(x, y, value)


def hline(canvas: Canvas, x0: float, x1: float, top: float, width: float = 0.6, dash: bool = False) -> None:
    canvas.saveState()
    canvas.setLineWidth(width)
    if dash:
        canvas.setDash(4, 3)
    canvas.line(x0, PAGE_H - top, x1, PAGE_H - top)
    canvas.restoreState()


def title(canvas: Canvas, value: str, top: float) -> None:
    """The document's title, centred over the text block, red as on official documents."""
    canvas.saveState()
    canvas.setFillColorRGB(0.75, 0.05, 0.05)
    text(canvas, LEFT + BLOCK_W / 2, top, value, size=22 if is_chinese() else 18, align="center")
    canvas.restoreState()


def signature_line(canvas: Canvas, x: float, top: float, label: str, length: float = 40 * mm) -> float:
    """A label followed by a line to sign on; returns the x where the line ends."""
    canvas.setFont(cjk_font().name, 10.5)
    width = canvas.stringWidth(label, cjk_font().name, 10.5)
    text(canvas, x, top, label)
    hline(canvas, x + width + 1 * mm, x + width + 1 * mm + length, top + 1.2 * mm, width=0.5)
    return x + width + 1 * mm + length


STUB_H = 34 * mm  # the receipt stub's height, cut line included


def receipt_stub(canvas: Canvas, top: float, statement: str) -> None:
    """The receipt (回执) below a dashed cut line, signed by the recipient and returned."""
    hline(canvas, LEFT - 10 * mm, RIGHT + 10 * mm, top, width=0.5, dash=True)
    canvas.saveState()
    canvas.setFillColorRGB(0.4, 0.4, 0.4)
    text(canvas, RIGHT, top + 3.5 * mm, _("Cut along this line and return the receipt"), size=7.5, align="right")
    canvas.restoreState()
    y = top + 9 * mm
    text(canvas, LEFT + BLOCK_W / 2, y, _("Receipt"), size=13, align="center")
    y += 3 * mm
    y += draw_para(canvas, para(statement, style(10, indent=20 if is_chinese() else 0)), LEFT, y, BLOCK_W)
    y += 8 * mm
    end = signature_line(canvas, LEFT, y, _("Received by (signature):"), 36 * mm)
    text(canvas, end + 8 * mm, y, _("Date received:") + " " + blank_date())


def escape_text(value: str) -> str:
    return escape(value)


CENTER = TA_CENTER


def text_width(value: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(value, cjk_font().name, size))


def column_widths(columns: Sequence[tuple[Sequence[str], float, float]], total: float, padding: float) -> list[float]:
    """Widths that sum to `total`: each column (texts that must not break, size, weight) is at least
    as wide as its widest unbreakable text; what is left goes to the columns by weight, so numbers,
    dates and short words never wrap while descriptions take the room."""
    needed = [max((text_width(t, size) for t in texts), default=0.0) + 2 * padding + 1 for texts, size, _w in columns]
    weights = [weight for _t, _s, weight in columns]
    spare = total - sum(needed)
    if spare <= 0 or not any(weights):
        scale = total / sum(needed)
        return [n * scale for n in needed]
    return [n + spare * w / sum(weights) for n, w in zip(needed, weights, strict=True)]


def numbered_canvas(furniture: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas class for platypus that draws `furniture(canvas, page, pages)` on every page once
    the total is known (pages are kept until save, then each is finished with its furniture)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                furniture(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def page_of(page: int, pages: int) -> str:
    return _("Page {page} of {pages}").format(page=page, pages=pages)


def printed_footer(text: str, margin: float, page_width: float) -> Callable[[Canvas, int, int], None]:
    """The footer of a printed list (the ledger, the day's list), for numbered_canvas: ``text`` at
    the left and "page N of M" in the middle, small, under the bottom margin."""

    def furniture(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont(cjk_font().name, 8)
        canvas.drawString(margin, margin - 6 * mm, text)
        canvas.drawCentredString(page_width / 2, margin - 6 * mm, page_of(page, pages))
        canvas.restoreState()

    return furniture
