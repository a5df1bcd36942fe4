"""Read-side queries over the ledger: hazard rows joined with their place, ready for lists and JSON.

`hazard list` on a SQLite ledger reads through core.quick_read instead, which must give the same rows
(tests/unit/test_quick_read.py compares the two).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.hazard_rows import HazardRow
from inspector_app.core.models import Building, Floor, Hazard, Site
from inspector_app.core.supervision import LevelReader
from inspector_app.core.workflow import is_overdue


def hazard_rows_query() -> Any:  # a Select of (Hazard, site, building, floor names)
    return (
        select(Hazard, Site.name, Building.name, Floor.name)
        .join(Site, Hazard.site_id == Site.id)
        .outerjoin(Floor, Hazard.floor_id == Floor.id)
        .outerjoin(Building, Floor.building_id == Building.id)
    )


def list_hazards(
    session: Session,
    status: str | None = None,
    floor_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    today: dt.date | None = None,
) -> list[HazardRow]:
    query = hazard_rows_query()
    if status:
        query = query.where(Hazard.status == status)
    if floor_id:
        query = query.where(Hazard.floor_id == floor_id)
    if site_id:
        query = query.where(Hazard.site_id == site_id)
    if building_id:
        query = query.where(Floor.building_id == building_id)
    query = query.order_by(Site.name, Hazard.seq, Hazard.id)  # core.quick_read sorts the same way
    today = today or dates.today()
    levels = LevelReader(session, today)
    return [hazard_row(h, site, building, floor, today, levels.level(h))
            for h, site, building, floor in session.execute(query)]


def hazard_row(h: Hazard, site: str, building: str | None, floor: str | None, today: dt.date,
               supervision_level: int = 0) -> HazardRow:
    return HazardRow(
        id=h.id, number=h.number, site=site, building=building or "", floor=floor or "",
        floor_id=h.floor_id, page=h.page, x=h.x, y=h.y, room=h.room, category=h.category,
        severity=h.severity, status=h.status, overdue=is_overdue(h.status, h.deadline, today),
        deadline=h.deadline, token=h.public_token, short_code=h.short_code, description=h.description,
        responsible_person=h.responsible_person, found_at=h.found_at, major_rule=h.major_rule,
        supervision_level=supervision_level,
    )
