"""What `audit verify` (core/audit_verify.py) makes of an event whose stored values decode but are not
what the program writes, re-hashed so that only their shape is wrong: data that is no record of
changes, data that records none, a time before UTC's first year; and where a moved event was
written when it sits at place 0 or its chain is as long as the search for it goes."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from inspector_app.core import audit_verify as av
from inspector_app.core import signatures
from inspector_app.core.audit import GENESIS, chain_hash, verify
from inspector_app.core.hazards import add_hazard, attach_photo, change_status, update_hazard
from inspector_app.core.models import HazardEvent


@pytest.fixture
def ledger(db, catalogue, floor, jpeg_photo):
    """One hazard with five events: created, photo, in progress, edited, photo."""
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="wang", category="evacuation.blocked_route",
                            floor_id=floor, x=0.5, y=0.5, photos=[jpeg_photo])
        change_status(session, db.store, hazard, "in_progress", "li")
        update_hazard(session, hazard, "li", description="bicycles in the stairwell")
        attach_photo(session, db.store, hazard, jpeg_photo, role="before", actor="li")
        number, hazard_id = hazard.number, hazard.id
    with db.session() as session:
        assert verify(session).ok
    return db, number, hazard_id


def rewrite(db, hazard_id: uuid.UUID, seq: int, **values: Any) -> None:
    """Change an event's stored values and re-chain every hash from it on, as someone who knows the
    hash format would: the chain holds together and only what the values say is left to check."""
    with db.session() as session:
        session.execute(update(HazardEvent).where(HazardEvent.hazard_id == hazard_id, HazardEvent.seq == seq)
                        .values(**values))
    with db.session() as session:
        previous = GENESIS
        for event in session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                                     .order_by(HazardEvent.seq)):
            digest = chain_hash(previous, event.hazard_id, event.seq, event.kind, event.actor, event.at, event.data,
                                event.note)
            session.execute(update(HazardEvent).where(HazardEvent.id == event.id).values(prev_hash=previous,
                                                                                         hash=digest))
            previous = digest


def findings(db) -> list[tuple[str, int | None, str, str]]:
    with db.session() as session:
        return [(p.hazard_number, p.event_seq, p.kind, p.problem) for p in verify(session).problems]


@pytest.mark.parametrize("data", [
    ["changes"],
    {"changes": 5},
    {"changes": ["room", "", "1"]},
    {"changes": {"description": "ab"}},  # two letters, not an old and a new value
    {"changes": {"description": ["bicycles in the stairwell"]}},
    {"changes": {"description": [None, "bicycles in the stairwell", "x"]}},
])
def test_event_data_that_is_no_record_of_changes_is_named_at_its_event(ledger, data):
    db, number, hazard_id = ledger
    rewrite(db, hazard_id, 4, data=data)
    found = findings(db)
    # What it changed counts for nothing: the description only event 4 gave is then not the history's.
    assert [(n, seq, kind) for n, seq, kind, _problem in found] == [(number, 4, av.UNREADABLE), (number, None, av.ROW)]
    assert "data" in found[0][3] and "description" in found[1][3]


def test_event_data_that_records_no_changes_changes_nothing(ledger):
    """A photo's event says which photo, and no field: read as changing none, which is no damage."""
    db, _number, hazard_id = ledger
    rewrite(db, hazard_id, 5, data={"attachment_id": "p1"})
    assert findings(db) == []


def test_a_time_before_the_first_year_in_utc_is_shown_as_stored(ledger):
    db, number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute("UPDATE hazard_events SET at = '0001-01-01 00:00:00+08:00' WHERE hazard_id = ? AND seq = 2",
                     (hazard_id.hex,))
    conn.close()
    found = findings(db)
    assert [(n, seq, kind) for n, seq, kind, _problem in found] == [(number, 2, av.UNREADABLE)]
    # The value as Python writes the time it decoded to: year 1, month 1, day 1.
    assert "time" in found[0][3] and "(1, 1, 1, 0, 0" in found[0][3]


