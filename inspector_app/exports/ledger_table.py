"""The ledger (台账) as a table in the layout school ledgers use, written to XLSX or CSV.

Columns follow the ledgers seen in practice (DOMAIN-NOTES.md): number, date found, check kind,
inspectors, place, category, description, level, photo reference, on the spot or by deadline,
measures, responsible unit and person, funding, deadline, status, re-inspection, date closed.
CSV is UTF-8 with a byte-order mark, because Excel otherwise reads Chinese as mojibake.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue
from inspector_app.core.models import Attachment, Building, Floor, Hazard, HazardEvent, Inspection
from inspector_app.core.structure import inspection_kind_label
from inspector_app.core.workflow import is_overdue, severity_label, status_label
from inspector_app.i18n import N_, _

COLUMNS: tuple[tuple[str, str, int], ...] = (  # key, header, width in characters
    ("number", N_("Number"), 12), ("found", N_("Date found"), 12), ("kind", N_("Check kind"), 10),
    ("inspectors", N_("Inspectors"), 14), ("place", N_("Building / floor / room"), 24),
    ("category", N_("Category"), 22), ("description", N_("Description"), 36), ("severity", N_("Level"), 10),
    ("photos", N_("Photos"), 16), ("handling", N_("On the spot or by deadline"), 14),
    ("measures", N_("Rectification measures"), 36), ("unit", N_("Responsible unit"), 16),
    ("person", N_("Responsible person"), 12), ("funding", N_("Funding"), 10), ("deadline", N_("Deadline"), 12),
    ("status", N_("Status"), 12), ("reinspection", N_("Re-inspection date and result"), 22),
    ("closed", N_("Date closed"), 12),
)


@dataclass(frozen=True)
class LedgerLine:
    values: dict[str, Any]
    overdue: bool


def _day(value: dt.datetime | None) -> str:
    return dates.local_date(value).isoformat() if value else ""


def ledger_lines(session: Session, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID] | None = None,
                 today: dt.date | None = None) -> list[LedgerLine]:
    """One line per hazard in ledger order (all hazards, or the given ones)."""
    query = (select(Hazard, Building.name, Floor.name, Inspection)
             .outerjoin(Floor, Hazard.floor_id == Floor.id)
             .outerjoin(Building, Floor.building_id == Building.id)
             .outerjoin(Inspection, Hazard.inspection_id == Inspection.id)
             .order_by(Hazard.site_id, Hazard.seq))
    if hazard_ids is not None:
        query = query.where(Hazard.id.in_(list(hazard_ids)))
    rows = session.execute(query).all()
    ids = [row[0].id for row in rows]
    photos: dict[uuid.UUID, list[str]] = {}
    for hazard_id, role, digest in session.execute(
            select(Attachment.hazard_id, Attachment.role, Attachment.file_hash).where(Attachment.hazard_id.in_(ids))):
        photos.setdefault(hazard_id, []).append(f"{_('before') if role == 'before' else _('after')}:{digest[:8]}")
    checks: dict[uuid.UUID, str] = {}
    for hazard_id, kind, at, note in session.execute(
            select(HazardEvent.hazard_id, HazardEvent.kind, HazardEvent.at, HazardEvent.note)
            .where(HazardEvent.hazard_id.in_(ids),
                   HazardEvent.kind.in_(("reinspection_passed", "reinspection_failed")))
            .order_by(HazardEvent.seq)):
        result = _("passed") if kind == "reinspection_passed" else _("failed")
        checks[hazard_id] = f"{dates.local_date(at).isoformat()} {result} {note}".strip()
    lines = []
    for hazard, building, floor, inspection in rows:
        category = catalogue.categories.get(hazard.category)
        lines.append(LedgerLine(values={
            "number": hazard.number, "found": _day(hazard.found_at),
            "kind": inspection_kind_label(inspection.kind) if inspection else "",
            "inspectors": inspection.inspectors if inspection else "",
            "place": " / ".join(p for p in (building, floor, hazard.room) if p),
            "category": category.name.get() if category else hazard.category,
            "description": hazard.description, "severity": severity_label(hazard.severity),
            "photos": " ".join(photos.get(hazard.id, [])),
            "handling": _("On the spot") if hazard.fixed_on_spot else _("By deadline"),
            "measures": hazard.required_measures, "unit": hazard.responsible_unit,
            "person": hazard.responsible_person, "funding": hazard.funding,
            "deadline": hazard.deadline.isoformat() if hazard.deadline else "",
            "status": status_label(hazard.status), "reinspection": checks.get(hazard.id, ""),
            "closed": _day(hazard.closed_at),
        }, overdue=is_overdue(hazard.status, hazard.deadline, today)))
    return lines


def headers() -> list[str]:
    return [_(header) for _key, header, _width in COLUMNS]


def write_csv(lines: Sequence[LedgerLine], path: Path) -> None:
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers())
            for line in lines:
                writer.writerow([line.values[key] for key, _h, _w in COLUMNS])
    except OSError as exc:
        raise InspectorError(_("Cannot write {path}: {problem}").format(path=path, problem=exc)) from exc


def write_xlsx(lines: Sequence[LedgerLine], path: Path, title: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append(headers())
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    overdue_fill = PatternFill("solid", fgColor="FDECEA")
    for cell in sheet[1]:
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="center")
    for line in lines:
        sheet.append([line.values[key] for key, _h, _w in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if line.overdue:
                cell.fill = overdue_fill
    for index, (_key, _header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    try:
        book.save(path)
    except OSError as exc:
        raise InspectorError(_("Cannot write {path}: {problem}").format(path=path, problem=exc)) from exc
