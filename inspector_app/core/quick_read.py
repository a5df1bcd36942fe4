"""Read-only answers from a SQLite ledger through the standard library's sqlite3, for the commands a
script runs over and over (`hazard list`): loading SQLAlchemy alone takes longer here (0.26 s of a
0.3 s budget, issue 11) than the whole answer.

This is only a shortcut. Each function returns None whenever it cannot answer for certain (the file is
missing, damaged or locked, its schema is not this program's newest, an id does not parse or names
nothing) and the caller then takes the ordinary path through core.queries, which opens the ledger with
its checks, migrations and messages. The rows must be the ones core.queries makes: the same SQL join,
filters and order; tests/unit/test_quick_read.py compares the two on the same ledgers.

Nothing here writes: the ledger is opened read-only, so it takes none of the ordinary path's side
effects (the daily backup, the one-time move of old user settings); the next command that opens the
ledger does them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

from inspector_app.core import dates
from inspector_app.core.hazard_rows import HEAD_REVISION, HazardRow
from inspector_app.core.supervision_rules import (
    NONE,
    SupervisionRules,
    chains_of_organisations,
    effective_rules,
    level_for,
    manual_level_of,
)
from inspector_app.core.workflow import is_overdue

# The ids are SQLAlchemy's Uuid on SQLite: 32 hex digits without dashes; dates and times are ISO text.
HAZARD_ROWS_SQL = """
SELECT h.id, h.number, s.name, b.name, f.name, h.floor_id, h.page, h.x, h.y, h.room, h.category,
       h.severity, h.status, h.deadline, h.public_token, h.short_code, h.description,
       h.responsible_person, h.found_at, h.major_rule, h.site_id
FROM hazards AS h
JOIN sites AS s ON h.site_id = s.id
LEFT OUTER JOIN floors AS f ON h.floor_id = f.id
LEFT OUTER JOIN buildings AS b ON f.building_id = b.id
"""


def _connect(path: Path) -> sqlite3.Connection | None:
    """The ledger opened read-only at this program's schema, or None (the ordinary path will say why)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
    except (sqlite3.Error, ValueError):
        return None
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        connection.close()
        return None
    if revision != [(HEAD_REVISION,)]:
        connection.close()
        return None
    return connection


def list_hazards(path: Path, status: str | None = None, floor_id: str | None = None,
                 today: dt.date | None = None) -> list[HazardRow] | None:
    """As core.queries.list_hazards(session, status, floor_id) on the ledger at ``path``, or None.
    ``floor_id`` is the text the user gave; one that does not name a floor gets None, so that the
    ordinary path gives its message."""
    connection = _connect(path)
    if connection is None:
        return None
    try:
        where: list[str] = []
        params: list[str] = []
        if status:
            where.append("h.status = ?")
            params.append(status)
        if floor_id is not None:
            try:
                floor_hex = uuid.UUID(floor_id).hex
            except ValueError:
                return None
            if connection.execute("SELECT 1 FROM floors WHERE id = ?", (floor_hex,)).fetchone() is None:
                return None
            where.append("h.floor_id = ?")
            params.append(floor_hex)
        sql = HAZARD_ROWS_SQL + (" WHERE " + " AND ".join(where) if where else "") + \
            " ORDER BY s.name, h.seq, h.id"
        today = today or dates.today()
        rules, manual = _supervision(connection, today)
        default = effective_rules([])
        return [_row(record, today, rules, manual, default) for record in connection.execute(sql, params)]
    except (sqlite3.Error, ValueError):  # damaged pages, or a value this reader does not expect
        return None
    finally:
        connection.close()


def _supervision(connection: sqlite3.Connection, today: dt.date) -> tuple[dict[str, SupervisionRules],
                                                                         dict[str, int]]:
    """Each site's supervision rules and the levels set by hand up to ``today``, as core.supervision
    reads them."""
    organisations = [(oid, parent, json.loads(values) if values else {})
                     for oid, parent, values in connection.execute(
                         "SELECT id, parent_id, supervision FROM organisations")]
    by_org = {oid: effective_rules(chain) for oid, chain in chains_of_organisations(organisations).items()}
    rules = {site: by_org[org] for site, org in connection.execute("SELECT id, organisation_id FROM sites")
             if org in by_org}
    manual: dict[str, int] = {}
    for hazard_id, at, data in connection.execute(
            "SELECT hazard_id, at, data FROM hazard_events WHERE kind = 'supervised'"):
        if dates.local_date(dt.datetime.fromisoformat(at)) <= today:  # set by hand from that day on
            manual[hazard_id] = max(manual.get(hazard_id, NONE), manual_level_of(json.loads(data) if data else {}))
    return rules, manual


def _row(record: tuple, today: dt.date, rules: dict[str, SupervisionRules], manual: dict[str, int],
         default: SupervisionRules) -> HazardRow:
    (hazard_id, number, site, building, floor, floor_id, page, x, y, room, category, severity, status,
     deadline, token, short_code, description, responsible_person, found_at, major_rule, site_id) = record
    due = dt.date.fromisoformat(deadline) if deadline else None
    level = level_for(rules.get(site_id, default), status, severity, due, today, manual.get(hazard_id, NONE))
    return HazardRow(
        id=uuid.UUID(hazard_id), number=number, site=site, building=building or "", floor=floor or "",
        floor_id=uuid.UUID(floor_id) if floor_id else None, page=page, x=x, y=y, room=room,
        category=category, severity=severity, status=status, overdue=is_overdue(status, due, today),
        deadline=due, token=token, short_code=short_code, description=description,
        responsible_person=responsible_person, found_at=dt.datetime.fromisoformat(found_at), major_rule=major_rule,
        supervision_level=level,
    )