def test_an_event_moved_to_place_0_is_reported_before_the_damage_of_event_1(ledger):
    """Each hazard's earliest damage first, even when the earlier one is found while the rows are read
    and the other only when the chain is walked."""
    db, _number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute("UPDATE hazard_events SET data = 'not json' WHERE hazard_id = ? AND seq = 1", (hazard_id.hex,))
        conn.execute("UPDATE hazard_events SET seq = 0 WHERE hazard_id = ? AND seq = 2", (hazard_id.hex,))
    conn.close()
    seqs = [seq for _n, seq, _kind, _problem in findings(db) if seq is not None]
    assert seqs[0] == 0 and 1 in seqs and seqs == sorted(seqs)


@pytest.mark.parametrize(("length", "reordered"), [(av._REORDER_SEARCH_LIMIT, True),
                                                   (av._REORDER_SEARCH_LIMIT + 1, False)])
def test_where_a_moved_event_was_written_is_looked_for_up_to_the_search_limit(ledger, length, reordered):
    """A chain of up to _REORDER_SEARCH_LIMIT events says where each moved event was written; a longer
    one (each candidate costs a hash) still finds it, as edited."""
    db, _number, hazard_id = ledger
    with db.session() as session:
        last = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                               .order_by(HazardEvent.seq.desc())).first()
        assert last is not None
        previous, rows = last.hash, []
        for seq in range(last.seq + 1, length + 1):
            digest = chain_hash(previous, hazard_id, seq, "reviewed", "li", last.at, {"changes": {}}, "")
            rows.append({"id": uuid.uuid4(), "hazard_id": hazard_id, "seq": seq, "kind": "reviewed", "actor": "li",
                         "at": last.at, "data": {"changes": {}}, "note": "", "prev_hash": previous, "hash": digest})
            previous = digest
        session.execute(HazardEvent.__table__.insert(), rows)
    with db.session() as session:
        assert verify(session).ok
    conn = sqlite3.connect(db.engine.url.database)
    with conn:  # the last two events trade places
        for old, new in ((length, -1), (length - 1, length), (-1, length - 1)):
            conn.execute("UPDATE hazard_events SET seq = ? WHERE hazard_id = ? AND seq = ?", (new, hazard_id.hex, old))
    conn.close()
    kinds = {(seq, kind) for _n, seq, kind, _problem in findings(db) if kind in (av.REORDERED, av.EDITED)}
    expected = av.REORDERED if reordered else av.EDITED
    assert kinds == {(length - 1, expected), (length, expected)}


@pytest.mark.parametrize("stored", ["''", "X'35'"])  # empty, or bytes that are no text
def test_an_event_without_a_signer_name_counts_as_unsigned(ledger, stored):
    """An empty signer, or one that is no key's name at all, is an event not signed yet: counted as
    unsigned, not as a signature by an unknown key (and nothing crashes on it)."""
    db, _number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute(f"UPDATE hazard_events SET signer = {stored}, signature = 'x' WHERE hazard_id = ? AND seq = 3",
                     (hazard_id.hex,))
    conn.close()
    with db.session() as session:
        report = verify(session)
    assert report.ok and (report.signatures_checked, report.unsigned_events) == (0, 5)


def test_a_duplicate_event_names_its_sequence_number(ledger):
    db, number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:  # the hazard id spelt in capitals: the same id to the program, past the unique constraint
        conn.execute("INSERT INTO hazard_events (id, hazard_id, seq, kind, actor, at, data, note, prev_hash, hash) "
                     "SELECT ?, upper(hazard_id), seq, kind, actor, at, data, note, prev_hash, hash FROM hazard_events "
                     "WHERE hazard_id = ? AND seq = 3", (uuid.uuid4().hex, hazard_id.hex))
    conn.close()
    found = findings(db)
    assert [(n, seq, kind) for n, seq, kind, _problem in found] == [(number, 3, av.DUPLICATE)]
    assert "number 3" in found[0][3]


@pytest.mark.parametrize(("deleted", "named"), [((2,), "event 2 is missing"), ((2, 3), "events 2–3 are missing"),
                                                ((2, 3, 4), "events 2–4 are missing")])
