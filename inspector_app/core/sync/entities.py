"""What replicates: every table of the ledger by name, in the order rows must be written (parents
before children, so foreign keys hold on PostgreSQL too), and the organisation each row belongs to
(what an account may reach)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Date, DateTime, Uuid, select
from sqlalchemy.orm import Session

from inspector_app.core.models import (
    Attachment,
    Base,
    Building,
    ChecklistAnswer,
    ChecklistRun,
    Floor,
    Hazard,
    HazardEvent,
    Inspection,
    Notice,
    Organisation,
    PlanDocument,
    Review,
    Site,
    SupersededToken,
    notice_hazards,
    review_hazards,
)

# Rows merged whole, the newer sync_clock winning; written in this order.
CLOCKED: dict[str, type[Base]] = {
    "organisation": Organisation,
    "site": Site,
    "building": Building,
    "floor": Floor,
    "plan_document": PlanDocument,
    "inspection": Inspection,
    # hazards, their events and superseded tokens go here (see HAZARD_STAGE)
    "attachment": Attachment,
    "notice": Notice,
    "checklist_run": ChecklistRun,
    "checklist_answer": ChecklistAnswer,
    "review": Review,
}
HAZARD_STAGE = list(CLOCKED).index("inspection") + 1
ENTITY_OF: dict[type[Base], str] = {model: name for name, model in CLOCKED.items()}
ENTITY_OF[Hazard] = "hazard"
ENTITY_OF[HazardEvent] = "event"
ENTITY_OF[SupersededToken] = "hazard"
# Where a row names a stored file (moved by content hash before the row itself).
FILE_COLUMNS: dict[str, str] = {"plan_document": "file_hash", "attachment": "file_hash", "review": "signature_hash"}


def entity_order(entity: str) -> int:
    names = list(CLOCKED)
    if entity in ("hazard", "event"):
        return HAZARD_STAGE
    if entity not in names:
        return len(names) + 1  # unknown: last, and refused when its turn comes
    return names.index(entity) + (1 if names.index(entity) >= HAZARD_STAGE else 0)


def primary_key(obj: Any) -> uuid.UUID:
    # A superseded token travels with its hazard (its own key is the token text, not an id).
    return obj.hazard_id if isinstance(obj, SupersededToken) else obj.id


def _encode(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def row_to_json(obj: Base) -> dict[str, Any]:
    return {column.key: _encode(getattr(obj, column.key)) for column in obj.__table__.columns}


def row_values(model: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    """The column values of a row sent as JSON, typed again; unknown keys are an error."""
    columns = {column.key: column for column in model.__table__.columns}
    unknown = set(data) - set(columns)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        column_type = columns[key].type
        if value is None:
            values[key] = None
        elif isinstance(column_type, Uuid):
            values[key] = uuid.UUID(str(value))
        elif isinstance(column_type, DateTime):
            parsed = dt.datetime.fromisoformat(str(value))
            values[key] = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        elif isinstance(column_type, Date):
            values[key] = dt.date.fromisoformat(str(value))
        else:
            values[key] = value
    return values


def row_item(session: Session, entity: str, obj: Base) -> dict[str, Any]:
    """A row as a push, a pull and a bundle carry it: its columns, and the hazards it covers."""
    item: dict[str, Any] = {"entity": entity, "row": row_to_json(obj)}
    links = links_of(session, entity, primary_key(obj))
    if links is not None:
        item["links"] = links
    return item


def file_of(item: dict[str, Any]) -> str | None:
    """The stored file a row item names (a plan, a photo, a signature), if any."""
    column = FILE_COLUMNS.get(str(item.get("entity")))
    return (item.get("row") or {}).get(column) or None if column else None


def chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """Slices small enough for one ``IN (...)`` query."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def links_of(session: Session, entity: str, row_id: uuid.UUID) -> list[str] | None:
    """The hazards a notice or a review covers (kept in link tables, sent with the row)."""
    if entity == "notice":
        return [str(h) for h in session.scalars(select(notice_hazards.c.hazard_id)
                                                .where(notice_hazards.c.notice_id == row_id)
                                                .order_by(notice_hazards.c.position))]
    if entity == "review":
        return [str(h) for h in session.scalars(select(review_hazards.c.hazard_id)
                                                .where(review_hazards.c.review_id == row_id))]
    return None


