"""The hash-chained hazard history: appending events and verifying that nobody edited it behind
the program's back.

Each event's hash covers its content and the previous event's hash (per hazard, so records merged
from several laptops keep their chains). Every event carries the field changes it made, so replaying
a chain gives the values the hazard row must hold: an edit of either the history or the hazard row
itself is found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.models import Hazard, HazardEvent, utcnow
from inspector_app.core.sync import tracking
from inspector_app.i18n import _

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
    body = {
        "hazard_id": str(event.hazard_id),
        "seq": event.seq,
        "kind": event.kind,
        "actor": event.actor,
        "at": canonical_time(event.at),
        "data": event.data,
        "note": event.note,
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


@dataclass
class AuditProblem:
    hazard_number: str
    hazard_id: str
    event_seq: int | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "hazard": self.hazard_number, "hazard_id": self.hazard_id,
            "event_seq": self.event_seq, "problem": self.problem,
        }


@dataclass
class AuditReport:
    hazards_checked: int = 0
    events_checked: int = 0
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "hazards_checked": self.hazards_checked,
            "events_checked": self.events_checked,
            "first_broken": self.problems[0].as_dict() if self.problems else None,
            "problems": [p.as_dict() for p in self.problems],
        }


def _verify_hazard(hazard: Hazard, events: list[HazardEvent], report: AuditReport) -> None:
    def broken(seq: int | None, problem: str) -> None:
        report.problems.append(AuditProblem(hazard.number, str(hazard.id), seq, problem))

    prev_hash = GENESIS
    expected: dict[str, Any] = {}
    for position, event in enumerate(events, start=1):
        report.events_checked += 1
        if event.seq != position:
            broken(event.seq, _("event {expected} is missing from the history").format(expected=position))
            return
        if event.prev_hash != prev_hash:
            broken(event.seq, _("the link to the previous event is broken (an event was changed or removed)"))
            return
        if event_hash(prev_hash, event) != event.hash:
            broken(event.seq, _("the event's content does not match its hash (it was edited)"))
            return
        for name, change in (event.data or {}).get("changes", {}).items():
            expected[name] = change[1]
        prev_hash = event.hash
    if not events:
        broken(None, _("the hazard has no history at all"))
        return
    current = snapshot(hazard)
    for name, value in expected.items():
        if current.get(name) != value:
            broken(
                None,
                _("the field '{field}' is {actual!r} but its history says {expected!r}").format(
                    field=name, actual=current.get(name), expected=value
                ),
            )
            return


def verify(session: Session) -> AuditReport:
    """Check every hazard's chain; problems are listed in ledger order, the first broken link first."""
    report = AuditReport()
    hazards = session.scalars(select(Hazard).order_by(Hazard.site_id, Hazard.seq)).all()
    events_by_hazard: dict[uuid.UUID, list[HazardEvent]] = {}
    for event in session.scalars(select(HazardEvent).order_by(HazardEvent.hazard_id, HazardEvent.seq)):
        events_by_hazard.setdefault(event.hazard_id, []).append(event)
    for hazard in hazards:
        report.hazards_checked += 1
        _verify_hazard(hazard, events_by_hazard.get(hazard.id, []), report)
    return report
