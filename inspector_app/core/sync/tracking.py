"""Change tracking on every ledger: each flush stamps changed rows with the replica's clock and writes
what changed into the change log, in commit order; and the replica's identity that events name.

Installed on the session factory by ``core.db.open_database``, so every use case (UI, CLI, server)
is tracked without knowing about sync. On PostgreSQL the log is written under one transaction-level
advisory lock: cursors are then handed out in commit order, and a reader that has seen cursor N has
seen everything below it (a plain sequence can commit 11 before 10, and a pull would skip 10).
"""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from inspector_app.core.models import (
    Attachment,
    ChangeLog,
    Hazard,
    HazardEvent,
    Notice,
    Replica,
    SupersededToken,
    utcnow,
)
from inspector_app.core.sync.clock import HybridClock
from inspector_app.core.sync.entities import CLOCKED, ENTITY_OF, OrganisationResolver, primary_key

NUMBER_BLOCK = 10_000  # hazard and notice numbers of laptop k are k*NUMBER_BLOCK+1 ...
CHANGE_LOG_LOCK = 84_700_001
CLOCKED_MODELS = tuple(CLOCKED.values())


@dataclass
class Tracker:
    replica_id: uuid.UUID
    device_index: int | None
    clock: HybridClock


def tracker_of(session: Session) -> Tracker | None:
    return session.info.get("tracker")


def source_of(session: Session) -> str:
    return str(session.info.get("sync_source", "local"))


def origin_of(session: Session) -> str | None:
    tracker = tracker_of(session)
    return str(tracker.replica_id) if tracker else None


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    tracker = tracker_of(session)
    if tracker is None or source_of(session) != "local":
        return
    for obj in session.new:
        if isinstance(obj, CLOCKED_MODELS):
            obj.sync_clock = tracker.clock.now()  # type: ignore[attr-defined]
    for obj in session.dirty:
        if isinstance(obj, CLOCKED_MODELS) and session.is_modified(obj, include_collections=False):
            obj.sync_clock = tracker.clock.now()  # type: ignore[attr-defined]


def _after_flush(session: Session, _context: Any) -> None:
    if tracker_of(session) is None:
        return
    entries: dict[tuple[str, uuid.UUID], bool] = {}
    objects: dict[tuple[str, uuid.UUID], Any] = {}
    for obj, deleted in ((o, False) for o in (*session.new, *session.dirty)):
        entity = ENTITY_OF.get(type(obj))
        if entity is None or (obj in session.dirty and not session.is_modified(obj, include_collections=False)):
            continue
        entries[(entity, primary_key(obj))] = deleted
        objects[(entity, primary_key(obj))] = obj
    for obj in session.deleted:
        entity = ENTITY_OF.get(type(obj))
        if entity is not None:
            entries[(entity, primary_key(obj))] = entity != "hazard" or isinstance(obj, Hazard)
            objects[(entity, primary_key(obj))] = obj
    if not entries:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOG_LOCK})
    source = source_of(session)
    token_id = session.info.get("token_id")
    now = utcnow()
    organisations = _organisations(session, objects) if connection.dialect.name == "postgresql" else {}
    connection.execute(insert(ChangeLog), [
        {"entity": entity, "entity_id": entity_id, "deleted": deleted, "source": source, "token_id": token_id,
         "at": now, "organisation_id": organisations.get((entity, entity_id))}
        for (entity, entity_id), deleted in entries.items()
    ])


def _organisations(session: Session, objects: dict[tuple[str, uuid.UUID], Any]) -> dict[tuple[str, uuid.UUID], Any]:
    """The organisation of each changed row, for the server's change log (a laptop's pulls nothing by
    organisation: it is one). Looked up once per site, building, floor or hazard for the whole flush."""
    resolver = OrganisationResolver(session)
    found: dict[tuple[str, uuid.UUID], Any] = {}
    with session.no_autoflush:
        # The hazards this flush wrote, and those its events, photos and tokens name, at once: a
        # push of 1,000 hazards otherwise asked for each event's hazard alone (0.75 of 2.5 s CPU).
        for key, obj in objects.items():
            # A superseded token is logged under its hazard's key: it may stand there alone (its
            # hazard written in an earlier flush), and has no site of its own.
            if key[0] == "hazard" and isinstance(obj, Hazard):
                resolver.remember("hazards", key[1], resolver.of_site(obj.site_id))
        resolver.preload_hazards([obj.hazard_id for obj in objects.values()
                                  if isinstance(obj, (HazardEvent, Attachment, SupersededToken)) and obj.hazard_id])
        for key, obj in objects.items():
            if isinstance(obj, SupersededToken):  # logged as its hazard's change
                found[key] = resolver.of_table("hazards", obj.hazard_id)
            else:
                found[key] = resolver.of_row(key[0], obj)
    return found


