"""The rectification notice (火灾隐患整改通知书) on A4, in two forms from one set of page furniture:

- per hazard, to post at the spot: number, addressee, the order to correct by a date, a table of the
  hazard's facts, the plan excerpt with the pin, the before-photo, the QR with the hazard number and
  short code under it, inspectors' signatures and the issuer's seal, and a receipt stub to return;
- per inspected unit: every hazard listed and numbered with place, facts, basis, deadline and its
  own QR, then the same signatures and receipt; every page carries the notice number and
  "page N of M", and the table's columns are sized so numbers and dates never break.

Drawing works from HazardFacts (no database) in the language current at the call: wrap calls in
``use_language(...)``. Per-hazard pages are drawn straight onto the canvas (fast: batches of
hundreds); the per-unit list flows over pages with platypus.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from inspector_app.core.errors import InspectorError
from inspector_app.exports.ledger_table import funding_text
from inspector_app.i18n import _
from inspector_app.notices import layout as L
from inspector_app.notices import official_pages
from inspector_app.notices.facts import HazardFacts, printable_photo
from inspector_app.notices.fonts import cjk_font
from inspector_app.notices.plan_excerpt import plan_excerpt
from inspector_app.notices.qr import MIN_PRINT_SIZE, QrFlowable, draw_qr, qr_matrix
from inspector_app.notices.report_slip import PER_SHEET, draw_report_slip, draw_unit_slips
from inspector_app.notices.wrapping import unbreakable_words
from inspector_app.plans import PlanError

EXCERPT_W, PHOTO_W, QR_SIZE, IMAGES_H = 66 * mm, 52 * mm, 30 * mm, 46 * mm
MAX_IMAGES_SAVING = 16 * mm  # at most this much of the images' height (and the QR's) goes to a long text
EXCERPT_DPI = 200
SIGNATURES_H = 16 * mm
LABEL_W = 26 * mm
Progress = Callable[[int, int], bool]  # (done, total) -> keep going?


@dataclass(frozen=True)
class PageImages:
    """The images of one notice page, prepared apart from drawing (the benchmark times both)."""

    excerpt: bytes | None  # JPEG
    pin: tuple[float, float] | None  # where the pin falls in the excerpt, 0..1 from top-left
    photo: bytes | None  # JPEG
    qr: tuple[tuple[bool, ...], ...]


def prepare_images(facts: HazardFacts) -> PageImages:
    excerpt = pin = None
    if facts.plan is not None:
        w_px = round(EXCERPT_W / 72 * EXCERPT_DPI)
        h_px = round(IMAGES_H / 72 * EXCERPT_DPI)
        try:
            cut = plan_excerpt(facts.plan.path, facts.plan.page, facts.plan.x, facts.plan.y, w_px, h_px)
        except PlanError:
            cut = None  # an unreadable plan must not stop a batch of notices: the box says so
        if cut is not None:
            out = io.BytesIO()
            cut.image.save(out, format="JPEG", quality=88)
            excerpt, pin = out.getvalue(), (cut.pin_x, cut.pin_y)
    photo = printable_photo(facts.photo) if facts.photo else None
    return PageImages(excerpt, pin, photo, qr_matrix(facts.url))


def notice_statement(facts: HazardFacts, number: str) -> str:
    if facts.major is not None:
        return _("We have received the Major Accident Hazard Rectification Notice {number} (hazard {hazard}) and "
                 "will correct the hazard by the deadline.").format(number=number, hazard=facts.number)
    return _("We have received the Fire Hazard Rectification Notice {number} (hazard {hazard}) and will "
             "correct the hazard by the deadline.").format(number=number, hazard=facts.number)


def _fact_rows(f: HazardFacts) -> list[tuple[str, str, str, str] | tuple[str, str]]:
    safeguards = f.safeguards or _("Until the hazard is removed, keep the spot watched and marked with warning signs.")
    responsible = " ".join(p for p in (f.responsible_unit, f.responsible_person) if p)
    level = f.severity if f.major is None else _("{level} (listed supervision)").format(level=f.severity)
    basis: list[tuple[str, str]] = [] if f.major is None else [(_("Determination basis"), f.major.basis)]
    return [
        (_("Hazard No."), f.number, _("Level"), level),
        (_("Category"), f.category, _("Inspection date"), L.long_date(f.inspection_date)),
        (_("Location"), f.place or "—"),
        (_("Findings"), f.description or f.category),
        *basis,
        (_("Legal basis"), f.legal_basis or "—"),
        (_("Required measures"), f.measures or "—"),
        (_("Interim safeguards"), safeguards),
        (_("Deadline"), L.long_date(f.deadline) or "—", _("Funding"), funding_text(f.funding) or "—"),
        (_("Responsible"), responsible or "—"),
    ]


def _draw_fact_table(canvas: Canvas, f: HazardFacts, top: float, size: float) -> float:
    label_w, value_w = LABEL_W, L.BLOCK_W / 2 - LABEL_W
    pad = 1.3 * mm
    label_style, value_style = L.style(size - 0.5, align=L.CENTER), L.style(size)
    y = top
    for row in _fact_rows(f):
        if len(row) == 4:
            cells = [(row[0], label_w, label_style), (row[1], value_w, value_style),
                     (row[2], label_w, label_style), (row[3], value_w, value_style)]
        else:
            cells = [(row[0], label_w, label_style), (row[1], L.BLOCK_W - label_w, value_style)]
        paras = [(L.para(t, st), w) for t, w, st in cells]
        height = max(p.wrapOn(canvas, w - 2 * pad, L.PAGE_H)[1] for p, w in paras) + 2 * pad
        x = L.LEFT
        for index, (p, w) in enumerate(paras):
            if index % 2 == 0:  # label cells shaded, as on printed forms
                canvas.setFillColorRGB(0.94, 0.94, 0.94)
                canvas.rect(x, L.PAGE_H - y - height, w, height, stroke=0, fill=1)
                canvas.setFillColorRGB(0, 0, 0)
            p.drawOn(canvas, x + pad, L.PAGE_H - y - pad - p.height)
            canvas.rect(x, L.PAGE_H - y - height, w, height, stroke=1, fill=0)
            x += w
        y += height
    return y - top


def _draw_pin(canvas: Canvas, x: float, y: float) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(1, 1, 1)
    canvas.setFillColorRGB(0.85, 0.1, 0.1)
    canvas.setLineWidth(1.2)
    canvas.circle(x, y, 2.6 * mm, stroke=1, fill=0)
    canvas.setStrokeColorRGB(0.85, 0.1, 0.1)
    canvas.setLineWidth(0.9)
    canvas.circle(x, y, 2.6 * mm, stroke=1, fill=0)
    canvas.circle(x, y, 1.1 * mm, stroke=0, fill=1)
    canvas.restoreState()


def _image_box(canvas: Canvas, data: bytes | None, x: float, top: float, w: float, h: float, caption: str,
               missing: str) -> tuple[float, float, float, float]:
    """An image fitted into a framed box with a caption under it; returns the drawn image's rect."""
    bottom = L.PAGE_H - top - h
    rect = (x, bottom, w, h)
    if data is not None:
        reader = ImageReader(io.BytesIO(data))
        iw, ih = reader.getSize()
        scale = min(w / iw, h / ih)
        dw, dh = iw * scale, ih * scale
        rect = (x + (w - dw) / 2, bottom + (h - dh) / 2, dw, dh)
        canvas.drawImage(reader, *rect)
    else:
        canvas.saveState()
        canvas.setFillColorRGB(0.5, 0.5, 0.5)
        L.text(canvas, x + w / 2, top + h / 2, missing, size=9, align="center")
        canvas.restoreState()
    canvas.saveState()
    canvas.setLineWidth(0.5)
    canvas.rect(x, bottom, w, h, stroke=1, fill=0)
    canvas.restoreState()
    L.text(canvas, x + w / 2, top + h + 4 * mm, caption, size=9, align="center")
    return rect


