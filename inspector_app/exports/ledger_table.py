"""The ledger (台账) as a table in the layout school ledgers use, written to XLSX or CSV.

Columns follow the ledgers seen in practice (DOMAIN-NOTES.md): number, date found, check kind,
inspectors, place, category, description, level, photos, on the spot or by deadline, measures,
responsible unit and person, funding, deadline, status, supervision level (督办, derived), rectification
done and notes (what was fixed on the spot, what the unit reported, why a hazard was withdrawn),
re-inspection, date closed. A hazard recorded outside an inspection says so as its check kind, and
names who recorded it as its inspector.
Values keep their types (dates as dates, funding as a number of yuan, photos as files) so that the
XLSX can hold real date and number cells; ``display`` turns one into the text the CSV and the PDF
print. CSV is UTF-8 with a byte-order mark, because Excel otherwise reads Chinese as mojibake.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue
from inspector_app.core.major_decision import listed, listed_label
from inspector_app.core.models import Attachment, Building, Floor, Hazard, HazardEvent, Inspection, Site
from inspector_app.core.store import FileStore
from inspector_app.core.structure import inspection_kind_label
from inspector_app.core.supervision import LevelReader
from inspector_app.core.supervision_rules import level_label
from inspector_app.core.workflow import is_overdue, severity_label, status_label
from inspector_app.i18n import N_, _, current_language, ngettext

COLUMNS: tuple[tuple[str, str, int], ...] = (  # key, header, width in characters
    ("number", N_("Number"), 12), ("found", N_("Date found"), 12), ("kind", N_("Check kind"), 10),
    ("inspectors", N_("Inspectors"), 14), ("place", N_("Building / floor / room"), 24),
    ("category", N_("Category"), 22), ("description", N_("Description"), 36), ("severity", N_("Level"), 10),
    ("photos", N_("Photos"), 16), ("handling", N_("On the spot or by deadline"), 14),
    ("measures", N_("Rectification measures"), 36), ("unit", N_("Responsible unit"), 16),
    ("person", N_("Responsible person"), 12), ("funding", N_("Funding"), 10), ("deadline", N_("Deadline"), 12),
    ("status", N_("Status"), 12), ("supervision", N_("Supervision"), 12),
    ("rectification", N_("Rectification and notes"), 30),
    ("reinspection", N_("Re-inspection date and result"), 22), ("closed", N_("Date closed"), 12),
)
# Who wrote the ledger line of a hazard recorded outside an inspection (no inspection, no check kind).
OUTSIDE_INSPECTION = N_("Outside an inspection")
# Steps whose note says what was done about the hazard, or why it left the ledger; in the
# "rectification" column, dated, one a line. Re-inspections have their own column.
NOTED_STEPS = {"rectification_started": N_("rectification started"), "rectification_reported": N_("reported done"),
               "fixed_on_spot": N_("fixed on the spot"), "withdrawn": N_("withdrawn")}


DATE_KEYS = ("found", "deadline", "closed")
_AMOUNT = re.compile(r"^\s*(?:¥|￥|CNY|RMB)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:元|yuan|CNY|RMB)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Photo:
    role: str  # "before" or "after"
    path: Path | None  # None when the file is not in this laptop's store (not yet synced)


@dataclass(frozen=True)
class LedgerLine:
    values: dict[str, Any]
    overdue: bool
    site: str = ""
    building: str = ""
    category_code: str = ""
    status_code: str = ""
    fixed_on_spot: bool = False
    photos: tuple[Photo, ...] = ()
    listed: bool = False  # a confirmed major hazard not yet fixed: heads the ledger, marked until closed


def funding_amount(text: str) -> float | None:
    """The yuan in a funding entry ("15000", "15,000元", "¥2000"); None when it is not a sum."""
    match = _AMOUNT.match(text or "")
    return float(match[1].replace(",", "")) if match else None


def money(amount: float) -> str:
    """A sum of yuan with its unit, in the current language: 15,000元 / CNY 15,000."""
    digits = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{digits}元" if current_language().startswith("zh") else f"CNY {digits}"


def funding_text(text: str) -> str:
    """Funding as printed: a sum with its unit, any other words as they were written."""
    amount = funding_amount(text)
    return money(amount) if amount is not None else (text or "")


def photo_summary(photos: Sequence[Photo]) -> str:
    before = sum(1 for p in photos if p.role == "before")
    after = len(photos) - before
    parts = []
    if before:
        parts.append(ngettext("{count} photo before", "{count} photos before", before).format(count=before))
    if after:
        parts.append(ngettext("{count} photo after", "{count} photos after", after).format(count=after))
    return _("; ").join(parts)


def display(key: str, value: Any) -> str:
    """One ledger value as text (CSV and PDF)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if key == "funding":
        return money(value) if isinstance(value, float) else str(value)
    return str(value)


def _day(value: dt.datetime | None) -> dt.date | None:
    return dates.local_date(value) if value else None


