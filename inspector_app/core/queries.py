"""Read-side queries over the ledger: hazard rows joined with their place, ready for lists and JSON."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.models import Building, Floor, Hazard, Site
from inspector_app.core.workflow import is_overdue


@dataclass(frozen=True)
class HazardRow:
    id: uuid.UUID
    number: str
    site: str
    building: str
    floor: str
    floor_id: uuid.UUID | None
    page: int
    x: float | None
    y: float | None
    room: str
    category: str
    severity: str
    status: str
    overdue: bool
    deadline: dt.date | None
    token: str
    short_code: str
    description: str
    responsible_person: str
    found_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "number": self.number, "site": self.site, "building": self.building,
            "floor": self.floor, "floor_id": str(self.floor_id) if self.floor_id else None,
            "page": self.page, "x": self.x, "y": self.y, "room": self.room, "category": self.category,
            "severity": self.severity, "status": self.status, "overdue": self.overdue,
            "deadline": self.deadline.isoformat() if self.deadline else None, "token": self.token,
            "short_code": self.short_code, "description": self.description,
            "responsible_person": self.responsible_person,
        }


CSV_COLUMNS = ("id", "number", "site", "building", "floor", "floor_id", "x", "y", "category", "severity",
               "status", "overdue", "deadline", "token")


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
    query = query.order_by(Site.name, Hazard.seq)
    today = today or dates.today()
    return [hazard_row(h, site, building, floor, today) for h, site, building, floor in session.execute(query)]


def hazard_row(h: Hazard, site: str, building: str | None, floor: str | None, today: dt.date) -> HazardRow:
    return HazardRow(
        id=h.id, number=h.number, site=site, building=building or "", floor=floor or "",
        floor_id=h.floor_id, page=h.page, x=h.x, y=h.y, room=h.room, category=h.category,
        severity=h.severity, status=h.status, overdue=is_overdue(h.status, h.deadline, today),
        deadline=h.deadline, token=h.public_token, short_code=h.short_code, description=h.description,
        responsible_person=h.responsible_person, found_at=h.found_at,
    )
