"""Checking the hazard history for damage done behind the program's back.

The verifier exists for the day someone edits the database by hand, so it must survive whatever it
finds: it reads the stored values raw, decodes each one itself and turns anything it cannot read
into a finding instead of an exception. Every kind of damage is named with the hazard's number and
the event's sequence: edited, deleted, reordered or inserted events, undecodable data, a hazard row
that disagrees with its history, a history whose last events were cut off, events of a hazard that
is gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from inspector_app.core.audit_chain import GENESIS, TRACKED_FIELDS, canonical_time, chain_hash, json_value
from inspector_app.core.models import Hazard, HazardEvent, SigningKey
from inspector_app.core.signatures import signature_valid
from inspector_app.i18n import _

# Kinds of finding, for scripts and tests; the wording of `problem` is for people.
UNREADABLE = "unreadable"
MISSING = "missing"
DUPLICATE = "duplicate"
LINK = "link"
EDITED = "edited"
REORDERED = "reordered"
ROW = "row"
NO_HISTORY = "no_history"
CUT_OFF = "cut_off"
ORPHAN = "orphan"
SIGNATURE = "signature"

# Looking for the sequence an out-of-place event was written with costs one hash per candidate.
_REORDER_SEARCH_LIMIT = 2000


@dataclass
class AuditProblem:
    hazard_number: str
    hazard_id: str
    event_seq: int | None
    problem: str
    kind: str = EDITED

    def as_dict(self) -> dict[str, Any]:
        return {
            "hazard": self.hazard_number, "hazard_id": self.hazard_id,
            "event_seq": self.event_seq, "kind": self.kind, "problem": self.problem,
        }


@dataclass
class AuditReport:
    hazards_checked: int = 0
    events_checked: int = 0
    signatures_checked: int = 0  # events whose laptop signature was checked (core.signatures)
    unsigned_events: int = 0  # written before signatures existed, or not sent to a server yet
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "hazards_checked": self.hazards_checked,
            "events_checked": self.events_checked,
            "signatures_checked": self.signatures_checked,
            "unsigned_events": self.unsigned_events,
            "first_broken": self.problems[0].as_dict() if self.problems else None,
            "problems": [p.as_dict() for p in self.problems],
        }


class _Unreadable(Exception):
    """A stored value that its column's type cannot decode."""


class _RawTable:
    """Rows of one table as the database holds them, decoded column by column on request."""

    def __init__(self, session: Session, table: Table, columns: tuple[str, ...]) -> None:
        dialect = session.get_bind().dialect
        self._decoders = {name: _decoder(table.c[name].type, dialect) for name in columns}
        # NullType has no result processing: the driver's value comes through untouched.
        stmt = select(*[type_coerce(table.c[name], NullType()).label(name) for name in columns])
        self.rows = [dict(row._mapping) for row in session.execute(stmt)]

    def value(self, row: dict[str, Any], name: str) -> Any:
        raw = row[name]
        decode = self._decoders[name]
        if raw is None or decode is None:
            return raw
        try:
            return decode(raw)
        except Exception as exc:  # any decoding failure is damage to report, whatever raised it
            raise _Unreadable(_shown(raw)) from exc


