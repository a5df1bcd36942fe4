"""The principal's review sheet (校长审阅台账确认单): one A4 page with the private QR code of the school's
ledger page (core.review_links), for the principal alone. Printed by `site review-sheet`."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.units import mm

from inspector_app.i18n import _
from inspector_app.notices import layout as L
from inspector_app.notices.notice_pdf import new_canvas
from inspector_app.notices.qr import draw_qr, qr_matrix

QR_SIZE = 62 * mm


def review_sheet_pdf(school: str, issuer: str, url: str, open_count: int, issued: dt.date) -> bytes:
    out = io.BytesIO()
    canvas = new_canvas(out, _("Principal's Ledger Review Sheet"))
    L.title(canvas, _("Principal's Ledger Review Sheet"), L.TOP + 6 * mm)
    y = L.TOP + 18 * mm
    y += L.draw_para(canvas, L.para(_("{unit}:").format(unit=school), L.style(12)), L.LEFT, y, L.BLOCK_W) + 2 * mm
    text = _("The fire-safety campaign asks the principal to review the school's hazard ledger in person. Scan "
             "the code below with your phone: the page lists the school's unfinished hazards ({count} today) and "
             "those closed in the last 90 days, with their status, deadline and responsible person. Confirm there "
             "that you have reviewed them, with a remark if you like; the confirmation is recorded in each hazard's "
             "history.").format(count=open_count)
    y += L.draw_para(canvas, L.para(text, L.style(11, indent=22 if L.is_chinese() else 0)), L.LEFT, y,
                     L.BLOCK_W) + 3 * mm
    warning = _("For the principal only: whoever holds this code can confirm in the principal's name. Do not post "
                "or pass on this sheet; a new sheet replaces this code.")
    y += L.draw_para(canvas, L.para(warning, L.style(11)), L.LEFT, y, L.BLOCK_W) + 8 * mm
    draw_qr(canvas, qr_matrix(url), L.LEFT + (L.BLOCK_W - QR_SIZE) / 2, L.PAGE_H - y - QR_SIZE, QR_SIZE)
    y += QR_SIZE + 6 * mm
    L.text(canvas, L.LEFT + L.BLOCK_W / 2, y, _("Scan to review the ledger"), size=11, align="center")
    L.text(canvas, L.LEFT, L.BOTTOM - 6 * mm, L.page_of(1, 1), size=9)
    L.text(canvas, L.RIGHT, L.BOTTOM - 6 * mm, _("{issuer}, {date}").format(issuer=issuer, date=L.long_date(issued)),
           align="right")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
