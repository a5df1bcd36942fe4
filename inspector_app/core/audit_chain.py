"""The hash chain of a hazard's history, as pure functions: which fields are tracked, how a value is
written into an event, and the hash of one event over the one before it. No session, no writes:
appending is core.audit's job, checking core.audit_verify's; both build on this."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspector_app.core.models import Hazard, HazardEvent

GENESIS = "0" * 64
# The hazard fields whose every change goes through an event (and is checked by verify).
TRACKED_FIELDS: tuple[str, ...] = (
    "number", "floor_id", "page", "x", "y", "room", "area_type", "category", "severity",
    "description", "legal_basis", "required_measures", "interim_safeguards", "responsible_unit",
    "responsible_person", "funding", "deadline", "fixed_on_spot", "status", "public_token",
    "previous_hazard_id", "inspection_id", "major_rule",
)
# Set by a major-hazard decision only, never when a hazard is recorded: a creation does not write it,
# so a new hazard's first event reads as it did before the field existed.
DECIDED_FIELDS: tuple[str, ...] = ("major_rule",)


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
