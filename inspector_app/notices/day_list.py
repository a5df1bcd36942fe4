"""The day's list (今日复查清单) to print and carry: what is due (core.due), in the order a walk takes it
(site, building, floor, room), with a box to tick and room to write, so the walk is a route.

A4 portrait, in the organisation's language, the embedded CJK font, "page N of M" on every page, like
every document of notices/.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.due import DueItem, counts, route_order, why_label
from inspector_app.core.notice_register import write_atomically
from inspector_app.core.supervision_rules import LEVEL_COLOURS, level_label
from inspector_app.i18n import N_, _, use_language
from inspector_app.notices import layout as L
from inspector_app.notices.fonts import cjk_font
from inspector_app.notices.printing import ledger_language

MARGIN = 15 * mm
COLUMNS = (("", 7 * mm), (N_("Place"), 38 * mm), (N_("Number"), 22 * mm), (N_("Why"), 18 * mm),
           (N_("Deadline"), 20 * mm), (N_("Supervision"), 20 * mm), (N_("Hazard"), 0), (N_("Result"), 22 * mm))


def write_day_list(session: Session, items: Sequence[DueItem], out: Path, days: int,
                   language: str | None = None, today: dt.date | None = None) -> Path:
    language = ledger_language(session, language)
    with use_language(language):
        write_atomically(out, day_list_pdf(items, days, today))
    return out


def day_list_pdf(items: Sequence[DueItem], days: int, today: dt.date | None = None) -> bytes:
    today = today or dates.today()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=_("The day's list"), creator="Fire-Risk Inspector",
                            initialFontName=cjk_font().name)
    head, cell, body = L.style(8.5, align=L.CENTER), L.style(8.5, leading=11), L.style(10.5)
    found = counts(list(items))
    summary = _("{overdue} overdue, {reinspection} re-inspections, {due} due within {days} days; in the order "
                "of the walk: site, building, floor, room.").format(days=days, **found)
    story: list[Flowable] = [_Title(_("Re-inspection route for {date}").format(date=L.long_date(today))),
                             L.para(summary, body), Spacer(1, 3 * mm)]
    if not items:
        story.append(L.para(_("Nothing is due."), body))
    rows: list[list[object]] = [[L.para(_(header), head) if header else "" for header, _w in COLUMNS]]
    styles: list[tuple[object, ...]] = []
    site = None
    for item in route_order(list(items)):
        if item.site != site:  # several schools: each starts with its name across the table
            site = item.site
            rows.append([L.markup_para(f"<b>{L.escape_text(site)}</b>", cell)] + [""] * (len(COLUMNS) - 1))
            styles += [("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)),
                       ("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.Color(0.95, 0.95, 0.95))]
        place = " / ".join(p for p in (item.building, item.floor, item.room) if p)
        level = level_label(item.level) if item.level else ""
        rows.append(["", L.para(place, cell), L.para(item.number, cell), L.para(why_label(item.why), cell),
                     L.para(dates.shown_date(item.deadline) if item.deadline else "", cell),
                     L.markup_para(f'<font color="{LEVEL_COLOURS[item.level]}">{L.escape_text(level)}</font>', cell),
                     L.para(item.description, cell), ""])
    if items:
        fixed = sum(width for _h, width in COLUMNS)
        widths = [width or (A4[0] - 2 * MARGIN - fixed) for _h, width in COLUMNS]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),  # else Helvetica, never embedded
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1.2 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 1.2 * mm),
            ("TOPPADDING", (0, 1), (-1, -1), 2 * mm), ("BOTTOMPADDING", (0, 1), (-1, -1), 2 * mm),
            *styles]))
        story.append(table)
    footer = _("Printed on {date}").format(date=L.long_date(today))
    doc.build(story, canvasmaker=L.numbered_canvas(L.printed_footer(footer, MARGIN, A4[0])))
    return out.getvalue()


class _Title(Flowable):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.width, self.height = A4[0] - 2 * MARGIN, 12 * mm

    def draw(self) -> None:
        self.canv.setFont(cjk_font().name, 16)
        self.canv.drawCentredString(self.width / 2, 4 * mm, self.title)
