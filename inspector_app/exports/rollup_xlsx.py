"""The roll-up (core.rollup) as an XLSX workbook the education bureau can print.

Three sheets: the summary by group (counts by status and level, overdue, fixed on the spot, the
on-the-spot fix rate as a percentage, major hazards open and, apart, the confirmed ones under listed
supervision, with a totals row), the schools with major hazards open, and the counts by category.
Numbers are stored as numbers and dates as dates; every
sheet prints on A4 landscape, one page wide, repeating its title and header rows, with the title and
"page N of M" in the header and footer. Written to a temporary file first, then moved into place, so
a failed export never leaves half a workbook where the old one was.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from inspector_app.core.errors import InspectorError
from inspector_app.core.rollup import Figures, Rollup
from inspector_app.core.workflow import SEVERITY_LABELS, STATUS_LABELS, Severity, Status
from inspector_app.i18n import N_, _, current_language, ngettext, use_language

PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
INTEGER = "0"
HEADER_ROW = 3  # rows 1-2: title and the date of the figures; row 3: column headers
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GROUP_HEADERS = {"site": (N_("County"), N_("School"), N_("Code")), "county": (N_("County"), N_("Schools"))}
GROUP_TITLES = {"site": N_("Fire hazards by school"), "county": N_("Fire hazards by county")}
FIGURE_HEADERS = (N_("Hazards"), *(STATUS_LABELS[s] for s in Status), *(SEVERITY_LABELS[s] for s in Severity),
                  N_("Overdue"), N_("Fixed on the spot"), N_("On-the-spot fix rate"), N_("Major open"),
                  N_("Confirmed major, listed supervision"))


def _figure_cells(figures: Figures) -> list[Any]:
    return [figures.total, *(figures.by_status.get(s, 0) for s in Status),
            *(figures.by_severity.get(s, 0) for s in Severity), figures.overdue, figures.fixed_on_spot,
            figures.fix_rate, figures.major_open, figures.major_listed]


def _text_width(value: Any) -> int:
    """Width of a value in Excel's character units: Chinese characters take two."""
    if isinstance(value, float):
        return 7
    if isinstance(value, dt.date):
        return 10
    text = str(value or "")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _header_width(text: str) -> int:
    """A header may wrap onto two lines, but never inside an English word (Chinese breaks anywhere)."""
    longest = max((_text_width(w) for w in text.split() if w.isascii()), default=0)
    return max(longest + 2, (_text_width(text) + 1) // 2 + 2, 6)


class _Sheet:
    """One printable table: title, the date of the figures, a header row, body rows, a totals row."""

    def __init__(self, book: Workbook, name: str, title: str, rollup: Rollup, scope: str) -> None:
        self.sheet: Worksheet = book.create_sheet(name[:31])  # Excel's limit for a sheet name
        self.title = title
        self.sheet["A1"] = title
        self.sheet["A1"].font = TITLE_FONT
        self.sheet["A2"] = _("Figures as of")
        self.sheet["B2"] = rollup.today
        self.sheet["B2"].number_format = DATE
        self.sheet["B2"].alignment = Alignment(horizontal="left")
        self.sheet.merge_cells("B2:D2")  # room for the date even above narrow number columns
        if scope:
            self.sheet["E2"] = scope
        self.widths: list[int] = []
        self.formats: list[str] = []

    def header(self, headers: Sequence[str], formats: Sequence[str]) -> None:
        self.formats = list(formats)
        self.widths = [_header_width(h) for h in headers]
        for column, text in enumerate(headers, start=1):
            cell = self.sheet.cell(row=HEADER_ROW, column=column, value=text)
            cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, GRID
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        self.sheet.row_dimensions[HEADER_ROW].height = 32

    def row(self, values: Sequence[Any], total: bool = False) -> None:
        row = self.sheet.max_row + 1
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=row, column=column, value=value)
            cell.border = GRID
            if self.formats[column - 1]:
                cell.number_format = self.formats[column - 1]
            if total:
                cell.font, cell.fill = BOLD, TOTAL_FILL
            if not total or column > 1:
                self.widths[column - 1] = max(self.widths[column - 1], _text_width(value) + 2)

    def finish(self) -> None:
        sheet = self.sheet
        last = get_column_letter(max(len(self.widths), 1))
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width, 40)
        sheet.merge_cells(f"A1:{last}1")
        sheet.row_dimensions[1].height = 24
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1).coordinate
        sheet.print_title_rows = f"1:{HEADER_ROW}"
        setup = sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = sheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages down as it takes
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.oddHeader.center.text = self.title
        sheet.oddFooter.center.text = _("Page &P of &N")
        sheet.oddFooter.right.text = rollup_date_text(self.sheet["B2"].value)


