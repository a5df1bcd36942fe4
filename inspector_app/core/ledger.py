"""The ledger (台账) read side: filter, sort and search over every hazard, returning ids first and
rows on demand, so a view over 100,000 hazards asks only for the rows it shows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from inspector_app.core.models import Building, Floor, Hazard
from inspector_app.core.queries import HazardRow, hazard_row, hazard_rows_query
from inspector_app.core.workflow import OVERDUE_STATES


@dataclass
class LedgerFilter:
    statuses: frozenset[str] = frozenset()
    overdue_only: bool = False
    categories: frozenset[str] = frozenset()
    severity: str = ""
    site_id: uuid.UUID | None = None
    building_id: uuid.UUID | None = None
    floor_id: uuid.UUID | None = None
    inspection_id: uuid.UUID | None = None
    responsible: str = ""
    found_from: dt.date | None = None
    found_to: dt.date | None = None
    search: str = ""
    # Category codes whose name (in either language) matches the search text; the caller knows the
    # catalogue, the database does not.
    search_categories: frozenset[str] = field(default_factory=frozenset)


SORT_COLUMNS: dict[str, Any] = {
    "number": (Hazard.site_id, Hazard.seq),
    "status": (Hazard.status,),
    "category": (Hazard.category,),
    "severity": (Hazard.severity,),
    "location": (Building.name, Floor.level, Hazard.room),
    "deadline": (Hazard.deadline,),
    "responsible_person": (Hazard.responsible_person,),
    "description": (Hazard.description,),
    "found_at": (Hazard.found_at,),
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(flt: LedgerFilter, today: dt.date) -> list[Any]:
    conditions: list[Any] = []
    if flt.statuses:
        conditions.append(Hazard.status.in_(sorted(flt.statuses)))
    if flt.overdue_only:
        conditions.append(and_(Hazard.deadline < today, Hazard.status.in_(sorted(OVERDUE_STATES))))
    if flt.categories:
        conditions.append(Hazard.category.in_(sorted(flt.categories)))
    if flt.severity:
        conditions.append(Hazard.severity == flt.severity)
    if flt.site_id:
        conditions.append(Hazard.site_id == flt.site_id)
    if flt.building_id:
        conditions.append(Floor.building_id == flt.building_id)
    if flt.floor_id:
        conditions.append(Hazard.floor_id == flt.floor_id)
    if flt.inspection_id:
        conditions.append(Hazard.inspection_id == flt.inspection_id)
    if flt.responsible.strip():
        pattern = _like(flt.responsible.strip())
        conditions.append(or_(Hazard.responsible_person.like(pattern, escape="\\"),
                              Hazard.responsible_unit.like(pattern, escape="\\")))
    if flt.found_from:
        conditions.append(Hazard.found_at >= dt.datetime.combine(flt.found_from, dt.time.min))
    if flt.found_to:
        conditions.append(Hazard.found_at < dt.datetime.combine(flt.found_to + dt.timedelta(days=1), dt.time.min))
    for word in flt.search.split():
        pattern = _like(word)
        conditions.append(or_(
            Hazard.number.like(pattern, escape="\\"),
            Hazard.description.like(pattern, escape="\\"),
            Hazard.room.like(pattern, escape="\\"),
            Hazard.responsible_person.like(pattern, escape="\\"),
            Hazard.responsible_unit.like(pattern, escape="\\"),
            Hazard.short_code == word.upper(),
            Hazard.category.in_(sorted(flt.search_categories)) if flt.search_categories else false(),
        ))
    return conditions


def _base(columns: Sequence[Any]) -> Any:
    return (select(*columns).select_from(Hazard)
            .outerjoin(Floor, Hazard.floor_id == Floor.id)
            .outerjoin(Building, Floor.building_id == Building.id))


def ledger_ids(session: Session, flt: LedgerFilter, sort: str = "number", descending: bool = False,
               today: dt.date | None = None) -> list[uuid.UUID]:
    """The ids of every hazard that passes the filter, in display order."""
    today = today or dt.date.today()
    order = []
    for column in SORT_COLUMNS.get(sort, SORT_COLUMNS["number"]):
        order.append(column.desc() if descending else column.asc())
    order.append(Hazard.seq.desc() if descending else Hazard.seq.asc())
    query = _base([Hazard.id]).where(*_conditions(flt, today)).order_by(*order)
    return list(session.scalars(query))


def count(session: Session, flt: LedgerFilter, today: dt.date | None = None) -> int:
    query = _base([func.count()]).where(*_conditions(flt, today or dt.date.today()))
    return int(session.scalar(query) or 0)


def rows_by_id(session: Session, ids: Iterable[uuid.UUID], today: dt.date | None = None) -> dict[uuid.UUID, HazardRow]:
    """Full rows for the given ids (one query), for the part of the ledger on screen."""
    wanted = list(ids)
    if not wanted:
        return {}
    today = today or dt.date.today()
    query = hazard_rows_query().where(Hazard.id.in_(wanted))
    return {
        h.id: hazard_row(h, site, building, floor, today)
        for h, site, building, floor in session.execute(query)
    }