def notice_title(f: HazardFacts) -> str:
    """A confirmed major hazard gets the major-hazard notice; every other hazard the ordinary one."""
    return _("Major Accident Hazard Rectification Notice") if f.major else _("Fire Hazard Rectification Notice")


def _intro(f: HazardFacts) -> str:
    if f.major is not None:
        return _("On {date}, inspectors of {issuer} inspected your unit for fire safety and found the hazard below, "
                 "which a group decision of {decided} determined to be a major accident hazard (basis below). You "
                 "are ordered to correct it by {deadline}; until then it is under listed supervision: put its "
                 "measures, responsibility, funds, time limit and contingency plan in place, with interim "
                 "safeguards. Report the correction when it is done; it will be re-inspected.").format(
            date=L.long_date(f.inspection_date), issuer=f.issuer, decided=L.long_date(f.major.decided_on) or "—",
            deadline=L.long_date(f.deadline) or "—")
    return _("On {date}, inspectors of {issuer} inspected your unit for fire safety and found the fire hazard "
             "below. Under the Fire Protection Law of the People's Republic of China and related regulations, "
             "you are ordered to correct it by {deadline}, and to keep the interim safeguards in place until "
             "then. Report the correction when it is done; it will be re-inspected.").format(
        date=L.long_date(f.inspection_date), issuer=f.issuer, deadline=L.long_date(f.deadline) or "—")


