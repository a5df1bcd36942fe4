"""The rectification report slip (整改报告回执联): a sheet of its own, printed after each notice, that goes
to the responsible unit and carries its private QR code (core.rectification_links).

Why a sheet of its own: the notice is posted on site (its public QR shows the status to anyone), and
people post whole sheets; a slip on the same sheet, even a tear-off one, would be posted with it,
and whoever read the code could then report for the unit. The slip says so in large type."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from inspector_app.i18n import _
from inspector_app.notices import layout as L
from inspector_app.notices.facts import HazardFacts
from inspector_app.notices.qr import draw_qr, qr_matrix

SLIP_QR_SIZE = 62 * mm  # larger than the notice's: a phone reads it from the unit's desk at a glance
GRID_QR_SIZE = 46 * mm  # four to a sheet for a per-unit notice: still well above qr.MIN_PRINT_SIZE
PER_SHEET = 4


def _warning(canvas: Canvas, y: float) -> float:
    warning = _("For the responsible unit only. Keep this slip; do not post it. Whoever holds its QR code can "
                "report the rectification in your unit's name.")
    return L.draw_para(canvas, L.para(warning, L.style(12)), L.LEFT, y, L.BLOCK_W)


def _how() -> str:
    return _("On the page you can report what was done with after-photos taken from the same spot as the "
             "inspector's, ask for more time with a reason, or dispute the hazard. The inspector then "
             "re-inspects and closes the hazard or says what is still wrong; you see the answer on the same "
             "page. The code stops working when the hazard is closed or a newer notice gives you a new slip.")


def draw_unit_slips(canvas: Canvas, facts: list[HazardFacts], number: str, slips: Mapping[uuid.UUID, str],
                    issued: dt.date, page: int, pages: int) -> None:
    """One sheet of a per-unit notice's slips: up to four hazards, each with its own code."""
    L.title(canvas, _("Rectification Report Slip"), L.TOP + 6 * mm)
    L.text(canvas, L.RIGHT, L.TOP + 14 * mm, number, size=11, align="right")
    y = L.TOP + 20 * mm
    y += L.draw_para(canvas, L.para(_("{unit}:").format(unit=facts[0].unit), L.style(12)), L.LEFT, y,
                     L.BLOCK_W) + 1 * mm
    y += _warning(canvas, y) + 2 * mm
    y += L.draw_para(canvas, L.para(_how(), L.style(9.5)), L.LEFT, y, L.BLOCK_W) + 4 * mm
    cell_w = L.BLOCK_W / 2
    cell_h = (L.BOTTOM - 10 * mm - y) / 2
    for index, f in enumerate(facts):
        x = L.LEFT + (index % 2) * cell_w
        top = y + (index // 2) * cell_h
        qr_x = x + (cell_w - GRID_QR_SIZE) / 2
        draw_qr(canvas, qr_matrix(slips[f.id]), qr_x, L.PAGE_H - top - GRID_QR_SIZE, GRID_QR_SIZE)
        caption = f"{f.number} · {f.place or '—'}"
        L.draw_para(canvas, L.para(caption, L.style(9.5, align=1)), x + 3 * mm, top + GRID_QR_SIZE + 2 * mm,
                    cell_w - 6 * mm)
        L.draw_para(canvas, L.para(f.category, L.style(9, align=1)), x + 3 * mm, top + GRID_QR_SIZE + 7 * mm,
                    cell_w - 6 * mm)
    L.text(canvas, L.LEFT, L.BOTTOM - 6 * mm, L.page_of(page, pages), size=9)
    L.text(canvas, L.RIGHT, L.BOTTOM - 6 * mm, _("{issuer}, {date}").format(issuer=facts[0].issuer,
                                                                           date=L.long_date(issued)), align="right")


def draw_report_slip(canvas: Canvas, f: HazardFacts, number: str, report_url: str, issued: dt.date) -> None:
    """One slip page for the hazard's unit (the caller ends the page)."""
    L.title(canvas, _("Rectification Report Slip"), L.TOP + 6 * mm)
    L.text(canvas, L.RIGHT, L.TOP + 14 * mm, number, size=11, align="right")
    y = L.TOP + 20 * mm
    y += _warning(canvas, y) + 7 * mm
    rows = [(_("Unit"), f.unit), (_("Hazard number"), f.number), (_("Location"), f.place or "—"),
            (_("Category"), f.category), (_("Deadline"), L.long_date(f.deadline) or "—")]
    for label, value in rows:
        L.text(canvas, L.LEFT, y, label, size=10.5)
        y += L.draw_para(canvas, L.para(value, L.style(10.5)), L.LEFT + 30 * mm, y - 3.6 * mm,
                         L.BLOCK_W - 30 * mm) + 2.5 * mm
    y += 4 * mm
    qr_x = L.LEFT + (L.BLOCK_W - SLIP_QR_SIZE) / 2
    draw_qr(canvas, qr_matrix(report_url), qr_x, L.PAGE_H - y - SLIP_QR_SIZE, SLIP_QR_SIZE)
    y += SLIP_QR_SIZE + 6 * mm
    L.text(canvas, L.LEFT + L.BLOCK_W / 2, y, _("Scan with your phone (WeChat works) when the hazard is fixed"),
           size=11, align="center")
    y += 8 * mm
    L.draw_para(canvas, L.para(_how(), L.style(10, indent=20 if L.is_chinese() else 0)), L.LEFT, y, L.BLOCK_W)
    L.text(canvas, L.RIGHT, L.BOTTOM - 6 * mm, _("{issuer}, {date}").format(issuer=f.issuer,
                                                                           date=L.long_date(issued)), align="right")
