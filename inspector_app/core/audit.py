"""The hash-chained hazard history: the hash of an event and appending events to a chain.

Each event's hash covers its content and the previous event's hash (per hazard, so records merged
from several laptops keep their chains). Every event carries the field changes it made, so replaying
a chain gives the values the hazard row must hold: an edit of either the history or the hazard row
itself is found. The hash itself is core.audit_chain's; the check lives in core.audit_verify.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.audit_chain import (
    GENESIS,
    TRACKED_FIELDS,
    canonical_time,
    chain_hash,
    event_hash,
    json_value,
    snapshot,
)
from inspector_app.core.audit_verify import AuditReport, verify_ledger
from inspector_app.core.models import Hazard, HazardEvent, utcnow
from inspector_app.core.sync import tracking

# The chain's primitives are defined in core.audit_chain and named here too, where callers look for them.
__all__ = ["GENESIS", "TRACKED_FIELDS", "append_event", "canonical_time", "chain_hash", "event_hash", "json_value",
           "snapshot", "verify"]


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
    return verify_ledger(session)