def draw_hazard_notice(canvas: Canvas, f: HazardFacts, number: str, issued: dt.date, images: PageImages) -> None:
    """One per-hazard notice page (the caller ends the page). A major-hazard notice also carries its
    number and "page 1 of 1" at the foot, as every numbered document of the program does."""
    L.title(canvas, notice_title(f), L.TOP + 6 * mm)
    L.text(canvas, L.RIGHT, L.TOP + 14 * mm, number, size=11, align="right")
    y = L.TOP + 18 * mm
    y += L.draw_para(canvas, L.para(_("{unit}:").format(unit=f.unit), L.style(12)), L.LEFT, y, L.BLOCK_W) + 1 * mm
    # The table takes what it needs; long texts shrink it a size or two so that the page still holds
    # the images, the signatures and the receipt (all measured on a scratch canvas first). Should that not
    # do (a major-hazard notice says more: its determination, its basis), the introduction shrinks, then
    # the images give up some height.
    intro, limit = _intro(f), L.BOTTOM - L.STUB_H
    intro_size, size = 10.5, 10.0

    def overflow(images_height: float) -> float:
        return (y + _measure_para(intro, intro_size) + 3 * mm + _measure_table(f, size) + 4 * mm + images_height
                + 8 * mm + SIGNATURES_H - limit)

    while size > 7.5 and overflow(IMAGES_H) > 0:
        size -= 0.5
    while intro_size > 8.5 and overflow(IMAGES_H) > 0:
        intro_size -= 0.5
    images_h = max(IMAGES_H - MAX_IMAGES_SAVING, IMAGES_H - max(0.0, overflow(IMAGES_H)))
    y += L.draw_para(canvas, L.para(intro, _intro_style(intro_size)), L.LEFT, y, L.BLOCK_W) + 3 * mm
    y += _draw_fact_table(canvas, f, y, size) + 4 * mm
    x = L.LEFT
    ex, ey, ew, eh = _image_box(canvas, images.excerpt, x, y, EXCERPT_W, images_h, _("Location on the floor plan"),
                                _("No plan for this floor"))
    if images.excerpt is not None and images.pin is not None:
        _draw_pin(canvas, ex + images.pin[0] * ew, ey + (1 - images.pin[1]) * eh)
    x += EXCERPT_W + 4 * mm
    _image_box(canvas, images.photo, x, y, PHOTO_W, images_h, _("Photo of the hazard"), _("No photo"))
    qr = max(MIN_PRINT_SIZE, min(QR_SIZE, images_h - 11 * mm))  # its captions end above the seal line
    qr_x = L.RIGHT - qr
    draw_qr(canvas, images.qr, qr_x, L.PAGE_H - y - qr, qr)
    centre = qr_x + qr / 2
    L.text(canvas, centre, y + qr + 3.5 * mm, f.number, size=10, align="center")
    # Label and code on two lines: in English the label alone is as wide as the QR.
    L.text(canvas, centre, y + qr + 7.5 * mm, _("Ledger lookup code"), size=7.5, align="center")
    L.text(canvas, centre, y + qr + 11 * mm, f.short_code, size=8.5, align="center")
    L.text(canvas, centre, y + max(images_h + 4.5 * mm, qr + 15 * mm), _("Scan for the current status"), size=8,
           align="center")
    y += images_h + 14 * mm
    L.signature_line(canvas, L.LEFT, y, _("Inspectors (signature):"), 48 * mm)
    L.text(canvas, L.RIGHT, y, _("{issuer} (seal)").format(issuer=f.issuer), align="right")
    L.text(canvas, L.RIGHT, y + 6 * mm, L.long_date(issued), align="right")
    L.receipt_stub(canvas, L.BOTTOM - L.STUB_H, notice_statement(f, number))
    if f.major is not None:
        L.text(canvas, L.LEFT + L.BLOCK_W / 2, L.BOTTOM + 12 * mm, f"{number}    {L.page_of(1, 1)}", size=9,
               align="center")


_scratch: Canvas | None = None


def _intro_style(size: float) -> ParagraphStyle:
    return L.style(size, indent=2 * size if L.is_chinese() else 0)


