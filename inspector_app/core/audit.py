"""The hash-chained hazard history: the hash of an event and appending events to a chain.

Each event's hash covers its content and the previous event's hash (per hazard, so records merged
from several laptops keep their chains). Every event carries the field changes it made, so replaying
a chain gives the values the hazard row must hold: an edit of either the history or the hazard row
itself is found. The check itself lives in inspector_app.core.audit_verify.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.models import Hazard, HazardEvent, utcnow
from inspector_app.core.sync import tracking

if TYPE_CHECKING:
    from inspector_app.core.audit_verify import AuditReport

GENESIS = "0" * 64
# The hazard fields whose every change goes through an event (and is checked by verify).
TRACKED_FIELDS: tuple[str, ...] = (
    "number", "floor_id", "page", "x", "y", "room", "area_type", "category", "severity",
    "description", "legal_basis", "required_measures", "interim_safeguards", "responsible_unit",
    "responsible_person", "funding", "deadline", "fixed_on_spot", "status", "public_token",
    "previous_hazard_id", "inspection_id",
)


def json_value(value: Any) -> Any:
    """A field value as it is written into an event (and compared on verify)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return canonical_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical_time(value: dt.datetime) -> str:
    # SQLite hands datetimes back without a zone: everything is stored and hashed as naive UTC.
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def event_hash(prev_hash: str, event: HazardEvent) -> str:
    return chain_hash(prev_hash, event.hazard_id, event.seq, event.kind, event.actor, event.at, event.data, event.note)


def chain_hash(prev_hash: str, hazard_id: uuid.UUID, seq: int, kind: str, actor: str, at: dt.datetime,
               data: Any, note: str) -> str:
    """The hash of one event. Its format is pinned by a known-answer test: changing it makes every
    existing ledger fail verification, so it may only change together with a migration that
    re-chains the stored histories."""
    body = {
        "hazard_id": str(hazard_id),
        "seq": seq,
        "kind": kind,
        "actor": actor,
        "at": canonical_time(at),
        "data": data,
        "note": note,
    }
    payload = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def snapshot(hazard: Hazard) -> dict[str, Any]:
    return {name: json_value(getattr(hazard, name)) for name in TRACKED_FIELDS}


def append_event(
    session: Session,
    hazard: Hazard,
    kind: str,
    actor: str,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> HazardEvent:
    """Append one event to a hazard's chain; ``changes`` maps field -> [old, new] as JSON values."""
    last = session.execute(
        select(HazardEvent.seq, HazardEvent.hash)
        .where(HazardEvent.hazard_id == hazard.id)
        .order_by(HazardEvent.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    data: dict[str, Any] = {"changes": changes or {}}
    if extra:
        data.update(extra)
    origin = tracking.origin_of(session)
    if origin:
        data["origin"] = origin  # the laptop that wrote it, so "who did this" survives a merge
    event = HazardEvent(
        id=uuid.uuid4(), hazard_id=hazard.id, seq=seq, kind=kind, actor=actor,
        at=utcnow(), data=data, note=note, prev_hash=prev_hash,
        hash="",
    )
    event.hash = event_hash(prev_hash, event)
    session.add(event)
    hazard.updated_at = event.at
    return event


def verify(session: Session) -> AuditReport:
    """Check every hazard's chain (see inspector_app.core.audit_verify)."""
    from inspector_app.core.audit_verify import verify_ledger

    return verify_ledger(session)
