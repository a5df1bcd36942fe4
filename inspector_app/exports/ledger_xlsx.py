"""The ledger (台账) as an XLSX made for printing and for sums: a title with the organisation, the
scope and the date; real date and number cells; the before/after photos as small thumbnails;
A4 landscape, fitted to the page width, the header row repeated on every page, "page N of M" in the
footer; and a summary sheet (counts by status, category and building, overdue, on-the-spot rate).

Thumbnails rather than a link to a photo folder: the attachment store names files by their hash,
so a folder link would show a principal nothing recognisable; a 64-px JPEG costs ~2 KB, so even a
5,000-hazard ledger stays around 20 MB. Rows come from exports.ledger_table, like the CSV and PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import pixels_to_EMU
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image, UnidentifiedImageError

from inspector_app.core.notice_register import write_atomically
from inspector_app.exports.ledger_table import COLUMNS, DATE_KEYS, LedgerLine, Photo, headers
from inspector_app.i18n import _, current_language

TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
THUMB_W, THUMB_H, THUMB_GAP = 64, 48, 4  # pixels
PHOTO_ROW_PT = 40.0  # a row holding thumbnails: 48 px at 96 dpi is 36 pt, plus a margin
LINE_PT = 12.5  # one wrapped line of 9-pt text
DATE_FORMAT = "yyyy-mm-dd"
# Narrower than the on-screen widths of ledger_table.COLUMNS: fitted to the width of A4 landscape,
# 20 columns must stay readable, so the long texts wrap more and the short ones take what they need.
PRINT_WIDTHS = {"number": 10, "found": 10.5, "kind": 8, "inspectors": 10, "place": 15, "category": 14,
                "description": 26, "severity": 7, "photos": 20, "handling": 8, "measures": 26, "unit": 11,
                "person": 8, "funding": 10, "deadline": 10.5, "status": 8, "supervision": 8, "rectification": 18,
                "reinspection": 15, "closed": 10.5}
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
OVERDUE_FILL = PatternFill("solid", fgColor="FDECEA")
LISTED_FONT = Font(size=9, bold=True, color="B71C1C")


def money_format() -> str:
    return '#,##0.##"元"' if current_language().startswith("zh") else '"CNY "#,##0.##'


def write_ledger_xlsx(lines: Sequence[LedgerLine], path: Path, *, organisation: str, scope: str,
                      printed_on: dt.date, review: str = "") -> None:
    """Write the ledger and its summary sheet in the current language; the file is whole or absent.
    ``review``: the principal's latest confirmation (ledger_table.review_statement), under the title."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Ledger")[:31]  # Excel's limit for a sheet name
    subtitle = _("{organisation} · {scope} · made on {date}").format(
        organisation=organisation or "—", scope=scope, date=printed_on.isoformat())
    if review:
        subtitle += " · " + review
    _ledger_sheet(sheet, lines, _("Hazard rectification ledger"), subtitle)
    summary = book.create_sheet(_("Summary")[:31])
    _summary_sheet(summary, lines, subtitle)
    out = io.BytesIO()
    book.save(out)
    write_atomically(path, out.getvalue())