def _measure_para(text: str, size: float) -> float:
    global _scratch
    if _scratch is None:
        _scratch = Canvas(io.BytesIO())
    return float(L.para(text, _intro_style(size)).wrapOn(_scratch, L.BLOCK_W, L.PAGE_H)[1])


def _measure_table(f: HazardFacts, size: float) -> float:
    global _scratch
    if _scratch is None:
        _scratch = Canvas(io.BytesIO())
    total = 0.0
    for row in _fact_rows(f):
        half = L.BLOCK_W / 2 - LABEL_W
        widths = (LABEL_W, half, LABEL_W, half) if len(row) == 4 else (LABEL_W, L.BLOCK_W - LABEL_W)
        total += max(L.para(t, L.style(size)).wrapOn(_scratch, w - 2.6 * mm, L.PAGE_H)[1]
                     for t, w in zip(row, widths, strict=True)) + 2.6 * mm
    return total


def new_plain_canvas(out: io.BytesIO) -> Canvas:
    # The CJK font from the start: otherwise every page names an unembedded Helvetica.
    return Canvas(out, pagesize=(L.PAGE_W, L.PAGE_H), pageCompression=1, initialFontName=cjk_font().name)


def new_canvas(out: io.BytesIO, title: str) -> Canvas:
    canvas = new_plain_canvas(out)
    canvas.setTitle(title)
    canvas.setCreator("Fire-Risk Inspector")
    canvas.setLineWidth(0.6)
    return canvas


def hazard_notices_pdf(items: Sequence[tuple[HazardFacts, str]], issued: dt.date,
                       progress: Progress | None = None, slips: Mapping[uuid.UUID, str] | None = None) -> bytes:
    """One PDF with a per-hazard notice page for each (facts, notice number), each followed by its
    report slip when ``slips`` gives the hazard's report link; InspectorError if cancelled."""
    out = io.BytesIO()
    canvas = new_canvas(out, notice_title(items[0][0]) if len(items) == 1 else _("Fire Hazard Rectification Notice"))
    for index, (facts, number) in enumerate(items):
        draw_hazard_notice(canvas, facts, number, issued, prepare_images(facts))
        canvas.showPage()
        if slips and facts.id in slips:
            draw_report_slip(canvas, facts, number, slips[facts.id], issued)
            canvas.showPage()
        if progress is not None and not progress(index + 1, len(items)):
            raise InspectorError(_("Cancelled."))
    canvas.save()
    return out.getvalue()


def report_slips_pdf(facts: Sequence[HazardFacts], number: str, slips: Mapping[uuid.UUID, str],
                     issued: dt.date) -> bytes:
    """The report slips of a per-unit notice's hazards, four to a sheet, to print after the notice."""
    out = io.BytesIO()
    canvas = new_canvas(out, _("Rectification Report Slip"))
    sheets = [list(facts[start:start + PER_SHEET]) for start in range(0, len(facts), PER_SHEET)]
    for page, sheet in enumerate(sheets, start=1):
        draw_unit_slips(canvas, sheet, number, slips, issued, page, len(sheets))
        canvas.showPage()
    canvas.save()
    return out.getvalue()


class _Furniture(Flowable):
    """Title, number and addressee at the top of the per-unit notice."""

    def __init__(self, unit: str, number: str) -> None:
        super().__init__()
        self.unit, self.number = unit, number
        self.width, self.height = L.BLOCK_W, 20 * mm

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColorRGB(0.75, 0.05, 0.05)
        c.setFont(cjk_font().name, 22 if L.is_chinese() else 18)
        c.drawCentredString(L.BLOCK_W / 2, 14 * mm, _("Fire Hazard Rectification Notice"))
        c.restoreState()
        c.setFont(cjk_font().name, 11)
        c.drawRightString(L.BLOCK_W, 6 * mm, self.number)