class OrganisationResolver:
    """Finds the organisation of any replicated row, remembering what it looked up."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._site: dict[uuid.UUID, uuid.UUID | None] = {}
        self._cache: dict[tuple[str, uuid.UUID], uuid.UUID | None] = {}

    def of_site(self, site_id: uuid.UUID | None) -> uuid.UUID | None:
        if site_id is None:
            return None
        if site_id not in self._site:
            self._site[site_id] = self.session.scalar(select(Site.organisation_id).where(Site.id == site_id))
        return self._site[site_id]

    def preload_hazards(self, hazard_ids: list[uuid.UUID]) -> None:
        """Look up the organisations of many hazards at once (a push of thousands of photos)."""
        wanted = [h for h in dict.fromkeys(hazard_ids) if ("hazard", h) not in self._cache]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self.session.execute(select(Hazard.id, Hazard.site_id).where(Hazard.id.in_(chunk)))
            for hazard_id, site_id in rows:
                self._cache[("hazard", hazard_id)] = self.of_site(site_id)

    def _lookup(self, kind: str, key: uuid.UUID | None) -> uuid.UUID | None:
        if key is None:
            return None
        if (kind, key) in self._cache:
            return self._cache[(kind, key)]
        s = self.session
        result: uuid.UUID | None
        if kind == "building":
            result = self.of_site(s.scalar(select(Building.site_id).where(Building.id == key)))
        elif kind == "floor":
            result = self._lookup("building", s.scalar(select(Floor.building_id).where(Floor.id == key)))
        elif kind == "hazard":
            result = self.of_site(s.scalar(select(Hazard.site_id).where(Hazard.id == key)))
        elif kind == "inspection":
            result = self.of_site(s.scalar(select(Inspection.site_id).where(Inspection.id == key)))
        elif kind == "run":
            result = self._lookup("inspection",
                                  s.scalar(select(ChecklistRun.inspection_id).where(ChecklistRun.id == key)))
        else:
            raise KeyError(kind)
        self._cache[(kind, key)] = result
        return result

    def of_values(self, entity: str, values: dict[str, Any], links: list[str] | None = None) -> uuid.UUID | None:
        """The organisation of a row given by its column values (a row pushed, or one stored)."""
        if entity == "organisation":
            return values.get("id")
        if entity == "site":
            return values.get("organisation_id")
        if entity in ("building",):
            return self.of_site(values.get("site_id"))
        if entity == "floor":
            return self._lookup("building", values.get("building_id"))
        if entity == "plan_document":
            return self._lookup("floor", values.get("floor_id"))
        if entity in ("inspection", "hazard"):
            return self.of_site(values.get("site_id"))
        if entity in ("event", "attachment"):
            return self._lookup("hazard", values.get("hazard_id"))
        if entity == "checklist_run":
            return self._lookup("inspection", values.get("inspection_id"))
        if entity == "checklist_answer":
            return self._lookup("run", values.get("run_id"))
        if entity in ("notice", "review"):
            for hazard_id in links or ():
                found = self._lookup("hazard", uuid.UUID(str(hazard_id)))
                if found is not None:
                    return found
            return None
        raise KeyError(entity)

    def of_row(self, entity: str, obj: Base) -> uuid.UUID | None:
        links = links_of(self.session, entity, primary_key(obj)) if entity in ("notice", "review") else None
        values = {column.key: getattr(obj, column.key) for column in obj.__table__.columns}
        return self.of_values(entity, values, links)
