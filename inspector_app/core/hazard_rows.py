"""One hazard as lists show it (joined with its place's names) and as `hazard list` prints it.

Kept apart from the queries that make these rows (core.queries with SQLAlchemy, core.quick_read with
the standard library's sqlite3), so that the fast read path loads no SQLAlchemy at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

# The newest schema revision this program writes. tests/unit/test_ledger_open.py checks it against the
# migrations folder, so a new migration without a new value here fails the tests. Here rather than in
# core.db so that a reader that must not load SQLAlchemy can compare a ledger's revision with it.
HEAD_REVISION = "0014"


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
    major_rule: str = ""  # the major-hazard rule it was confirmed under (core.major_hazards), "" for none
    # 0 none, 1 reminder, 2 督办, 3 挂牌督办: derived like overdue (core.supervision_rules), never stored.
    supervision_level: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "number": self.number, "site": self.site, "building": self.building,
            "floor": self.floor, "floor_id": str(self.floor_id) if self.floor_id else None,
            "page": self.page, "x": self.x, "y": self.y, "room": self.room, "category": self.category,
            "severity": self.severity, "status": self.status, "overdue": self.overdue,
            "deadline": self.deadline.isoformat() if self.deadline else None, "token": self.token,
            "short_code": self.short_code, "description": self.description,
            "responsible_person": self.responsible_person, "major_rule": self.major_rule or None,
            "supervision_level": self.supervision_level,
        }


CSV_COLUMNS = ("id", "number", "site", "building", "floor", "floor_id", "x", "y", "category", "severity",
               "status", "overdue", "deadline", "token", "supervision_level")
