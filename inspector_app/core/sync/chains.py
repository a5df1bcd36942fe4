"""A hazard's history as it travels: events to and from JSON, checking a chain someone sent, and
rebasing this laptop's unsent events onto the chain the server holds.

The server's chain is the order of record. Events a laptop wrote offline are re-appended after the
server's new ones (same ids, new place in the chain). A field both sides changed from the same base
keeps the value that reached the server first; the laptop's value is kept in a "conflict" event in
the history (synced like any other), until a person resolves it. Nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector_app.core import audit
from inspector_app.core.major_decision import SEVERITY_LOWERED
from inspector_app.core.models import Hazard, HazardEvent, SupersededToken
from inspector_app.core.sync.entities import row_to_json, row_values
from inspector_app.core.workflow import Status
from inspector_app.i18n import _

FINAL = (Status.CLOSED.value, Status.WITHDRAWN.value)


class ChainError(ValueError):
    """A sent history that does not hold together; the message says where and why."""


def event_to_json(event: HazardEvent) -> dict[str, Any]:
    return row_to_json(event)


def event_from_json(data: dict[str, Any]) -> HazardEvent:
    return HazardEvent(**row_values(HazardEvent, data))


@dataclass(slots=True)
class ReceivedEvent:
    """A received event's typed column values, with what checking its place in a chain reads: a page
    of new hazards is checked and written without an ORM object per event (issue 23; building them
    was a third of applying a first pull)."""

    values: dict[str, Any]
    hazard_id: Any
    seq: Any
    kind: Any
    actor: Any
    at: Any
    data: Any
    note: Any
    prev_hash: Any
    hash: Any

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReceivedEvent:
        """Typed and checked as event_from_json types it (a ValueError naming a bad field)."""
        values = row_values(HazardEvent, data)
        get = values.get
        return cls(values, get("hazard_id"), get("seq"), get("kind"), get("actor"), get("at"), get("data"),
                   get("note"), get("prev_hash"), get("hash"))


AnyEvent = HazardEvent | ReceivedEvent


def hazard_payload(session: Session, hazard: Hazard, events: list[HazardEvent]) -> dict[str, Any]:
    tokens = session.scalars(select(SupersededToken).where(SupersededToken.hazard_id == hazard.id))
    return {
        "row": row_to_json(hazard),
        "events": [event_to_json(e) for e in events],
        "superseded": [row_to_json(t) for t in tokens],
    }


def chain_of(session: Session, hazard_id: uuid.UUID) -> list[HazardEvent]:
    return list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                                .order_by(HazardEvent.seq)))


def check_links(number: str, hazard_id: uuid.UUID, events: Sequence[AnyEvent], start_seq: int,
                prev_hash: str) -> None:
    """Raise ChainError unless the events continue a chain at (start_seq, prev_hash) untouched."""
    for offset, event in enumerate(events):
        expected_seq = start_seq + offset
        if event.hazard_id != hazard_id:
            raise ChainError(_("hazard {number}: an event of another hazard was sent with it").format(number=number))
        if event.seq != expected_seq:
            raise ChainError(_("hazard {number}: event {seq} is missing from the history").format(
                number=number, seq=expected_seq))
        if event.prev_hash != prev_hash:
            raise ChainError(_("hazard {number}: event {seq} does not follow the event before it (the history "
                               "was changed outside the program)").format(number=number, seq=event.seq))
        if audit.chain_hash(prev_hash, event.hazard_id, event.seq, event.kind, event.actor, event.at, event.data,
                            event.note) != event.hash:
            raise ChainError(_("hazard {number}: event {seq} does not match its hash (it was edited outside the "
                               "program; run 'audit verify' on that laptop)").format(number=number, seq=event.seq))
        prev_hash = event.hash


def replayed_state(events: Sequence[AnyEvent]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for event in events:
        for name, change in (event.data or {}).get("changes", {}).items():
            state[name] = change[1]
    return state


def check_row_matches(number: str, row: dict[str, Any], events: Sequence[AnyEvent]) -> None:
    """Raise ChainError if a hazard row (its typed column values) holds a value its history never gave it."""
    current = {name: audit.json_value(row.get(name)) for name in audit.TRACKED_FIELDS}
    for name, value in replayed_state(events).items():
        if current.get(name) != value:
            raise ChainError(_("hazard {number}: the field '{field}' is {actual!r} but its history says "
                               "{expected!r} (the row was changed outside the program)").format(
                number=number, field=name, actual=current.get(name), expected=value))


def set_row(session: Session, hazard: Hazard | None, values: dict[str, Any]) -> Hazard:
    if hazard is None:
        hazard = Hazard(**values)
        session.add(hazard)
    else:
        for key, value in values.items():
            setattr(hazard, key, value)
    return hazard


def add_superseded(session: Session, hazard_id: uuid.UUID, tokens: list[dict[str, Any]]) -> None:
    if not tokens:
        return
    known = set(session.scalars(select(SupersededToken.token).where(SupersededToken.hazard_id == hazard_id)))
    for data in tokens:
        values = row_values(SupersededToken, data)
        if values["token"] not in known and values["hazard_id"] == hazard_id:
            session.add(SupersededToken(**values))


@dataclass
class RebaseResult:
    conflicts: int = 0
    events: list[HazardEvent] = field(default_factory=list)


def _copy(event: HazardEvent) -> HazardEvent:
    return HazardEvent(id=event.id, hazard_id=event.hazard_id, seq=event.seq, kind=event.kind, actor=event.actor,
                       at=event.at, data=dict(event.data or {}), note=event.note, prev_hash=event.prev_hash,
                       hash=event.hash)


def _append(session: Session, hazard: Hazard, head: tuple[int, str], template: HazardEvent,
            data: dict[str, Any], kind: str | None = None, new_id: bool = False) -> HazardEvent:
    seq, prev_hash = head[0] + 1, head[1]
    event = HazardEvent(id=uuid.uuid4() if new_id else template.id, hazard_id=hazard.id, seq=seq,
                        kind=kind or template.kind, actor=template.actor, at=template.at, data=data,
                        note=template.note if kind is None else "", prev_hash=prev_hash, hash="")
    event.hash = audit.event_hash(prev_hash, event)
    session.add(event)
    return event


def rebase(session: Session, hazard: Hazard, local_only: list[HazardEvent], server_new: list[HazardEvent],
           head: tuple[int, str]) -> RebaseResult:
    """Re-append this laptop's unsent events after the server's new ones.

    ``hazard`` already holds the server's row, ``head`` the server's last (seq, hash). The local
    events are removed and written again at their new places, with the changes that still apply;
    each field the server changed differently since the common base becomes a "conflict" event.
    """
    result = RebaseResult()
    incoming = {e.id for e in server_new}
    # An event already in the incoming chain (a copy that came round through another ledger) is not ours to re-add.
    pending = [_copy(e) for e in local_only if e.id not in incoming]
    session.execute(delete(HazardEvent).where(HazardEvent.id.in_([e.id for e in local_only])))
    session.flush()
    changed_by_server: dict[str, HazardEvent] = {}
    for event in server_new:
        for name in (event.data or {}).get("changes", {}):
            changed_by_server[name] = event
    for event in pending:
        changes: dict[str, list[Any]] = (event.data or {}).get("changes", {})
        current = audit.snapshot(hazard)
        final = hazard.status in FINAL
        applied: dict[str, list[Any]] = {}
        set_aside: list[tuple[str, Any, str]] = []
        for name, (_old, new) in changes.items():
            if current.get(name) == new:
                continue
            if name in changed_by_server:
                set_aside.append((name, new, "both_changed"))
            elif (name == "severity" and new != "major" and current.get("major_rule")
                  and event.kind != SEVERITY_LOWERED and "major_rule" not in changes):
                # Confirmed a major hazard on the server meanwhile: only a lowering with its reason may
                # take the severity down now (core.event_rules refuses anything else).
                set_aside.append((name, new, "confirmed_major"))
            elif final:
                set_aside.append((name, new, "final"))
            else:
                applied[name] = [current.get(name), new]
        for name, (_old, new) in applied.items():
            set_field(hazard, name, new, event.at)
        if applied or not changes:
            data = dict(event.data or {})
            data["changes"] = applied
            if applied != changes:
                data["rebased_from"] = {"changes": changes}
            appended = _append(session, hazard, head, event, data)
            head = (appended.seq, appended.hash)
            result.events.append(appended)
        for name, value, reason in set_aside:
            winner = changed_by_server.get(name)
            data = {
                "changes": {}, "field": name, "kept": current.get(name), "set_aside": value, "reason": reason,
                "set_aside_event": str(event.id), "set_aside_by": event.actor,
                "set_aside_origin": (event.data or {}).get("origin"),
                "kept_by": winner.actor if winner else "", "kept_origin": (winner.data or {}).get("origin")
                if winner else None,
            }
            if (event.data or {}).get("origin"):
                data["origin"] = event.data["origin"]
            appended = _append(session, hazard, head, event, data, kind="conflict", new_id=True)
            head = (appended.seq, appended.hash)
            result.events.append(appended)
            result.conflicts += 1
    if result.events:
        hazard.updated_at = max(_aware(hazard.updated_at or result.events[-1].at), _aware(result.events[-1].at))
    return result


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC


def set_field(hazard: Hazard, name: str, json_value: Any, at: dt.datetime) -> None:
    value = json_value
    column = Hazard.__table__.columns[name]
    if json_value is not None:
        value = row_values(Hazard, {name: json_value}, whole=False)[name]
    setattr(hazard, column.key, value)
    if name == "status":
        hazard.closed_at = at if json_value == Status.CLOSED.value else None
