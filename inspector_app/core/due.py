"""What is due (issue 25): the hazards an inspector must not forget today and in the next days, for the
laptop's Due view, its notice at start, the printed day list and `inspector-app due`.

Why a hazard is listed ("why"): ``overdue`` (open or in progress past its deadline), ``reinspection``
(the unit reported it fixed: the inspector owes the re-inspection, listed while the hazard waits),
``due`` (open or in progress, deadline today or within ``days``), ``report`` (a responsible unit sent
something through its link that waits for the inspector's answer: a rectification report, an
extension request, a dispute; core.unit_report_answers), which comes before the hazard's other
reasons. Each item carries its supervision level (core.supervision_rules), derived like everything here.

``route_order`` sorts items as a walk goes: site, building (its order, then name), floor (level), room.
No Qt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.models import Building, Floor, Hazard, Site
from inspector_app.core.supervision import LevelReader
from inspector_app.core.unit_report_answers import list_reports
from inspector_app.core.workflow import OVERDUE_STATES, Status
from inspector_app.i18n import N_, _

WHY_ORDER = ("overdue", "report", "reinspection", "due")
WHY_LABELS = {"overdue": N_("Overdue"), "report": N_("Unit's report"), "reinspection": N_("Re-inspection"),
              "due": N_("Due")}
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class DueItem:
    id: uuid.UUID
    number: str
    deadline: dt.date | None
    why: str  # one of WHY_ORDER
    level: int  # supervision level, 0..3
    status: str
    severity: str
    category: str
    description: str
    site: str
    building: str
    floor: str
    room: str
    responsible: str
    route: tuple[Any, ...]  # site, building order and name, floor level and name, room: the walk's order

    def as_json(self) -> dict[str, Any]:
        return {"id": str(self.id), "number": self.number,
                "deadline": self.deadline.isoformat() if self.deadline else None, "why": self.why,
                "level": self.level, "status": self.status, "severity": self.severity, "site": self.site,
                "building": self.building, "floor": self.floor, "room": self.room,
                "description": self.description}

    def days_left(self, today: dt.date) -> int | None:
        return (self.deadline - today).days if self.deadline else None


def why_label(why: str) -> str:
    return _(WHY_LABELS.get(why, why))


def due_items(session: Session, days: int = DEFAULT_DAYS, today: dt.date | None = None,
              site_id: uuid.UUID | None = None) -> list[DueItem]:
    """Every hazard due, overdue or waiting for its re-inspection, most pressing first: overdue, then
    re-inspections, then due; each kind by deadline (none last), then number."""
    today = today or dates.today()
    horizon = today + dt.timedelta(days=max(days, 0))
    ruled = sorted(OVERDUE_STATES)
    reported = {report.hazard_id for report in list_reports(session, waiting_only=True)}
    query = (select(Hazard, Site.name, Building.name, Building.sort_order, Floor.name, Floor.level)
             .join(Site, Hazard.site_id == Site.id)
             .outerjoin(Floor, Hazard.floor_id == Floor.id)
             .outerjoin(Building, Floor.building_id == Building.id)
             .where(or_(Hazard.status == Status.AWAITING_REINSPECTION.value, Hazard.id.in_(reported),
                        and_(Hazard.status.in_(ruled), Hazard.deadline.is_not(None), Hazard.deadline <= horizon))))
    if site_id is not None:
        query = query.where(Hazard.site_id == site_id)
    rows = session.execute(query).all()
    levels = LevelReader(session, today, [row[0].id for row in rows])
    items = []
    for hazard, site, building, order, floor, level in rows:
        if hazard.id in reported:
            why = "report"
        elif hazard.status == Status.AWAITING_REINSPECTION.value:
            why = "reinspection"
        else:
            why = "overdue" if hazard.deadline is not None and hazard.deadline < today else "due"
        items.append(DueItem(
            id=hazard.id, number=hazard.number, deadline=hazard.deadline, why=why, level=levels.level(hazard),
            status=hazard.status, severity=hazard.severity, category=hazard.category,
            description=hazard.description, site=site, building=building or "", floor=floor or "",
            room=hazard.room, responsible=hazard.responsible_unit or hazard.responsible_person,
            route=(site, building is None, order or 0, building or "", level if level is not None else 0,
                   floor or "", hazard.room, hazard.seq)))
    items.sort(key=lambda i: (WHY_ORDER.index(i.why), i.deadline is None, i.deadline or today, i.number))
    return items


def route_order(items: list[DueItem]) -> list[DueItem]:
    """The same items in the order a walk takes them: by site, building, floor and room."""
    return sorted(items, key=lambda i: i.route)


def counts(items: list[DueItem]) -> dict[str, int]:
    found = dict.fromkeys(WHY_ORDER, 0)
    for item in items:
        found[item.why] += 1
    return found
