"""What replicates: every table of the ledger by name, in the order rows must be written (parents
before children, so foreign keys hold on PostgreSQL too), and the organisation each row belongs to
(what an account may reach)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Uuid, select
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
    RectificationLink,
    Review,
    ReviewLink,
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
    "rectification_link": RectificationLink,
    "review_link": ReviewLink,
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


def row_values(model: type[Base], data: dict[str, Any], whole: bool = True) -> dict[str, Any]:
    """The column values of a row sent as JSON, typed again and checked against the column: a text is
    text of at most the column's length without NUL characters, a number is a finite number, a
    structure is shallow and small. Anything else, unknown keys and a row without its id included,
    is a ValueError naming the field, so a row that could never be stored is refused, not failed on.
    ``whole=False`` types some fields of a row (a value from a history), which then need no id."""
    if not isinstance(data, dict):
        raise ValueError("a row must be a JSON object")
    converters = _converters(model)
    unknown = data.keys() - converters.keys()
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)[:5]}")
    if whole and "id" in converters and data.get("id") is None:
        raise ValueError("the row has no id")
    values: dict[str, Any] = {}
    for key, value in data.items():
        try:
            values[key] = None if value is None else converters[key](value)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"field '{key}': {exc}") from None
    return values


@functools.cache
def _converters(model: type[Base]) -> dict[str, Callable[[Any], Any]]:
    """Each column's check, chosen once per table: a server types every field of every pushed row."""
    return {column.key: _converter(column.type) for column in model.__table__.columns}


# Bounds for what a row may carry; generous for what people type, far below what would hurt a server.
TEXT_LIMIT = 20_000  # characters of a long text (a description, a note)
JSON_DEPTH_LIMIT = 32
JSON_SIZE_LIMIT = 1_000_000  # characters of a JSON value once encoded (a photo's markup strokes)
INTEGER_LIMIT = 2**31 - 1  # PostgreSQL's integer


def _converter(column_type: Any) -> Callable[[Any], Any]:
    if isinstance(column_type, Uuid):
        return _uuid
    if isinstance(column_type, DateTime):
        return _datetime
    if isinstance(column_type, Date):
        return lambda value: dt.date.fromisoformat(_text(value, 20))
    if isinstance(column_type, Boolean):
        return _boolean
    if isinstance(column_type, Integer):
        return _integer
    if isinstance(column_type, Float):
        return _float
    if isinstance(column_type, JSON):
        return _json
    if isinstance(column_type, String):  # String and Text
        limit = column_type.length or TEXT_LIMIT
        return lambda value: _text(value, limit)
    return functools.partial(_unsendable, column_type)


def _unsendable(column_type: Any, _value: Any) -> Any:
    raise ValueError(f"a column of type {column_type} cannot be sent")


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(_text(value, 36))


def _datetime(value: Any) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(_text(value, 40))
    try:
        # In UTC, as it is stored and hashed: a time that has none (year 1 at +08:00) is refused here,
        # not met as an OverflowError by the hash.
        return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except OverflowError:
        raise ValueError(f"the time {value!r} is out of range") from None


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not true or false")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > INTEGER_LIMIT:
        raise ValueError("not a whole number in range")
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("not a finite number")
    return float(value)


def _json(value: Any) -> Any:
    if _check_json(value) > JSON_SIZE_LIMIT and len(json.dumps(value, ensure_ascii=False)) > JSON_SIZE_LIMIT:
        raise ValueError("too large")
    return value


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters")
    if "\x00" in value:
        raise ValueError("holds a NUL character")
    return value


def _check_json(value: Any) -> int:
    """Refuse what is not a small, shallow JSON value of finite numbers and texts without NUL; return
    an upper bound of its encoded length (so that only a value near the limit is encoded to measure
    it). One walk, level by level, without a call per value: every pushed event carries one."""
    bound = 0
    level, depth = [value], 0
    while level:
        if depth > JSON_DEPTH_LIMIT:
            raise ValueError("nested too deeply")
        below: list[Any] = []
        for item in level:
            if isinstance(item, str):
                _text(item, JSON_SIZE_LIMIT)
                bound += 6 * len(item) + 2  # each character at most a \uXXXX escape
            elif isinstance(item, dict):
                for key in item:
                    _text(key, TEXT_LIMIT)
                    bound += 6 * len(key) + 6  # quotes, ": " and ", "
                below.extend(item.values())
                bound += 2
            elif isinstance(item, list):
                below.extend(item)
                bound += 2 + 2 * len(item)
            elif item is None or isinstance(item, bool):
                bound += 5
            elif isinstance(item, float):
                if not math.isfinite(item):
                    raise ValueError("not a finite number")
                bound += 32  # repr of a float: at most 24 characters
            elif isinstance(item, int):
                bound += 32 if -10**30 < item < 10**30 else len(str(item))
            else:
                raise ValueError("not a JSON value")
        level, depth = below, depth + 1
    return bound


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