def _ledger_sheet(sheet: Worksheet, lines: Sequence[LedgerLine], title: str, subtitle: str) -> None:
    keys = [key for key, _header, _width in COLUMNS]
    last = get_column_letter(len(keys))
    _titles(sheet, title, subtitle, len(keys))
    for index, text in enumerate(headers(), start=1):
        cell = sheet.cell(HEADER_ROW, index, text)
        cell.font, cell.fill, cell.border = Font(bold=True, size=9), HEADER_FILL, GRID
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    sheet.row_dimensions[HEADER_ROW].height = 2 * LINE_PT + 4
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(horizontal="center", vertical="top", wrap_text=True)
    body_font = Font(size=9)  # one object for every cell: making one per cell was a third of the time
    photo_column = keys.index("photos") + 1
    for offset, line in enumerate(lines):
        row = FIRST_DATA_ROW + offset
        for column, key in enumerate(keys, start=1):
            value = line.values[key]
            if key == "photos" and any(p.path is not None for p in line.photos):
                value = None  # the thumbnails stand in the cell
            cell = sheet.cell(row, column, value if value != "" else None)
            cell.font, cell.border = body_font, GRID
            short = key in DATE_KEYS or key in ("number", "severity", "status", "supervision")
            cell.alignment = centred if short else wrap
            if key in DATE_KEYS:
                cell.number_format = DATE_FORMAT
            elif key == "funding" and isinstance(value, float):
                cell.number_format = money_format()
            if line.overdue:
                cell.fill = OVERDUE_FILL
            if line.listed and key in ("number", "severity"):  # under listed supervision: marked until closed
                cell.font = LISTED_FONT
        shown = _thumbnails(sheet, line.photos, row, photo_column)
        sheet.row_dimensions[row].height = max(PHOTO_ROW_PT if shown else LINE_PT + 3, _text_height(line))
    for column, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = PRINT_WIDTHS[key]
    end = max(HEADER_ROW, FIRST_DATA_ROW + len(lines) - 1)
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{end}"
    sheet.print_area = f"A{TITLE_ROW}:{last}{end}"
    _page_setup(sheet, landscape=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _titles(sheet: Worksheet, title: str, subtitle: str, width: int) -> None:
    last = get_column_letter(width)
    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    sheet.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=16)
    sheet.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.cell(SUBTITLE_ROW, 1, subtitle).font = Font(size=10)
    sheet.cell(SUBTITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 28
    sheet.row_dimensions[SUBTITLE_ROW].height = 18


def _page_setup(sheet: Worksheet, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.3)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = _("Page &P of &N")
    sheet.oddFooter.center.size = 8


def _text_height(line: LedgerLine) -> float:
    """Points a row needs so that its longest wrapped text shows whole (Excel does not grow a row
    whose height is set, and thumbnail rows need one)."""
    lines = 1
    for key, _header, _width in COLUMNS:
        value = line.values[key]
        if not isinstance(value, str) or not value:
            continue
        # A CJK character is about two width units of a 9-pt font, a Latin one about one; a line break
        # in the value starts a line of its own.
        width = max(PRINT_WIDTHS[key] * 1.15 - 1, 1)
        lines = max(lines, sum(max(1, math.ceil(sum(2 if ord(ch) > 0x2E80 else 1 for ch in part) / width))
                               for part in value.split("\n")))
    return lines * LINE_PT + 3


def _thumbnails(sheet: Worksheet, photos: Sequence[Photo], row: int, column: int) -> bool:
    """The first before- and the first after-photo, side by side in the cell; False if none shows."""
    shown = 0
    for role in ("before", "after"):
        photo = next((p for p in photos if p.role == role and p.path is not None), None)
        if photo is None or photo.path is None:
            continue
        data = _thumbnail_jpeg(photo.path)
        if data is None:
            continue
        image = SheetImage(io.BytesIO(data))
        marker = AnchorMarker(col=column - 1, colOff=pixels_to_EMU(3 + shown * (THUMB_W + THUMB_GAP)),
                              row=row - 1, rowOff=pixels_to_EMU(3))
        image.anchor = OneCellAnchor(_from=marker, ext=XDRPositiveSize2D(pixels_to_EMU(image.width),
                                                                         pixels_to_EMU(image.height)))
        sheet.add_image(image)
        shown += 1
    return shown > 0


def _thumbnail_jpeg(path: Path) -> bytes | None:
    try:
        with Image.open(path) as source:
            source.draft("RGB", (THUMB_W * 2, THUMB_H * 2))
            rgb = source.convert("RGB")
    except (OSError, UnidentifiedImageError):
        return None  # a damaged photo file costs its thumbnail, not the ledger
    rgb.thumbnail((THUMB_W, THUMB_H), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _summary_sheet(sheet: Worksheet, lines: Sequence[LedgerLine], subtitle: str) -> None:
    _titles(sheet, _("Ledger summary"), subtitle, 3)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 12
    row = HEADER_ROW + 1
    total = len(lines)
    on_spot = sum(1 for line in lines if line.fixed_on_spot)
    funding = sum(v for line in lines if isinstance(v := line.values["funding"], float))
    overview: list[tuple[str, object, str | None]] = [
        (_("Hazards"), total, None),
        (_("Overdue"), sum(1 for line in lines if line.overdue), None),
        (_("Confirmed major hazards under listed supervision"), sum(1 for line in lines if line.listed), None),
        (_("Fixed on the spot"), on_spot, None),
        (_("On-the-spot fix rate"), on_spot / total if total else 0.0, "0.0%"),
        (_("Funding"), funding, money_format()),
    ]
    row = _section(sheet, row, _("Overview"), overview)
    for heading, key in ((_("By status"), "status"), (_("By category"), "category")):
        counts = Counter(str(line.values[key]) for line in lines)
        row = _section(sheet, row, heading, [(name, n, None) for name, n in counts.most_common()])
    buildings = Counter(line.building or _("(no building)") for line in lines)
    row = _section(sheet, row, _("By building"), [(name, n, None) for name, n in buildings.most_common()])
    _page_setup(sheet, landscape=False)


def _section(sheet: Worksheet, row: int, heading: str, items: list[tuple[str, object, str | None]]) -> int:
    head = sheet.cell(row, 1, heading)
    head.font, head.fill = Font(bold=True), HEADER_FILL
    sheet.cell(row, 2, _("Count") if heading != _("Overview") else None).fill = HEADER_FILL
    sheet.cell(row, 2).font = Font(bold=True)
    row += 1
    for label, value, number_format in items:
        sheet.cell(row, 1, label)
        cell = sheet.cell(row, 2, value)
        if number_format:
            cell.number_format = number_format
        row += 1
    return row + 1