def unit_notice_pdf(facts: Sequence[HazardFacts], number: str, issued: dt.date) -> bytes:
    """The per-unit notice listing every given hazard (all of one inspected unit) with its QR."""
    if not facts:
        raise InspectorError(_("There is no hazard to put on the notice."))
    first = facts[0]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=(L.PAGE_W, L.PAGE_H), leftMargin=L.LEFT, rightMargin=L.PAGE_W - L.RIGHT,
                            topMargin=L.TOP, bottomMargin=L.PAGE_H - L.BOTTOM,
                            title=_("Fire Hazard Rectification Notice"), creator="Fire-Risk Inspector",
                            initialFontName=cjk_font().name)
    body, small, head = L.style(10.5, indent=21 if L.is_chinese() else 0), L.style(9), L.style(9, align=L.CENTER)
    dates = sorted({f.inspection_date for f in facts})
    story: list[Flowable] = [
        _Furniture(first.unit, number), L.para(_("{unit}:").format(unit=first.unit), L.style(12)), Spacer(1, 2 * mm),
        L.para(_("On {date}, inspectors of {issuer} inspected your unit for fire safety and found the {count} fire "
                 "hazards listed below. Under the Fire Protection Law of the People's Republic of China and related "
                 "regulations, you are ordered to correct each by its deadline, and to keep interim safeguards in "
                 "place until then. Report each correction when it is done; it will be re-inspected.").format(
            date=", ".join(L.long_date(d) for d in dates), issuer=first.issuer, count=len(facts)), body),
        Spacer(1, 4 * mm),
    ]
    titles = (_("No."), _("Hazard No. and location"), _("Findings and legal basis"), _("Deadline"), _("Status QR"))
    rows: list[list[object]] = [[L.para(h, head) for h in titles]]
    deadlines = [L.long_date(f.deadline) or "—" for f in facts]
    for index, f in enumerate(facts, start=1):
        facts_text = L.markup_para(
            L.escape_text(_category_and_findings(f)) + "<br/>"
            + f"<font size='8' color='#444444'>{L.escape_text(_basis(f))}</font>",
            small)
        rows.append([
            L.para(str(index), head),
            L.para(f"{f.number}\n{f.place}\n" + lookup_code(f.short_code), small),
            facts_text, L.para(deadlines[index - 1], head), QrFlowable(f.url, UNIT_QR),
        ])
    table = Table(rows, colWidths=_unit_widths(titles, facts, deadlines), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        # A table sets its cells' font even when they hold paragraphs: Helvetica, never embedded.
        ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.94, 0.94, 0.94)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]))
    story += [table, Spacer(1, 8 * mm), official_pages.SealAndReceipt(first.issuer, issued, _(
        "We have received the Fire Hazard Rectification Notice {number} listing {count} hazards and will correct "
        "each by its deadline.").format(number=number, count=len(facts)), inspectors_sign=True)]

    def furniture(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        if page > 1:  # the first page has the number under its title
            L.text(canvas, L.LEFT, L.TOP - 8 * mm, first.unit, size=9)
            L.text(canvas, L.RIGHT, L.TOP - 8 * mm, number, size=9, align="right")
            L.hline(canvas, L.LEFT, L.RIGHT, L.TOP - 6.5 * mm, width=0.4)
        L.text(canvas, L.LEFT + L.BLOCK_W / 2, L.BOTTOM + 12 * mm, L.page_of(page, pages), size=9, align="center")
        canvas.restoreState()

    doc.build(story, canvasmaker=L.numbered_canvas(furniture))
    return out.getvalue()


def _basis(f: HazardFacts) -> str:
    """The basis line of the per-unit list: a confirmed major hazard's rule, then the legal basis."""
    if f.major is None:
        return _("Basis:") + " " + (f.legal_basis or "—")
    return _("Major accident hazard (listed supervision), determined under: {basis}").format(basis=f.major.basis)


def _category_and_findings(f: HazardFacts) -> str:
    if L.is_chinese():
        return f"【{f.category}】{f.description or ''}"
    return f"{f.category}: {f.description}" if f.description else f.category


UNIT_QR = 20 * mm
CELL_PAD = 1.5 * mm


def _unit_widths(titles: Sequence[str], facts: Sequence[HazardFacts], deadlines: Sequence[str]) -> list[float]:
    """No. and deadline exactly as wide as their widest value (or header); the QR column fits its
    code; the location and the findings share the rest, the findings more."""
    header_words = (lambda t: [t]) if L.is_chinese() else (lambda t: t.split())
    qr_column = UNIT_QR + 2 * CELL_PAD
    # The location column holds hazard numbers and lookup codes: never cut inside.
    codes = [word for f in facts for word in unbreakable_words(f"{f.number} {lookup_code(f.short_code)}")]
    widths = L.column_widths([
        ([*header_words(titles[0]), str(len(facts))], 9, 0), (codes, 9, 3), ([], 9, 5),
        ([*header_words(titles[3]), *deadlines], 9, 0),
    ], L.BLOCK_W - qr_column, CELL_PAD)
    return [*widths, qr_column]


def lookup_code(code: str) -> str:
    """The short code as printed: named for what it is, a key for the program's scan box (the public
    page takes only the QR's full token, because short codes can be guessed)."""
    return _("Ledger lookup code {code}").format(code=code)
