"""The ledger (台账) as a landscape A4 PDF for the principal's review: a title with the unit and the
date, counts by status, the hazards in ledger order with header rows repeated on every page,
"page N of M" with the unit and date on every page, and signature lines for whoever filled it in,
the safety officer and the principal.

Rows come from exports.ledger_table, the same lines the XLSX and CSV are made of, so the three
exports never disagree.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from inspector_app.core.notice_register import today as issue_day
from inspector_app.exports.ledger_table import LedgerLine, display
from inspector_app.i18n import N_, _
from inspector_app.notices import layout as L
from inspector_app.notices.fonts import cjk_font
from inspector_app.notices.wrapping import unbreakable_words

# key of a LedgerLine value (several joined with a line break), header, share of the spare width.
# Columns of weight 0 hold numbers, dates and short words: exactly as wide as their widest value.
PDF_COLUMNS: tuple[tuple[tuple[str, ...], str, float], ...] = (
    (("number",), N_("Number"), 0), (("found",), N_("Date found"), 0), (("place",), N_("Location"), 3),
    (("category",), N_("Category"), 3), (("description",), N_("Description"), 5), (("severity",), N_("Level"), 0),
    (("measures",), N_("Rectification measures"), 5), (("unit", "person"), N_("Responsible"), 2),
    (("deadline",), N_("Deadline"), 0), (("status", "supervision"), N_("Status"), 0),
    (("rectification",), N_("Rectification and notes"), 3), (("closed",), N_("Date closed"), 0),
)
CELL_SIZE, HEAD_SIZE, PADDING = 8.0, 8.5, 1.2 * mm
PAGE = landscape(A4)
MARGIN = 15 * mm


def ledger_pdf(lines: Sequence[LedgerLine], unit: str, today: dt.date | None = None, review: str = "") -> bytes:
    """``review``: the principal's latest confirmation (exports.ledger_table.review_statement), "" if none."""
    today = today or issue_day()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=_("Hazard ledger"), creator="Fire-Risk Inspector",
                            initialFontName=cjk_font().name)
    head, cell, body = L.style(HEAD_SIZE, align=L.CENTER), L.style(CELL_SIZE, leading=10.5), L.style(10.5)
    statuses = Counter(line.values["status"] for line in lines)
    overdue = sum(1 for line in lines if line.overdue)
    summary = _("{count} hazards: {by_status}; overdue: {overdue}.").format(
        count=len(lines), by_status=", ".join(f"{name} {n}" for name, n in statuses.most_common()), overdue=overdue)
    listed = sum(1 for line in lines if line.listed)
    if listed:  # counted apart, and listed first in the table (exports.ledger_table)
        summary += " " + _("Confirmed major hazards under listed supervision: {count}.").format(count=listed)
    if review:
        summary += " " + review + "."
    story: list[Flowable] = [
        _Title(_("Hazard rectification ledger"), f"{unit}    " + _("Printed on {date}").format(
            date=L.long_date(today))),
        L.para(summary, body), Spacer(1, 3 * mm),
    ]
    texts = [["\n".join(display(k, line.values[k]) for k in keys if line.values[k]) for keys, _h, _w in PDF_COLUMNS]
             for line in lines]
    rows: list[list[object]] = [[L.para(_(header), head) for _keys, header, _w in PDF_COLUMNS]]
    rows += [[L.para(text, cell) for text in row] for row in texts]
    overdue_rows = [index for index, line in enumerate(lines, start=1) if line.overdue]
    table = Table(rows, colWidths=_widths(texts), repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        # A table sets its cells' font even when they hold paragraphs: Helvetica, never embedded.
        ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.2 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 1.2 * mm),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#FDECEA")) for r in overdue_rows]
    # A confirmed major hazard under listed supervision: a red rule down its left edge, as a flag.
    commands += [("LINEBEFORE", (0, r), (0, r), 2.5, colors.HexColor("#B71C1C"))
                 for r, line in enumerate(lines, start=1) if line.listed]
    table.setStyle(TableStyle(commands))
    story += [table, Spacer(1, 10 * mm), KeepTogether([_Signatures()])]
    footer_text = f"{unit}    " + _("Printed on {date}").format(date=L.long_date(today))
    doc.build(story, canvasmaker=L.numbered_canvas(L.printed_footer(footer_text, MARGIN, PAGE[0])))
    return out.getvalue()


def _widths(texts: list[list[str]]) -> list[float]:
    """Short columns as wide as their widest header word or value, the rest shared by weight but each
    at least as wide as its longest Latin word or number (those are never cut inside)."""
    columns: list[tuple[list[str], float, float]] = []
    for index, (_keys, header, weight) in enumerate(PDF_COLUMNS):
        if weight:
            whole = {word for row in texts for word in unbreakable_words(row[index])}
            columns.append(([*whole, *unbreakable_words(_(header))], HEAD_SIZE, weight))
            continue
        values = [line for row in texts for line in row[index].split("\n")]
        # A header may wrap between words (English) but not inside one; Chinese headers stay whole.
        words = [_(header)] if L.is_chinese() else _(header).split()
        columns.append((values + words, HEAD_SIZE, 0.0))  # measured at the larger size: safe for both
    return L.column_widths(columns, PAGE[0] - 2 * MARGIN, PADDING)
class _Title(Flowable):
    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.title, self.subtitle = title, subtitle
        self.width, self.height = PAGE[0] - 2 * MARGIN, 17 * mm

    def draw(self) -> None:
        c = self.canv
        c.setFont(cjk_font().name, 18)
        c.drawCentredString(self.width / 2, 9 * mm, self.title)
        c.setFont(cjk_font().name, 10)
        c.drawCentredString(self.width / 2, 3 * mm, self.subtitle)


class _Signatures(Flowable):
    """Who filled the ledger in, the safety officer and the principal sign, each with a date."""

    def __init__(self) -> None:
        super().__init__()
        self.width, self.height = PAGE[0] - 2 * MARGIN, 20 * mm

    def draw(self) -> None:
        c = self.canv
        font = cjk_font().name
        labels = (_("Filled in by:"), _("Safety officer:"), _("Principal (signature):"))
        step = self.width / 3
        for index, label in enumerate(labels):
            x = index * step
            for y, text in ((14 * mm, label), (4 * mm, _("Date:"))):
                c.setFont(font, 10.5)
                c.drawString(x, y, text)
                start = x + c.stringWidth(text, font, 10.5) + 2 * mm
                c.setLineWidth(0.5)
                c.line(start, y - 1 * mm, x + step - 8 * mm, y - 1 * mm)