def _schools(n: int) -> str:
    return ngettext("{n} school", "{n} schools", n).format(n=n)


def rollup_date_text(value: Any) -> str:
    return _("Figures as of {date}").format(date=value.isoformat() if isinstance(value, dt.date) else value)


def build_workbook(rollup: Rollup) -> Workbook:
    """The workbook in the current language."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    scope = _("Organisation: {name}").format(name=rollup.organisation.name) if rollup.organisation else ""

    group_headers = [_(h) for h in GROUP_HEADERS[rollup.by]]
    summary = _Sheet(book, _("Summary"), _(GROUP_TITLES[rollup.by]), rollup, scope)
    figure_formats = [INTEGER] * (len(FIGURE_HEADERS) - 3) + [PERCENT, INTEGER, INTEGER]
    if rollup.by == "site":
        summary.header([*group_headers, *(_(h) for h in FIGURE_HEADERS)], ["", "", "", *figure_formats])
        for group in rollup.groups:
            summary.row([group.county, group.name, group.code, *_figure_cells(group.figures)])
        summary.row([_("Total"), _schools(rollup.total_sites), "", *_figure_cells(rollup.totals)], total=True)
    else:
        summary.header([*group_headers, *(_(h) for h in FIGURE_HEADERS)], ["", INTEGER, *figure_formats])
        for group in rollup.groups:
            summary.row([group.name, group.sites, *_figure_cells(group.figures)])
        summary.row([_("Total"), rollup.total_sites, *_figure_cells(rollup.totals)], total=True)
    summary.finish()

    major = _Sheet(book, _("Major hazards open"), _("Schools with major hazards open"), rollup, scope)
    major.header([_("County"), _("School"), _("Code"), _("Major open"), _("Of which overdue"),
                  _("Earliest deadline"), _("Of which confirmed, listed supervision")],
                 ["", "", "", INTEGER, INTEGER, DATE, INTEGER])
    for site in rollup.major_open_sites:
        major.row([site.county, site.name, site.code, site.major_open, site.overdue, site.earliest_deadline,
                   site.listed])
    listed = rollup.major_open_sites
    major.row([_("Total"), _schools(len(listed)), "", sum(m.major_open for m in listed),
               sum(m.overdue for m in listed), None, sum(m.listed for m in listed)], total=True)
    major.finish()

    categories = _Sheet(book, _("By category"), _("Fire hazards by category"), rollup, scope)
    categories.header([_("Category group"), _("Category"), _("Hazards"), _("Share"), _("Not yet closed"),
                       _("Major"), _("Overdue"), _("On-the-spot fix rate")],
                      ["", "", INTEGER, PERCENT, INTEGER, INTEGER, INTEGER, PERCENT])
    total = rollup.totals.total
    for category in rollup.categories:
        f = category.figures
        unresolved = f.total - f.by_status.get(Status.CLOSED, 0) - f.by_status.get(Status.WITHDRAWN, 0)
        categories.row([category.group, category.label, f.total, f.total / total if total else None, unresolved,
                        f.by_severity.get(Severity.MAJOR, 0), f.overdue, f.fix_rate])
    t = rollup.totals
    categories.row([_("Total"), "", total, 1.0 if total else None,
                    total - t.by_status.get(Status.CLOSED, 0) - t.by_status.get(Status.WITHDRAWN, 0),
                    t.by_severity.get(Severity.MAJOR, 0), t.overdue, t.fix_rate], total=True)
    categories.finish()
    return book


def write_rollup_xlsx(rollup: Rollup, path: Path, language: str | None = None) -> None:
    """Write the workbook (in ``language``, default the current one) atomically to ``path``."""
    with use_language(language or current_language()):
        path = Path(path)
        if not path.parent.is_dir():
            raise InspectorError(_("The folder {folder} does not exist.").format(folder=path.parent))
        book = build_workbook(rollup)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
        os.close(handle)
        try:
            book.save(temporary)
            os.replace(temporary, path)
        except OSError as exc:
            raise InspectorError(_("Cannot write {path}: {problem}").format(
                path=path, problem=exc.strerror or exc)) from exc
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