def test_missing_events_are_named_by_their_numbers(ledger, deleted, named):
    db, number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        for seq in deleted:
            conn.execute("DELETE FROM hazard_events WHERE hazard_id = ? AND seq = ?", (hazard_id.hex, seq))
    conn.close()
    missing = [(n, seq, problem) for n, seq, kind, problem in findings(db) if kind == av.MISSING]
    assert [(n, seq) for n, seq, _problem in missing] == [(number, max(deleted) + 1)]  # found at the next event
    assert named in missing[0][2]


def test_a_history_none_of_whose_events_can_be_placed_is_reported_not_a_crash(ledger):
    db, number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute("UPDATE hazard_events SET seq = 'x' || seq WHERE hazard_id = ?", (hazard_id.hex,))
    conn.close()
    with db.session() as session:
        report = verify(session)
    assert [(p.hazard_number, p.event_seq, p.kind) for p in report.problems] == [(number, None, av.UNREADABLE)] * 5
    assert report.events_checked == 5


def test_a_signature_by_an_unknown_key_is_named_at_its_event(ledger):
    db, number, hazard_id = ledger
    unknown = "ab" * 32
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute("UPDATE hazard_events SET signer = ?, signature = 'x' WHERE hazard_id = ? AND seq = 3",
                     (unknown, hazard_id.hex))
    conn.close()
    found = findings(db)
    assert [(n, seq, kind) for n, seq, kind, _problem in found] == [(number, 3, av.SIGNATURE)]
    assert f"({unknown[:12]})" in found[0][3]


def test_a_signature_is_checked_against_its_events_hash(ledger):
    db, number, hazard_id = ledger
    with db.session() as session:
        key = signatures.laptop_key(session)
        events = {e.seq: e for e in session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id))}
        session.execute(update(HazardEvent).where(HazardEvent.id == events[2].id).values(
            signer=key.id, signature=key.sign(events[2].hash)))
        session.execute(update(HazardEvent).where(HazardEvent.id == events[3].id).values(
            signer=key.id, signature=key.sign(events[2].hash)))  # another event's signature
    with db.session() as session:
        report = verify(session)
    assert [(p.hazard_number, p.event_seq, p.kind) for p in report.problems] == [(number, 3, av.SIGNATURE)]
    assert "signature does not match" in report.problems[0].problem
    assert (report.signatures_checked, report.unsigned_events) == (2, 3)


def test_a_field_of_the_row_that_cannot_be_read_is_named_with_its_value(ledger):
    db, number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute("UPDATE hazards SET deadline = 'soon' WHERE id = ?", (hazard_id.hex,))
    conn.close()
    found = findings(db)
    assert [(n, seq, kind) for n, seq, kind, _problem in found] == [(number, None, av.UNREADABLE)]
    assert "'deadline'" in found[0][3] and found[0][3].endswith(": soon")


def test_a_row_that_disagrees_with_its_history_names_the_field_and_both_values(ledger):
    db, number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute("UPDATE hazards SET description = 'forged' WHERE id = ?", (hazard_id.hex,))
    conn.close()
    found = findings(db)
    assert [(n, seq, kind) for n, seq, kind, _problem in found] == [(number, None, av.ROW)]
    assert "'description' is 'forged' but its history says 'bicycles in the stairwell'" in found[0][3]


def test_a_history_cut_off_names_when_the_row_was_last_changed_in_utc(ledger):
    """The time shown to the second, as stored (UTC), with a space between date and time."""
    db, number, hazard_id = ledger
    conn = sqlite3.connect(db.engine.url.database)
    with conn:
        conn.execute("DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 5", (hazard_id.hex,))
        conn.execute("UPDATE hazards SET updated_at = ? WHERE id = ?", ("2031-02-03 04:05:06.789000", hazard_id.hex))
    conn.close()
    found = findings(db)
    assert [(n, seq, kind) for n, seq, kind, _problem in found] == [(number, None, av.CUT_OFF)]
    assert "last changed at 2031-02-03 04:05:06 but" in found[0][3]
