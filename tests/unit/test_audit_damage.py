"""The history check against the damage it exists for, done with plain sqlite3 behind the program's
back: each kind is reported with the hazard's number and the event's sequence, and nothing crashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from inspector_app.core import audit_verify as av
from inspector_app.core.audit import GENESIS, chain_hash, verify
from inspector_app.core.hazards import add_hazard, attach_photo, change_status, find_hazard, update_hazard


@pytest.fixture
def ledger(db, catalogue, floor, jpeg_photo, tmp_path):
    """Two hazards; the second has five events: created, photo, status, edit, photo."""
    with db.session() as session:
        add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                   floor_id=floor, x=0.2, y=0.3)
        victim = add_hazard(session, catalogue, db.store, actor="wang", category="evacuation.blocked_route",
                            floor_id=floor, x=0.5, y=0.5, photos=[jpeg_photo], responsible_unit="后勤处",
                            deadline=dt.date(2027, 1, 15))
        change_status(session, db.store, victim, "in_progress", "li")
        update_hazard(session, victim, "li", description="bicycles in the stairwell")
        attach_photo(session, db.store, victim, jpeg_photo, role="before", actor="li")
        number, hazard_id = victim.number, victim.id
    with db.session() as session:
        assert verify(session).ok
    return db, number, hazard_id.hex, tmp_path / "ledger.sqlite"


def _sql(path, statement, *params):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    with conn:
        conn.execute(statement, params)
    conn.close()


def _findings(db):
    with db.session() as session:
        report = verify(session)
    return report, {(p.hazard_number, p.event_seq, p.kind) for p in report.problems}


def test_undecodable_event_data_is_named_not_a_crash(ledger):
    db, number, hid, path = ledger
    _sql(path, "UPDATE hazard_events SET data = data || 'x' WHERE hazard_id = ? AND seq = 3", hid)
    report, found = _findings(db)
    assert (number, 3, av.UNREADABLE) in found
    assert report.hazards_checked == 2


def test_audit_verify_on_the_command_line_names_undecodable_data(run):
    import json

    assert run("demo")[0] == 0
    victim = json.loads(run("hazard", "list")[1])[3]
    _sql(run.db, "UPDATE hazard_events SET data = data || '}' WHERE seq = 1 AND hazard_id = "
         "(SELECT id FROM hazards WHERE number = ?)", victim["number"])
    code, out, err = run("audit", "verify")
    assert code == 1
    assert "Traceback" not in err
    first = json.loads(out)["first_broken"]
    assert (first["hazard"], first["event_seq"], first["kind"]) == (victim["number"], 1, av.UNREADABLE)
    assert victim["number"] in err


@pytest.mark.parametrize(("column", "value"), [("at", "yesterday"), ("seq", "three"), ("hazard_id", "zz")])
def test_unreadable_event_columns_are_named(ledger, column, value):
    db, number, hid, path = ledger
    _sql(path, f"UPDATE hazard_events SET {column} = ? WHERE hazard_id = ? AND seq = 4", value, hid)
    _report, found = _findings(db)
    assert any(kind == av.UNREADABLE for _n, _s, kind in found)
    if column == "at":
        assert (number, 4, av.UNREADABLE) in found


def test_edited_event(ledger):
    db, number, hid, path = ledger
    _sql(path, "UPDATE hazard_events SET note = 'nothing happened' WHERE hazard_id = ? AND seq = 4", hid)
    _report, found = _findings(db)
    assert found == {(number, 4, av.EDITED)}


def test_deleted_event_in_the_middle(ledger):
    db, number, hid, path = ledger
    _sql(path, "DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 2", hid)
    _report, found = _findings(db)
    assert (number, 3, av.MISSING) in found


def test_reordered_events(ledger):
    db, number, hid, path = ledger
    for old, new in ((2, -1), (3, 2), (-1, 3)):
        _sql(path, "UPDATE hazard_events SET seq = ? WHERE hazard_id = ? AND seq = ?", new, hid, old)
    _report, found = _findings(db)
    assert {(number, 2, av.REORDERED), (number, 3, av.REORDERED)} <= found


def test_inserted_event_with_a_correct_hash_of_its_own(ledger):
    """A forger who knows the hash format inserts an event and renumbers the ones after it."""
    db, number, hid, path = ledger
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE hazard_events SET seq = seq + 1000 WHERE hazard_id = ? AND seq >= 3", (hid,))
        conn.execute("UPDATE hazard_events SET seq = seq - 999 WHERE hazard_id = ? AND seq >= 1000", (hid,))
        prev_hash, = conn.execute("SELECT hash FROM hazard_events WHERE hazard_id = ? AND seq = 2", (hid,)).fetchone()
        at = dt.datetime(2026, 11, 30, 9, 0)
        data = {"changes": {}}
        forged = chain_hash(prev_hash, uuid.UUID(hid), 3, "note", "mallory", at, data, "all fixed")
        conn.execute("INSERT INTO hazard_events (id, hazard_id, seq, kind, actor, at, data, note, prev_hash, hash) "
                     "VALUES (?, ?, 3, 'note', 'mallory', ?, '{\"changes\": {}}', 'all fixed', ?, ?)",
                     (uuid.uuid4().hex, hid, at.isoformat(sep=" "), prev_hash, forged))
    conn.close()
    _report, found = _findings(db)
    # The event after the insertion no longer links to its predecessor and was written as event 3.
    assert (number, 4, av.LINK) in found
    assert (number, 4, av.REORDERED) in found
    assert not any(seq == 3 for _n, seq, _k in found)


def test_whole_history_deleted(ledger):
    db, number, hid, path = ledger
    _sql(path, "DELETE FROM hazard_events WHERE hazard_id = ?", hid)
    _report, found = _findings(db)
    assert found == {(number, None, av.NO_HISTORY)}


def test_history_cut_off_after_an_event_that_changed_no_field(ledger):
    db, number, hid, path = ledger
    _sql(path, "DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 5", hid)
    _report, found = _findings(db)
    assert found == {(number, None, av.CUT_OFF)}


def test_events_of_a_deleted_hazard(ledger):
    db, _number, hid, path = ledger
    _sql(path, "DELETE FROM attachments WHERE hazard_id = ?", hid)
    _sql(path, "DELETE FROM hazards WHERE id = ?", hid)
    report, _found = _findings(db)
    assert report.hazards_checked == 1
    assert [(p.hazard_id, p.kind) for p in report.problems] == [(str(uuid.UUID(hid)), av.ORPHAN)]


# Written out here, not imported: dropping a field from what the chain covers must fail a test.
ROW_EDITS = [
    ("number", "'TS-9999'"), ("page", "4"), ("x", "0.9"), ("y", "0.1"), ("room", "'201'"),
    ("area_type", "'canteen'"), ("category", "'electrical.overload'"), ("severity", "'major'"),
    ("description", "'nothing'"), ("legal_basis", "'none'"), ("required_measures", "'none'"),
    ("interim_safeguards", "'none'"), ("responsible_unit", "'nobody'"), ("responsible_person", "'nobody'"),
    ("funding", "'0'"), ("deadline", "'2030-01-01'"), ("fixed_on_spot", "1"), ("status", "'closed'"),
    ("public_token", "'forged-token'"), ("floor_id", "NULL"), ("inspection_id", "'" + "1" * 32 + "'"),
    ("previous_hazard_id", "(SELECT id FROM hazards WHERE seq = 1)"),
]


@pytest.mark.parametrize(("field", "value"), ROW_EDITS, ids=[f for f, _ in ROW_EDITS])
def test_each_tracked_field_of_the_hazard_row_is_checked(ledger, field, value):
    db, number, hid, path = ledger
    _sql(path, f"UPDATE hazards SET {field} = {value} WHERE id = ?", hid)
    _report, found = _findings(db)
    expected_number = "TS-9999" if field == "number" else number
    assert (expected_number, None, av.ROW) in found
    assert {k for _n, _s, k in found} == {av.ROW}


def test_unreadable_hazard_field_is_named(ledger):
    db, number, hid, path = ledger
    _sql(path, "UPDATE hazards SET deadline = 'soon' WHERE id = ?", hid)
    _report, found = _findings(db)
    assert found == {(number, None, av.UNREADABLE)}


def test_several_kinds_of_damage_are_all_reported(ledger):
    db, number, hid, path = ledger
    _sql(path, "UPDATE hazard_events SET actor = 'mallory' WHERE hazard_id = ? AND seq = 2", hid)
    _sql(path, "UPDATE hazards SET status = 'closed' WHERE id = ?", hid)
    _sql(path, "UPDATE hazards SET description = 'x' WHERE seq = 1")
    _report, found = _findings(db)
    assert (number, 2, av.EDITED) in found and (number, None, av.ROW) in found
    assert len({n for n, _s, _k in found}) == 2


@pytest.fixture
def shanghai_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_known_answer_pins_the_hash_format(shanghai_time):
    """The payload below is the format every stored ledger was hashed with. If this fails, every
    existing ledger would fail verification: a format change needs a migration that re-chains."""
    hazard_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    at = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    payload = ('{"actor":"王老师","at":"2026-03-01T00:30:00.000000","data":{"changes":{"status":[null,"open"]}},'
               '"hazard_id":"12345678-1234-5678-1234-567812345678","kind":"created","note":"",'
               '"seq":1}')
    expected = hashlib.sha256((GENESIS + payload).encode("utf-8")).hexdigest()
    data = {"changes": {"status": [None, "open"]}}
    assert chain_hash(GENESIS, hazard_id, 1, "created", "王老师", at, data, "") == expected
    # A naive time is already UTC, whatever the machine's zone.
    assert chain_hash(GENESIS, hazard_id, 1, "created", "王老师", at.astimezone(dt.UTC).replace(tzinfo=None),
                      data, "") == expected


def test_a_ledger_written_in_one_time_zone_verifies_in_another(ledger, shanghai_time):
    db, _number, _hid, path = ledger
    with db.session() as session:
        assert verify(session).ok
    # And in a separate process, where the zone is set before anything is imported.
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--db", str(path), "audit", "verify"],
                          capture_output=True, text=True, env={**__import__("os").environ, "TZ": "America/New_York"})
    assert done.returncode == 0, done.stderr


def test_a_hazard_edited_through_the_program_still_verifies_after_damage_elsewhere(ledger):
    db, number, _hid, path = ledger
    _sql(path, "UPDATE hazards SET description = 'x' WHERE seq = 1")
    with db.session() as session:
        victim = find_hazard(session, number)
        update_hazard(session, victim, "li", room="101")
    _report, found = _findings(db)
    assert all(n != number for n, _s, _k in found)


def test_what_an_event_records_of_its_hazard_and_its_laptop(ledger):
    """The chain holds ids as their text, an event without a note has an empty one, and each event
    names the laptop (replica) that wrote it."""
    from sqlalchemy import select

    from inspector_app.core.models import HazardEvent
    from inspector_app.core.sync import laptop

    db, number, _hid, _path = ledger
    with db.session() as session:
        hazard = find_hazard(session, number)
        created, *later = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                          .order_by(HazardEvent.seq)).all()
        me = str(laptop.replica(session).id)
        assert created.data["changes"]["floor_id"] == [None, str(hazard.floor_id)]
        assert created.note == "" and all(e.data["origin"] == me for e in (created, *later))


def test_the_first_event_deleted_is_missing_not_only_a_broken_link(ledger):
    db, number, hid, path = ledger
    _sql(path, "DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 1", hid)
    _report, found = _findings(db)
    assert (number, 2, av.MISSING) in found


def test_the_report_counts_what_it_read_and_names_the_hazard_by_id_too(ledger):
    db, number, hid, path = ledger
    with db.session() as session:
        clean = verify(session)
    assert (clean.hazards_checked, clean.events_checked) == (2, 1 + 5)
    _sql(path, "UPDATE hazard_events SET note = 'x' WHERE hazard_id = ? AND seq = 2", hid)
    _sql(path, "UPDATE hazard_events SET data = 'not json' WHERE hazard_id = ? AND seq = 3", hid)
    with db.session() as session:
        damaged = verify(session)
    assert damaged.events_checked == clean.events_checked  # an unreadable event is still one read
    assert {(p.hazard_number, p.hazard_id) for p in damaged.problems} == {(number, str(uuid.UUID(hid)))}
    assert damaged.as_dict()["first_broken"]["event_seq"] == 2