def log_written(session: Session, entries: dict[tuple[str, uuid.UUID], uuid.UUID | None]) -> None:
    """The change-log entries of rows written without the ORM (a pulled page written set-based by
    core.sync.laptop), as _after_flush writes those of a flush: one per (entity, id), with the
    session's source, under the same lock; the values are each row's organisation (PostgreSQL's log
    keeps it, a laptop's does not need it: pass None). One executemany for the whole batch."""
    if tracker_of(session) is None or not entries:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOG_LOCK})
    source, token_id, now = source_of(session), session.info.get("token_id"), utcnow()
    connection.execute(insert(ChangeLog), [
        {"entity": entity, "entity_id": entity_id, "deleted": False, "source": source, "token_id": token_id,
         "at": now, "organisation_id": organisation}
        for (entity, entity_id), organisation in entries.items()
    ])


def log_change(session: Session, entity: str, entity_id: uuid.UUID, source: str = "local") -> None:
    """Write a change-log entry by hand (a rebased hazard is a local change made while pulling)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOG_LOCK})
    connection.execute(insert(ChangeLog).values(entity=entity, entity_id=entity_id, deleted=False, source=source,
                                                token_id=None, at=utcnow()))


def install(sessions: sessionmaker[Session]) -> Tracker:
    """Load (or make, on first open) this ledger's replica identity and track every session's changes."""
    with sessions() as session:
        replica = session.scalars(select(Replica).limit(1)).first()
        if replica is None:
            replica = Replica(id=uuid.uuid4(), name=_machine_name(), device_index=None, server_url="", pull_cursor=0,
                              push_cursor=0, clock="", last_error="")
            session.add(replica)
            session.commit()
        tracker = Tracker(replica.id, replica.device_index, HybridClock(replica.id, replica.clock))
    sessions.configure(info={"tracker": tracker})
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)
    return tracker


def _machine_name() -> str:
    try:
        return socket.gethostname()[:200]
    except OSError:
        return ""


def _block(session: Session) -> tuple[int, int] | None:
    tracker = tracker_of(session)
    if tracker is None or not tracker.device_index:
        return None
    low = tracker.device_index * NUMBER_BLOCK
    return low, low + NUMBER_BLOCK - 1


def next_hazard_seq(session: Session, site_id: uuid.UUID) -> int:
    """The next hazard number of a site on this ledger.

    A laptop given a device index by the server numbers in its own block, so two laptops offline
    never take the same number; a ledger without one numbers below the first block (and after
    everything, for an old ledger that already filled it).
    """
    block = _block(session)
    low, high = block if block else (0, NUMBER_BLOCK - 1)
    top = session.scalar(select(func.max(Hazard.seq)).where(Hazard.site_id == site_id, Hazard.seq > low,
                                                             Hazard.seq <= high))
    if top is None:
        return low + 1
    if top < high:
        return top + 1
    return (session.scalar(select(func.max(Hazard.seq)).where(Hazard.site_id == site_id)) or 0) + 1


def next_notice_seq(session: Session, prefix: str, year: int, organisation_id: uuid.UUID | None = None) -> int:
    """The next notice number of an organisation for a prefix and year, in this laptop's block like
    hazard numbers."""
    block = _block(session)
    low, high = block if block else (0, NUMBER_BLOCK - 1)
    scope = (Notice.organisation_id == organisation_id, Notice.prefix == prefix, Notice.year == year)
    top = session.scalar(select(func.max(Notice.seq)).where(*scope, Notice.seq > low, Notice.seq <= high))
    if top is None:
        return low + 1
    if top < high:
        return top + 1
    return (session.scalar(select(func.max(Notice.seq)).where(*scope)) or 0) + 1