@functools.cache
def _models_by_table() -> dict[str, type[Base]]:
    """Each mapped table's model, once: every received row asks, a whole pull long."""
    return {getattr(mapper.local_table, "name", ""): mapper.class_ for mapper in Base.registry.mappers}


def missing_reference(session: Session, model: type[Base], values: dict[str, Any],
                      links: list[Any] | None = None, present: set[tuple[str, Any]] | None = None) -> str | None:
    """The first row that a received row names (by a column, or as a hazard its notice or review
    covers) and this ledger does not hold, as "table id"; None when all are here. Checked before
    writing, so the row is set aside with that reason instead of failing the whole page at commit.
    ``present``: rows already found during this page (rows are only added while a page applies, so
    one found stays found; a page of 600 hazards on one floor asks for that floor once)."""
    tables = _models_by_table()
    named: list[tuple[str, Any]] = [(key.column.table.name, values[column.key])
                                    for column in model.__table__.columns if values.get(column.key) is not None
                                    for key in column.foreign_keys]
    named += [("hazards", uuid.UUID(str(link))) for link in links or ()]
    for table, row_id in named:
        target = tables.get(table)
        if target is None or row_id == values.get("id") or (present is not None and (table, row_id) in present):
            continue
        if session.get(target, row_id) is None:
            return f"{table} {row_id}"
        if present is not None:
            present.add((table, row_id))
    return None


@functools.cache
def _references(model: type[Base]) -> tuple[tuple[str, str], ...]:
    """(column, table it names) of each of a table's foreign keys."""
    return tuple((column.key, key.column.table.name) for column in model.__table__.columns
                 for key in column.foreign_keys)


def held_references(session: Session, rows: list[tuple[type[Base], Any, Any]]) -> set[tuple[str, Any]]:
    """Of the rows that these received rows name (``(model, row as JSON, links)``), those this ledger
    holds, as missing_reference's ``present`` keeps them: one query per table and 500 ids, where a page
    of 2,000 photos otherwise asked for each one's hazard alone (issue 23). Values that are no id are
    left for missing_reference to meet (and refuse) row by row."""
    tables = _models_by_table()
    named: dict[str, set[uuid.UUID]] = {}
    for model, row, links in rows:
        if not isinstance(row, dict):
            continue
        try:
            for key, table in _references(model):
                if row.get(key) is not None:
                    named.setdefault(table, set()).add(uuid.UUID(str(row[key])))
            for link in links or ():
                named.setdefault("hazards", set()).add(uuid.UUID(str(link)))
        except (ValueError, TypeError, AttributeError):
            continue
    held: set[tuple[str, Any]] = set()
    for table, ids in named.items():
        target = tables.get(table)
        if target is None:
            continue
        id_column = target.__table__.c.id
        for chunk in chunks(sorted(ids)):
            held.update((table, row_id) for row_id in session.scalars(select(id_column).where(id_column.in_(chunk))))
    return held


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


# How OrganisationResolver names the rows of each table that rows refer to.
_KIND_OF_TABLE = {"buildings": "building", "floors": "floor", "hazards": "hazard", "inspections": "inspection",
                  "checklist_runs": "run"}


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

    def of_table(self, table: str, row_id: uuid.UUID) -> uuid.UUID | None:
        """The organisation of the row ``row_id`` of ``table``; None if no such row is known."""
        if table == "organisations":
            if ("organisation", row_id) not in self._cache:
                found = self.session.scalar(select(Organisation.id).where(Organisation.id == row_id))
                self._cache[("organisation", row_id)] = found
            return self._cache[("organisation", row_id)]
        if table == "sites":
            return self.of_site(row_id)
        return self._lookup(_KIND_OF_TABLE[table], row_id)

    def remember(self, table: str, row_id: uuid.UUID, organisation: uuid.UUID | None) -> None:
        """A row accepted but not yet written (a batch is written after all its rows are checked), so
        a later row of the same batch may refer to it."""
        if table == "sites":
            self._site[row_id] = organisation
        else:
            self._cache[(_KIND_OF_TABLE.get(table, table.removesuffix("s")), row_id)] = organisation

    def of_values(self, entity: str, values: dict[str, Any], links: list[str] | None = None) -> uuid.UUID | None:
        """The organisation of a row given by its column values (a row pushed, or one stored)."""
        if entity == "organisation":
            return values.get("id")
        if entity == "site":
            return values.get("organisation_id")
        if entity in ("building", "review_link"):
            return self.of_site(values.get("site_id"))
        if entity == "floor":
            return self._lookup("building", values.get("building_id"))
        if entity == "plan_document":
            return self._lookup("floor", values.get("floor_id"))
        if entity in ("inspection", "hazard"):
            return self.of_site(values.get("site_id"))
        if entity in ("event", "attachment", "rectification_link"):
            return self._lookup("hazard", values.get("hazard_id"))
        if entity == "checklist_run":
            return self._lookup("inspection", values.get("inspection_id"))
        if entity == "checklist_answer":
            return self._lookup("run", values.get("run_id"))
        if entity == "notice" and values.get("organisation_id") is not None:
            return values["organisation_id"]  # its own since 0005 (older notices: by their hazards)
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
