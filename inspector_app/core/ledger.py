"""The ledger (台账) read side: filter, sort and search over every hazard, returning ids first and
rows on demand, so a view over 100,000 hazards asks only for the rows it shows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import String, and_, false, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.hazard_rows import HazardRow
from inspector_app.core.models import Building, Floor, Hazard
from inspector_app.core.queries import hazard_row, hazard_rows_query
from inspector_app.core.supervision import LevelReader, ids_at_least
from inspector_app.core.unit_report_answers import waiting_hazard_ids
from inspector_app.core.workflow import FINAL_STATES, OVERDUE_STATES, Severity


@dataclass
class LedgerFilter:
    statuses: frozenset[str] = frozenset()
    overdue_only: bool = False
    # Only hazards at this supervision level or above (0: any); derived, so read by core.supervision.
    supervision_min: int = 0
    # Only hazards with a unit's report waiting for the inspector's answer (core.unit_report_answers).
    reports_waiting: bool = False
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


# Each order matches a covering index of models.LEDGER_SORT_INDEXES, so no row is read to sort.
SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "number": (Hazard.site_id, Hazard.seq),
    "status": (Hazard.status, Hazard.site_id, Hazard.seq),
    "category": (Hazard.category, Hazard.seq),
    "severity": (Hazard.severity, Hazard.seq),
    "location": (Hazard.floor_id, Hazard.room, Hazard.seq),
    "deadline": (Hazard.deadline, Hazard.seq),
    "responsible_person": (Hazard.responsible_person, Hazard.seq),
    "description": (Hazard.description, Hazard.seq),
    "found_at": (Hazard.found_at, Hazard.seq),
    # The level is derived, not a column: the deadline's order is its nearest index (later = less urgent).
    "supervision": (Hazard.deadline, Hazard.seq),
}
RawId = Any  # an id as the database driver returns it (hex text on SQLite, uuid on PostgreSQL)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(flt: LedgerFilter, today: dt.date, session: Session | None = None) -> list[Any]:
    conditions: list[Any] = []
    if flt.supervision_min and session is not None:
        conditions.append(Hazard.id.in_(ids_at_least(session, flt.supervision_min, today)))
    if flt.reports_waiting and session is not None:
        conditions.append(Hazard.id.in_(sorted(waiting_hazard_ids(session), key=str)))
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
        conditions.append(Hazard.found_at >= dates.start_of_day(flt.found_from))
    if flt.found_to:
        conditions.append(Hazard.found_at < dates.start_of_day(flt.found_to + dt.timedelta(days=1)))
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


def _needs_place_join(flt: LedgerFilter) -> bool:
    return flt.building_id is not None


def _base(columns: Sequence[Any], flt: LedgerFilter) -> Any:
    query = select(*columns).select_from(Hazard)
    if _needs_place_join(flt):
        query = query.outerjoin(Floor, Hazard.floor_id == Floor.id)
    return query


def ledger_ids(session: Session, flt: LedgerFilter, sort: str = "number", descending: bool = False,
               today: dt.date | None = None) -> list[RawId]:
    """The ids of every hazard that passes the filter, in display order, as raw driver values: the
    confirmed major hazards not yet fixed first (they head the ledger, core.major_hazards), each part
    in the order asked for.

    Raw values, because turning 100,000 of them into UUID objects costs more than the query;
    ``as_uuid`` converts the few a caller needs.
    """
    today = today or dates.today()
    ids = _ordered_ids(session, flt, sort, descending, today)
    # Few hazards are confirmed major ones: found through their own index, then moved to the front.
    heading = {row[0] for row in _fetch_raw(session, _base([type_coerce(Hazard.id, String)], flt).where(
        *_conditions(flt, today), Hazard.major_rule > "", Hazard.status.not_in(sorted(FINAL_STATES))))}
    if not heading:
        return ids
    return [i for i in ids if i in heading] + [i for i in ids if i not in heading]


def _ordered_ids(session: Session, flt: LedgerFilter, sort: str, descending: bool, today: dt.date) -> list[RawId]:
    columns = SORT_COLUMNS.get(sort, SORT_COLUMNS["number"])
    order = [c.desc() if descending else c.asc() for c in columns]
    raw_id = type_coerce(Hazard.id, String)
    if sort == "severity":
        # Major before general (the names sort the other way), each level in number order: one index
        # range per level, so still no row is read to sort.
        known = [Severity.MAJOR.value, Severity.GENERAL.value]
        levels = [Hazard.severity == level for level in known] + [Hazard.severity.not_in(known)]  # none lost
        seq = Hazard.seq.desc() if descending else Hazard.seq.asc()
        return [row[0] for level in (reversed(levels) if descending else levels)
                for row in _fetch_raw(session, _base([raw_id], flt).where(*_conditions(flt, today, session), level)
                                      .order_by(seq))]
    if sort != "location":
        query = _base([raw_id], flt).where(*_conditions(flt, today, session)).order_by(*order)
        return [row[0] for row in _fetch_raw(session, query)]
    # Floors sort by building and level, which live in other tables: read the (few) floors' order
    # once and regroup the index-ordered ids by it, instead of joining 100,000 rows to sort.
    query = (_base([raw_id, type_coerce(Hazard.floor_id, String)], flt).where(*_conditions(flt, today, session))
             .order_by(*order))
    rank = _floor_ranks(session)
    missing = len(rank) + 1
    # The index order keeps each floor's rows together: move whole runs, not single rows.
    runs = [(floor, [pair[0] for pair in group])
            for floor, group in groupby(_fetch_raw(session, query), key=itemgetter(1))]
    runs.sort(key=lambda run: rank.get(run[0], missing), reverse=descending)
    return [raw for _floor, ids in runs for raw in ids]


def _fetch_raw(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """All rows straight from the driver's cursor: the columns are coerced to plain values, so the
    Row objects SQLAlchemy would build for 100,000 rows (half the time) are not needed."""
    result = session.connection().execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def as_uuid(value: RawId) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _floor_ranks(session: Session) -> dict[RawId, int]:
    """Display position of every floor, keyed by the raw id form the ledger query returns."""
    floors = session.execute(
        select(type_coerce(Floor.id, String)).join(Building, Floor.building_id == Building.id)
        .order_by(Building.site_id, Building.name, Floor.level, Floor.name)).scalars()
    return {floor_id: position for position, floor_id in enumerate(floors)}


def count(session: Session, flt: LedgerFilter, today: dt.date | None = None) -> int:
    query = _base([func.count()], flt).where(*_conditions(flt, today or dates.today(), session))
    return int(session.scalar(query) or 0)


def rows_by_id(session: Session, ids: Iterable[RawId], today: dt.date | None = None) -> dict[uuid.UUID, HazardRow]:
    """Full rows for the given ids (one query), for the part of the ledger on screen."""
    wanted = [as_uuid(i) for i in ids]
    if not wanted:
        return {}
    today = today or dates.today()
    query = hazard_rows_query().where(Hazard.id.in_(wanted))
    levels = LevelReader(session, today, wanted)
    return {
        h.id: hazard_row(h, site, building, floor, today, levels.level(h))
        for h, site, building, floor in session.execute(query)
    }