def ledger_lines(session: Session, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID] | None = None,
                 today: dt.date | None = None, store: FileStore | None = None) -> list[LedgerLine]:
    """One line per hazard in ledger order (all hazards, or the given ones): the confirmed major hazards
    not yet fixed first (listed supervision, marked in the level column), then the rest by number."""
    query = (select(Hazard, Building.name, Floor.name, Inspection, Site.name)
             .join(Site, Hazard.site_id == Site.id)
             .outerjoin(Floor, Hazard.floor_id == Floor.id)
             .outerjoin(Building, Floor.building_id == Building.id)
             .outerjoin(Inspection, Hazard.inspection_id == Inspection.id)
             .order_by(Hazard.site_id, Hazard.seq))
    if hazard_ids is not None:
        query = query.where(Hazard.id.in_(list(hazard_ids)))
    # Stable: by number within the listed hazards and within the rest.
    rows = sorted(session.execute(query).all(), key=lambda row: not listed(row[0].major_rule, row[0].status))
    language = current_language()  # the document's: callers make the lines inside use_language(...)
    ids = [row[0].id for row in rows]
    photos: dict[uuid.UUID, list[Photo]] = {}
    for hazard_id, role, digest in session.execute(
            select(Attachment.hazard_id, Attachment.role, Attachment.file_hash).where(Attachment.hazard_id.in_(ids))
            .order_by(Attachment.created_at)):
        photos.setdefault(hazard_id, []).append(Photo(role, store.find(digest) if store is not None else None))
    checks: dict[uuid.UUID, str] = {}
    done: dict[uuid.UUID, list[str]] = {}
    recorded_by: dict[uuid.UUID, str] = {}
    for hazard_id, kind, at, note, actor in session.execute(
            select(HazardEvent.hazard_id, HazardEvent.kind, HazardEvent.at, HazardEvent.note, HazardEvent.actor)
            .where(HazardEvent.hazard_id.in_(ids),
                   HazardEvent.kind.in_(("created", "reinspection_passed", "reinspection_failed", *NOTED_STEPS)))
            .order_by(HazardEvent.seq)):
        day = dates.local_date(at).isoformat()
        if kind == "created":
            recorded_by[hazard_id] = actor
        elif kind in NOTED_STEPS:
            if note or kind != "rectification_started":
                step = f"{day} {_(NOTED_STEPS[kind])}"
                line = _("{step}: {note}").format(step=step, note=note) if note else step
                done.setdefault(hazard_id, []).append(line)
        else:
            result = _("passed") if kind == "reinspection_passed" else _("failed")
            checks[hazard_id] = f"{day} {result} {note}".strip()
    levels = LevelReader(session, today, ids)
    lines = []
    for hazard, building, floor, inspection, site in rows:
        category = catalogue.categories.get(hazard.category)
        amount = funding_amount(hazard.funding)
        hazard_photos = tuple(photos.get(hazard.id, []))
        lines.append(LedgerLine(values={
            "number": hazard.number, "found": _day(hazard.found_at),
            "kind": inspection_kind_label(inspection.kind) if inspection else _(OUTSIDE_INSPECTION),
            "inspectors": (inspection.inspectors if inspection else "") or recorded_by.get(hazard.id, ""),
            "place": " / ".join(p for p in (building, floor, hazard.room) if p),
            "category": category.name.get(language) if category else hazard.category,
            "description": hazard.description, "severity": _level(hazard),
            "photos": photo_summary(hazard_photos),
            "handling": _("On the spot") if hazard.fixed_on_spot else _("By deadline"),
            # Still as forms/ gave it: in the document's language; the inspector's own words as written.
            "measures": category.requirement.as_printed(hazard.required_measures, language) if category
            else hazard.required_measures,
            "unit": hazard.responsible_unit,
            "person": hazard.responsible_person, "funding": amount if amount is not None else hazard.funding,
            "deadline": hazard.deadline,
            "status": status_label(hazard.status),
            "supervision": level_label(level) if (level := levels.level(hazard)) else "",
            "rectification": "\n".join(done.get(hazard.id, [])),
            "reinspection": checks.get(hazard.id, ""),
            "closed": _day(hazard.closed_at),
        }, overdue=is_overdue(hazard.status, hazard.deadline, today), site=site, building=building or "",
            category_code=hazard.category, status_code=hazard.status, fixed_on_spot=hazard.fixed_on_spot,
            photos=hazard_photos, listed=listed(hazard.major_rule, hazard.status)))
    return lines


def _level(hazard: Hazard) -> str:
    """The level as the ledger prints it: a confirmed major hazard not yet fixed carries the
    listed-supervision mark and its rule (the id as forms/major_hazards names it)."""
    level = severity_label(hazard.severity)
    if listed(hazard.major_rule, hazard.status):
        return f"{level} · {listed_label()}\n({hazard.major_rule})"
    return level


def headers() -> list[str]:
    return [_(header) for _key, header, _width in COLUMNS]


def write_csv(lines: Sequence[LedgerLine], path: Path) -> None:
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers())
            for line in lines:
                writer.writerow([display(key, line.values[key]) for key, _h, _w in COLUMNS])
    except OSError as exc:
        raise InspectorError(_("Cannot write {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc


def review_statement(session: Session, hazard_ids: Sequence[uuid.UUID] | None) -> str:
    """The principal's latest confirmation of these hazards, as an export prints it ("" when none)."""
    from inspector_app.core.reviews import latest_review

    review = latest_review(session, hazard_ids)
    if review is None:
        return ""
    return _("Latest review by the principal: {name}, {date}").format(name=review.reviewer,
                                                                       date=review.reviewed_on.isoformat()) + (
        " (" + review.note + ")" if review.note else "")
