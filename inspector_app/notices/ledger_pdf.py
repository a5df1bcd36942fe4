"""The ledger (台账) as a landscape A4 PDF for the principal's review: a title with the unit and the
date, counts by status, the hazards in ledger order with header rows repeated on every page, page
numbers, and signature lines for whoever filled it in, the safety officer and the principal.

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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from inspector_app.core import dates
from inspector_app.exports.ledger_table import LedgerLine
from inspector_app.i18n import N_, _
from inspector_app.notices import layout as L
from inspector_app.notices.fonts import cjk_font

# key of a LedgerLine value (several joined with a line break), header, width in mm: 267 mm in all.
PDF_COLUMNS: tuple[tuple[tuple[str, ...], str, float], ...] = (
    (("number",), N_("Number"), 20), (("found",), N_("Date found"), 19), (("place",), N_("Location"), 28),
    (("category",), N_("Category"), 28), (("description",), N_("Description"), 40), (("severity",), N_("Level"), 15),
    (("measures",), N_("Rectification measures"), 42), (("unit", "person"), N_("Responsible"), 22),
    (("deadline",), N_("Deadline"), 19), (("status",), N_("Status"), 15), (("closed",), N_("Date closed"), 19),
)
PAGE = landscape(A4)
MARGIN = 15 * mm


def ledger_pdf(lines: Sequence[LedgerLine], unit: str, today: dt.date | None = None) -> bytes:
    today = today or dates.today()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=_("Hazard ledger"), creator="Fire-Risk Inspector",
                            initialFontName=cjk_font().name)
    head, cell, body = L.style(8.5, align=L.CENTER), L.style(8, leading=10.5), L.style(10.5)
    statuses = Counter(line.values["status"] for line in lines)
    overdue = sum(1 for line in lines if line.overdue)
    summary = _("{count} hazards: {by_status}; overdue: {overdue}.").format(
        count=len(lines), by_status=", ".join(f"{name} {n}" for name, n in statuses.most_common()), overdue=overdue)
    story: list[Flowable] = [
        _Title(_("Hazard rectification ledger"), f"{unit}    " + _("Printed on {date}").format(
            date=L.long_date(today))),
        L.para(summary, body), Spacer(1, 3 * mm),
    ]
    rows: list[list[object]] = [[L.para(_(header), head) for _keys, header, _w in PDF_COLUMNS]]
    overdue_rows = []
    for index, line in enumerate(lines, start=1):
        rows.append([L.para("\n".join(str(line.values[k]) for k in keys if line.values[k]), cell)
                     for keys, _h, _w in PDF_COLUMNS])
        if line.overdue:
            overdue_rows.append(index)
    table = Table(rows, colWidths=[w * mm for _k, _h, w in PDF_COLUMNS], repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.2 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 1.2 * mm),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#FDECEA")) for r in overdue_rows]
    table.setStyle(TableStyle(commands))
    story += [table, Spacer(1, 10 * mm), KeepTogether([_Signatures()])]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


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


def _footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(cjk_font().name, 8)
    canvas.drawCentredString(PAGE[0] / 2, MARGIN - 6 * mm, _("Page {page}").format(page=doc.page))
    canvas.restoreState()