def _decoder(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    try:
        return column_type.dialect_impl(dialect).result_processor(dialect, None)
    except TypeError:
        # Some PostgreSQL types choose their processor by the driver's column type; psycopg has then
        # already decoded the value itself.
        return None


def _shown(raw: Any, limit: int = 60) -> str:
    text = raw if isinstance(raw, str) else repr(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Event:
    seq: int
    hash: str
    prev_hash: str
    at: str  # canonical UTC time, comparable as text
    fields: dict[str, Any] | None  # what the hash covers, None if some of it could not be read
    changes: dict[str, Any]
    signer: str | None = None
    signature: str | None = None


class _HazardCheck:
    """One hazard's findings, handed to the report in chain order (the row's own last)."""

    def __init__(self, report: AuditReport, number: str, hazard_id: str) -> None:
        self.report, self.number, self.hazard_id = report, number, hazard_id
        self.found: list[AuditProblem] = []

    def broken(self, seq: int | None, kind: str, problem: str) -> None:
        self.found.append(AuditProblem(self.number, self.hazard_id, seq, problem, kind))

    def done(self) -> None:
        self.report.problems.extend(sorted(self.found, key=lambda p: (p.event_seq is None, p.event_seq or 0)))


def verify_ledger(session: Session) -> AuditReport:
    """Check every hazard's chain and row; problems are listed in ledger order, each hazard's
    earliest damage first."""
    report = AuditReport()
    hazards = _RawTable(session, Hazard.__table__, ("id", "site_id", "seq", "updated_at", *TRACKED_FIELDS))  # type: ignore[arg-type]
    events = _RawTable(session, HazardEvent.__table__,  # type: ignore[arg-type]
                       ("id", "hazard_id", "seq", "kind", "actor", "at", "data", "note", "prev_hash", "hash",
                        "signer", "signature"))
    keys = {key.id: key.public_key for key in session.scalars(select(SigningKey))}

    events_of: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in events.rows:
        try:
            hazard_id = events.value(row, "hazard_id")
        except _Unreadable as exc:
            report.events_checked += 1
            report.problems.append(AuditProblem(
                "", "", None, _("an event names a hazard id that cannot be read: {value}").format(value=exc),
                UNREADABLE))
            continue
        events_of.setdefault(hazard_id, []).append(row)

    def ledger_order(row: dict[str, Any]) -> tuple[str, int]:
        seq = row["seq"]
        return (str(row["site_id"]), seq if isinstance(seq, int) else 0)

    for row in sorted(hazards.rows, key=ledger_order):
        report.hazards_checked += 1
        number = str(row["number"])
        try:
            hazard_id = hazards.value(row, "id")
        except _Unreadable as exc:
            unreadable = _HazardCheck(report, number, "")
            unreadable.broken(None, UNREADABLE, _("the hazard's id cannot be read: {value}").format(value=exc))
            unreadable.done()
            continue
        check = _HazardCheck(report, number, str(hazard_id))
        chain = events_of.pop(hazard_id, [])
        report.events_checked += len(chain)
        expected, last_at = _check_chain(check, events, hazard_id, chain, keys)
        if expected is not None:
            _check_row(check, hazards, row, expected, last_at)
        check.done()

    for hazard_id, rows in events_of.items():
        report.events_checked += len(rows)
        report.problems.append(AuditProblem(
            "", str(hazard_id), None,
            _("{count} events belong to a hazard that is not in the ledger (it was deleted)").format(count=len(rows)),
            ORPHAN))
    return report


def _read_event(check: _HazardCheck, events: _RawTable, hazard_id: uuid.UUID, row: dict[str, Any]) -> _Event | None:
    seq = row["seq"]
    if not isinstance(seq, int):
        check.broken(None, UNREADABLE, _("an event's sequence number cannot be read: {value}").format(
            value=_shown(seq)))
        return None
    fields: dict[str, Any] | None = {"hazard_id": hazard_id, "seq": seq}
    for name in ("kind", "actor", "at", "data", "note"):
        try:
            value = events.value(row, name)
        except _Unreadable as exc:
            check.broken(seq, UNREADABLE, _("the event's {field} cannot be read (not what the program "
                                            "writes): {value}").format(field=name, value=exc))
            fields = None
            break
        assert fields is not None
        fields[name] = value
    at = ""
    changes: dict[str, Any] = {}
    if fields is not None:
        try:
            at = canonical_time(fields["at"])
        except (TypeError, AttributeError, ValueError, OverflowError):  # year 1 at +08:00 is before UTC's year 1
            check.broken(seq, UNREADABLE, _("the event's time cannot be read: {value}").format(
                value=_shown(fields["at"])))
            fields = None
    if fields is not None:
        data = fields["data"]
        raw_changes = data.get("changes", {}) if isinstance(data, dict) else None
        if not isinstance(raw_changes, dict) or not all(
                isinstance(c, list) and len(c) == 2 for c in raw_changes.values()):
            check.broken(seq, UNREADABLE, _("the event's data is not a list of field changes"))
        else:
            changes = {name: change[1] for name, change in raw_changes.items()}
    signer, signature = row.get("signer"), row.get("signature")
    return _Event(seq=seq, hash=str(row["hash"]), prev_hash=str(row["prev_hash"]), at=at, fields=fields,
                  changes=changes, signer=signer if isinstance(signer, str) and signer else None,
                  signature=signature if isinstance(signature, str) else None)


def _hash_of(event: _Event, prev_hash: str, seq: int | None = None) -> str:
    assert event.fields is not None
    f = event.fields
    return chain_hash(prev_hash, f["hazard_id"], f["seq"] if seq is None else seq, f["kind"], f["actor"], f["at"],
                      f["data"], f["note"])


def _check_chain(check: _HazardCheck, events: _RawTable, hazard_id: uuid.UUID,
                 rows: list[dict[str, Any]], keys: dict[str, str]) -> tuple[dict[str, Any] | None, str]:
    """Walk one chain; returns the field values its events add up to (None if nothing can be said
    about the row) and the time of its latest event."""
    if not rows:
        check.broken(None, NO_HISTORY, _("the hazard has no history at all (its events were deleted)"))
        return None, ""
    chain = [e for e in (_read_event(check, events, hazard_id, row) for row in rows) if e is not None]
    chain.sort(key=lambda e: e.seq)
    expected: dict[str, Any] = {}
    previous: _Event | None = None
    for event in chain:
        wanted_seq = previous.seq + 1 if previous else 1
        wanted_prev = previous.hash if previous else GENESIS
        if previous and event.seq == previous.seq:
            check.broken(event.seq, DUPLICATE, _("two events have sequence number {seq} (one was inserted)").format(
                seq=event.seq))
        elif event.seq > wanted_seq:
            check.broken(event.seq, MISSING, _("events {first}–{last} are missing from the history (deleted)").format(
                first=wanted_seq, last=event.seq - 1) if event.seq - 1 > wanted_seq else
                _("event {expected} is missing from the history (deleted)").format(expected=wanted_seq))
        elif event.prev_hash != wanted_prev:
            check.broken(event.seq, LINK, _("the link to the previous event is broken (an event was inserted, "
                                            "moved or removed before it)"))
        if event.fields is not None and _hash_of(event, event.prev_hash) != event.hash:
            written_as = _written_as(event, len(chain))
            if written_as is not None:
                check.broken(event.seq, REORDERED, _("this event was written as event {seq} (events were "
                                                     "reordered)").format(seq=written_as))
            else:
                check.broken(event.seq, EDITED, _("the event's content does not match its hash (it was edited)"))
        _check_signature(check, event, keys)
        expected.update(event.changes)
        previous = event
    latest = max((e.at for e in chain if e.at), default="")
    return expected, latest


def _check_signature(check: _HazardCheck, event: _Event, keys: dict[str, str]) -> None:
    """A signed event's signature must be its laptop's over its hash: an edit whose hashes were all
    recomputed (the chain alone cannot tell) still breaks it, since no one else holds the key."""
    if event.signer is None:
        check.report.unsigned_events += 1
        return
    check.report.signatures_checked += 1
    public_key = keys.get(event.signer)
    if public_key is None:
        check.broken(event.seq, SIGNATURE, _("the event is signed by a key this ledger does not know ({key})").format(
            key=event.signer[:12]))
    elif not signature_valid(public_key, event.hash, event.signature):
        check.broken(event.seq, SIGNATURE, _("the event's signature does not match it (it was changed after its "
                                             "laptop signed it)"))


def _written_as(event: _Event, chain_length: int) -> int | None:
    if chain_length > _REORDER_SEARCH_LIMIT:
        return None
    for seq in range(1, chain_length + 2):
        if seq != event.seq and _hash_of(event, event.prev_hash, seq) == event.hash:
            return seq
    return None


def _check_row(check: _HazardCheck, hazards: _RawTable, row: dict[str, Any], expected: dict[str, Any],
               latest_event_at: str) -> None:
    for name in TRACKED_FIELDS:
        if name not in expected:
            continue
        try:
            actual = json_value(hazards.value(row, name))
        except _Unreadable as exc:
            check.broken(None, UNREADABLE, _("the field '{field}' holds a value the program cannot read: "
                                             "{value}").format(field=name, value=exc))
            continue
        if actual != expected[name]:
            check.broken(None, ROW, _("the field '{field}' is {actual!r} but its history says {expected!r}").format(
                field=name, actual=actual, expected=expected[name]))
    try:
        updated = hazards.value(row, "updated_at")
        updated_at = canonical_time(updated) if updated is not None else ""
    except (_Unreadable, TypeError, AttributeError, ValueError, OverflowError):
        return  # the time of the last change is a convenience, not part of what the chain covers
    if latest_event_at and updated_at > latest_event_at:
        check.broken(None, CUT_OFF, _("the hazard was last changed at {changed} but its history ends earlier (its "
                                      "last events were removed)").format(changed=updated_at[:19].replace("T", " ")))
