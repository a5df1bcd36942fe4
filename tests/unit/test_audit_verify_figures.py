"""Every figure `audit verify` prints, on one ledger with known damage of every kind: fifteen hazards
recorded through the use cases, each damaged one way with plain SQL behind the program's back. The
expected findings are derived from the damage done here (and the counts from the raw tables), never
from the verifier, and damage that lies after an unreadable row (in the events table or in ledger
order) must still be found and counted."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import uuid
from collections import Counter

import pytest

from inspector_app.core import audit_verify as av
from inspector_app.core import dates
from inspector_app.core.audit import verify
from inspector_app.core.hazards import add_hazard, attach_photo, change_status, update_hazard
from inspector_app.core.models import Hazard

START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
HAZARDS = 16
EVENTS_EACH = 5  # 1 created, 2 photo (changes no field), 3 edited, 4 in progress, 5 photo (changes none)


def number(n: int) -> str:
    return f"TS-{n:04d}"


@pytest.fixture(scope="module")
def _built(tmp_path_factory, catalogue, jpeg_photo):
    """Sixteen hazards of one site, TS-0001 … TS-0016, each with the same five events a minute apart;
    built once (photos cost time), copied for each test."""
    from inspector_app.core import structure
    from inspector_app.core.db import open_database, sqlite_url

    path = tmp_path_factory.mktemp("figures") / "ledger.sqlite"
    db = open_database(sqlite_url(path))
    ids: dict[str, str] = {}
    with dates.fixed_clock(START) as clock:
        with db.session() as session:
            org = structure.create_organisation(session, "Test Bureau")
            site = structure.create_site(session, org, "Test School", code="TS")
            building = structure.create_building(session, site, "Teaching building", "teaching_building")
            floor = structure.create_floor(session, building, "1F", 1).id
        for _ in range(HAZARDS):
            with db.session() as session:
                hazard = add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                                    floor_id=floor, x=0.5, y=0.5)
                clock.advance(dt.timedelta(minutes=1))
                attach_photo(session, db.store, hazard, jpeg_photo, role="before", actor="wang")
                clock.advance(dt.timedelta(minutes=1))
                update_hazard(session, hazard, "li", description="cables hanging loose")
                clock.advance(dt.timedelta(minutes=1))
                change_status(session, db.store, hazard, "in_progress", "li")
                clock.advance(dt.timedelta(minutes=1))
                attach_photo(session, db.store, hazard, jpeg_photo, role="before", actor="li")
                clock.advance(dt.timedelta(minutes=1))
                ids[hazard.number] = hazard.id.hex
    with db.session() as session:
        assert verify(session).ok
    db.dispose()
    return path, ids


@pytest.fixture
def ledger(_built, tmp_path):
    """A copy of the built ledger where the `run` fixture's command line looks for it."""
    from inspector_app.core.db import open_database, sqlite_url

    template, ids = _built
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(template, path)
    db = open_database(sqlite_url(path))
    yield db, ids
    db.dispose()


class Damage:
    """Plain SQL on the ledger file, foreign keys off, as someone with a database tool would."""

    def __init__(self, db, ids: dict[str, str]) -> None:
        self.path = db.engine.url.database
        self.ids = ids

    def __call__(self, statement: str, *params: object) -> None:
        conn = sqlite3.connect(self.path)
        conn.execute("PRAGMA foreign_keys = OFF")
        with conn:
            conn.execute(statement, params)
        conn.close()

    def event(self, n: int, seq: int, assignment: str, *params: object) -> None:
        self(f"UPDATE hazard_events SET {assignment} WHERE hazard_id = ? AND seq = ?", *params, self.ids[number(n)],
             seq)

    def count(self, table: str) -> int:
        conn = sqlite3.connect(self.path)
        try:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        finally:
            conn.close()


def damage_every_kind(damage: Damage) -> tuple[set[tuple[str, int | None, str]], dict[str, int]]:
    """Damage the ledger; returns the findings (number, event, kind) that must follow, and the number
    of events each deleted or unreadable hazard leaves without a hazard."""
    expected: set[tuple[str, int | None, str]] = set()
    ids = damage.ids
    # TS-0001: its last two events (among the first rows of the events table) name hazard ids that
    # cannot be read; its history then ends at the edit: the row's status is not the history's, and the
    # row was changed after the history ends.
    damage.event(1, 4, "hazard_id = 'not an id 4'")
    damage.event(1, 5, "hazard_id = 'not an id 5'")
    expected |= {("", None, av.UNREADABLE), (number(1), None, av.ROW), (number(1), None, av.CUT_OFF)}
    # TS-0002: the hazard's own id cannot be read; its five events belong to no hazard then.
    damage("UPDATE hazards SET id = 'zz' WHERE id = ?", ids[number(2)])
    expected |= {(number(2), None, av.UNREADABLE), ("", None, av.ORPHAN)}
    # TS-0003: an event edited.
    damage.event(3, 3, "note = 'nothing happened'")
    expected.add((number(3), 3, av.EDITED))
    # TS-0004: an event that changed no field deleted.
    damage("DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 2", ids[number(4)])
    expected.add((number(4), 3, av.MISSING))
    # TS-0005: a copy of an event inserted under the same sequence number (its hazard id spelt in
    # capitals, the same id to the program, which gets it past the table's unique constraint).
    damage("INSERT INTO hazard_events (id, hazard_id, seq, kind, actor, at, data, note, prev_hash, hash) "
           "SELECT ?, upper(hazard_id), seq, kind, actor, at, data, note, prev_hash, hash FROM hazard_events "
           "WHERE hazard_id = ? AND seq = 2", uuid.uuid4().hex, ids[number(5)])
    expected.add((number(5), 2, av.DUPLICATE))
    # TS-0006: an event made to point at the wrong predecessor (which its own hash no longer covers).
    damage("UPDATE hazard_events SET prev_hash = (SELECT hash FROM hazard_events WHERE hazard_id = ? AND seq = 1) "
           "WHERE hazard_id = ? AND seq = 3", ids[number(6)], ids[number(6)])
    expected |= {(number(6), 3, av.LINK), (number(6), 3, av.EDITED)}
    # TS-0007: events 2 and 3 swapped: each sits at the other's place with the other's predecessor,
    # and event 4 no longer follows the event now before it.
    for old, new in ((2, -1), (3, 2), (-1, 3)):
        damage.event(7, old, "seq = ?", new)
    expected |= {(number(7), 2, av.LINK), (number(7), 2, av.REORDERED), (number(7), 3, av.LINK),
                 (number(7), 3, av.REORDERED), (number(7), 4, av.LINK)}
    # TS-0008: the hazard row edited.
    damage("UPDATE hazards SET room = 'forged' WHERE id = ?", ids[number(8)])
    expected.add((number(8), None, av.ROW))
    # TS-0009: its whole history deleted.
    damage("DELETE FROM hazard_events WHERE hazard_id = ?", ids[number(9)])
    expected.add((number(9), None, av.NO_HISTORY))
    # TS-0010: its last event (a photo, no field changed) deleted.
    damage("DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 5", ids[number(10)])
    expected.add((number(10), None, av.CUT_OFF))
    # TS-0011 … TS-0014: unreadable data, time, sequence number, and a field of the row. TS-0011 also
    # lost its last event, TS-0014 had its status changed: found beside the unreadable value.
    damage.event(11, 2, "data = 'not json'")
    damage("DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 5", ids[number(11)])
    expected |= {(number(11), 2, av.UNREADABLE), (number(11), None, av.CUT_OFF)}
    damage.event(12, 2, "at = 'yesterday'")
    expected.add((number(12), 2, av.UNREADABLE))
    damage.event(13, 2, "seq = 'two'")
    expected |= {(number(13), None, av.UNREADABLE), (number(13), 3, av.MISSING)}
    damage("UPDATE hazards SET deadline = 'soon', status = 'closed' WHERE id = ?", ids[number(14)])
    expected |= {(number(14), None, av.UNREADABLE), (number(14), None, av.ROW)}
    # TS-0015: the hazard deleted, its events left behind.
    damage("DELETE FROM attachments WHERE hazard_id = ?", ids[number(15)])
    damage("DELETE FROM hazards WHERE id = ?", ids[number(15)])
    expected.add(("", None, av.ORPHAN))
    # TS-0016 stays whole: after all that damage it is still read, and nothing is said of it.
    orphans = {str(uuid.UUID(ids[number(2)])): EVENTS_EACH, str(uuid.UUID(ids[number(15)])): EVENTS_EACH}
    return expected, orphans


def test_every_kind_of_damage_is_found_and_counted(ledger):
    db, ids = ledger
    damage = Damage(db, ids)
    expected, orphans = damage_every_kind(damage)
    with db.session() as session:
        report = verify(session)

    found = [(p.hazard_number, p.event_seq, p.kind) for p in report.problems]
    assert set(found) == expected
    # Each finding once, but the two unreadable event rows and the two orphaned histories are each
    # their own finding.
    assert Counter(found) == Counter([*list(expected), ("", None, av.UNREADABLE), ("", None, av.ORPHAN)])
    assert Counter(p.kind for p in report.problems) == {
        av.UNREADABLE: 2 + 1 + 1 + 1 + 1 + 1, av.ROW: 3, av.CUT_OFF: 3, av.ORPHAN: 2, av.EDITED: 2, av.MISSING: 2,
        av.DUPLICATE: 1, av.LINK: 4, av.REORDERED: 2, av.NO_HISTORY: 1}
    # Every row read once: all events (the unreadable and orphaned ones too), every hazard left.
    assert report.events_checked == damage.count("hazard_events") == HAZARDS * EVENTS_EACH - 1 - 5 - 1 - 1 + 1
    assert report.hazards_checked == damage.count("hazards") == HAZARDS - 1
    assert not report.ok

    # Who each finding names: the hazard by number and id; an unreadable id by nothing; the events of
    # a hazard that is gone by that hazard's id, with how many they are.
    for problem in report.problems:
        if problem.kind == av.ORPHAN:
            assert problem.hazard_number == ""
            assert str(EVENTS_EACH) in problem.problem
        elif problem.hazard_number in ("", number(2)):
            assert problem.hazard_id == ""
        else:
            assert problem.hazard_id == str(uuid.UUID(ids[problem.hazard_number]))
    assert {p.hazard_id for p in report.problems if p.kind == av.ORPHAN} == set(orphans)


def test_findings_come_in_ledger_order_each_hazards_earliest_first(ledger):
    db, ids = ledger
    damage_every_kind(Damage(db, ids))
    with db.session() as session:
        problems = verify(session).problems
    kinds = [p.kind for p in problems]
    # Unreadable event rows first (they are met before any hazard), the orphaned histories last.
    assert [(p.hazard_number, p.kind) for p in problems[:2]] == [("", av.UNREADABLE)] * 2
    assert kinds[-2:] == [av.ORPHAN, av.ORPHAN]
    numbered = problems[2:-2]
    order = [int(p.hazard_number.split("-")[1]) for p in numbered]
    assert order == sorted(order)
    for n in set(order):
        seqs = [p.event_seq for p in numbered if p.hazard_number == number(n)]
        events = [s for s in seqs if s is not None]
        assert events == sorted(events) and seqs == events + [None] * (len(seqs) - len(events))


def test_damage_after_an_unreadable_event_row_is_still_found(ledger):
    """The events whose hazard id cannot be read are the first rows of the table: every later row is
    still given to its hazard, so the damage of the last hazard is found and nothing else is."""
    db, ids = ledger
    damage = Damage(db, ids)
    damage.event(1, 1, "hazard_id = 'unreadable one'")
    damage.event(1, 2, "hazard_id = 'unreadable two'")
    damage.event(HAZARDS, 3, "note = 'edited last'")
    with db.session() as session:
        report = verify(session)
    found = Counter((p.hazard_number, p.event_seq, p.kind) for p in report.problems)
    assert found == {("", None, av.UNREADABLE): 2, (number(1), 3, av.MISSING): 1, (number(HAZARDS), 3, av.EDITED): 1}
    assert report.events_checked == HAZARDS * EVENTS_EACH
    assert report.hazards_checked == HAZARDS


def test_damage_after_a_hazard_whose_id_cannot_be_read_is_still_found(ledger):
    db, ids = ledger
    damage = Damage(db, ids)
    damage("UPDATE hazards SET id = 'zz' WHERE id = ?", ids[number(1)])
    damage("UPDATE hazards SET room = 'forged' WHERE id = ?", ids[number(HAZARDS)])
    with db.session() as session:
        report = verify(session)
    assert [(p.hazard_number, p.hazard_id, p.event_seq, p.kind) for p in report.problems] == [
        (number(1), "", None, av.UNREADABLE),
        (number(HAZARDS), str(uuid.UUID(ids[number(HAZARDS)])), None, av.ROW),
        ("", str(uuid.UUID(ids[number(1)])), None, av.ORPHAN)]
    assert "zz" in report.problems[0].problem
    assert (report.hazards_checked, report.events_checked) == (HAZARDS, HAZARDS * EVENTS_EACH)


def test_events_renumbered_after_a_deletion_are_each_found_where_they_were_written(ledger):
    """Event 2 deleted and the later ones moved up to close the gap: each says where it was written,
    the last one as one past the end of the history as it now stands."""
    db, ids = ledger
    damage = Damage(db, ids)
    damage("DELETE FROM hazard_events WHERE hazard_id = ? AND seq = 2", ids[number(3)])
    for seq in (3, 4, 5):
        damage.event(3, seq, "seq = ?", seq - 1)
    with db.session() as session:
        problems = verify(session).problems
    assert [(p.hazard_number, p.event_seq, p.kind) for p in problems] == [
        (number(3), 2, av.LINK), (number(3), 2, av.REORDERED), (number(3), 3, av.REORDERED),
        (number(3), 4, av.REORDERED)]
    for problem in problems[1:]:
        assert f"event {problem.event_seq + 1}" in problem.problem


def test_a_history_whose_creation_cannot_be_read_still_checks_the_fields_later_events_set(ledger):
    db, ids = ledger
    damage = Damage(db, ids)
    damage.event(5, 1, "data = '{not json'")
    damage("UPDATE hazards SET status = 'closed' WHERE id = ?", ids[number(5)])
    with db.session() as session:
        problems = verify(session).problems
    assert [(p.hazard_number, p.event_seq, p.kind) for p in problems] == [
        (number(5), 1, av.UNREADABLE), (number(5), None, av.ROW)]
    assert "status" in problems[1].problem


def test_the_first_event_moved_is_found_where_it_was_written(ledger):
    db, ids = ledger
    damage = Damage(db, ids)
    for old, new in ((1, -1), (2, 1), (-1, 2)):
        damage.event(4, old, "seq = ?", new)
    with db.session() as session:
        problems = verify(session).problems
    reordered = [(p.event_seq, p.problem) for p in problems if p.kind == av.REORDERED]
    assert [seq for seq, _problem in reordered] == [1, 2]
    assert "event 2" in reordered[0][1] and "event 1" in reordered[1][1]


def test_findings_follow_the_ledger_site_by_site_then_by_place_in_the_register(ledger, catalogue):
    """A second site's hazards are reported together, never between the first site's; within a site
    by the place in its register, whatever order the rows were written in; a place that cannot be
    read counts as before the first."""
    from inspector_app.core import structure
    from inspector_app.core.models import Organisation

    db, ids = ledger
    with db.session() as session:
        org = session.query(Organisation).one()
        site = structure.create_site(session, org, "Second School", code="SS")
        for _ in range(2):
            hazard = add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                                site_id=site.id)
            ids[hazard.number] = hazard.id.hex
    damage = Damage(db, ids)
    for name in ("TS-0001", "TS-0002", "TS-0003", "TS-0016", "SS-0001", "SS-0002"):
        damage("UPDATE hazards SET room = 'forged' WHERE id = ?", ids[name])
    # TS-0003 and TS-0002 trade places in the register; TS-0016's place cannot be read.
    damage("UPDATE hazards SET seq = -2 WHERE id = ?", ids["TS-0002"])
    damage("UPDATE hazards SET seq = 2 WHERE id = ?", ids["TS-0003"])
    damage("UPDATE hazards SET seq = 3 WHERE id = ?", ids["TS-0002"])
    damage("UPDATE hazards SET seq = 'sixteen' WHERE id = ?", ids["TS-0016"])
    with db.session() as session:
        report = verify(session)
    order = [p.hazard_number for p in report.problems]
    assert sorted(order) == sorted(["TS-0001", "TS-0002", "TS-0003", "TS-0016", "SS-0001", "SS-0002"])
    first_site = [n for n in order if n.startswith("TS")]
    assert first_site == ["TS-0016", "TS-0001", "TS-0003", "TS-0002"]
    sites = [n[:2] for n in order]
    assert sites in (["TS"] * 4 + ["SS"] * 2, ["SS"] * 2 + ["TS"] * 4)
    assert [n for n in order if n.startswith("SS")] == ["SS-0001", "SS-0002"]
    assert report.hazards_checked == HAZARDS + 2


def test_an_unreadable_value_is_shown_as_stored_and_cut_when_long(ledger):
    """A person must see what is in the database: text as it is, other values as Python writes them,
    anything past 60 characters cut to 59 and an ellipsis."""
    db, ids = ledger
    damage = Damage(db, ids)
    too_long, just_fits = "the twelfth of never, " * 5, "x" * 60
    damage.event(2, 2, "at = ?", too_long)
    damage.event(3, 2, "seq = ?", "two")
    damage.event(4, 2, "hazard_id = ?", "not an id at all")
    damage.event(5, 2, "at = ?", just_fits)
    damage.event(6, 2, "at = ?", 12345)
    with db.session() as session:
        problems = verify(session).problems
    shown = {p.hazard_number: p.problem for p in problems if p.kind == av.UNREADABLE}
    assert shown[""].endswith(": not an id at all")
    assert shown[number(3)].endswith(": two")  # the text as stored, not its repr
    assert shown[number(2)].endswith(": " + too_long[:59] + "…")
    assert shown[number(5)].endswith(": " + just_fits)
    assert shown[number(6)].endswith(": 12345")


def test_audit_verify_prints_every_figure(ledger, run):
    db, ids = ledger
    damage = Damage(db, ids)
    expected, _orphans = damage_every_kind(damage)
    events, hazards = damage.count("hazard_events"), damage.count("hazards")
    db.dispose()
    code, out, err = run("audit", "verify")
    assert code == 1
    printed = json.loads(out)
    assert (printed["ok"], printed["hazards_checked"], printed["events_checked"]) == (False, hazards, events)
    problems = printed["problems"]
    assert {(p["hazard"], p["event_seq"], p["kind"]) for p in problems} == expected
    assert len(problems) == len(expected) + 2
    assert printed["first_broken"] == problems[0]
    assert all(set(p) == {"hazard", "hazard_id", "event_seq", "kind", "problem"} for p in problems)
    # A person reads the first twenty on stderr, each naming its hazard and where, and is told how
    # many more the JSON holds.
    lines = err.splitlines()
    assert len(lines) == 21
    for line, problem in zip(lines, problems[:20], strict=False):
        assert problem["problem"] in line
        assert (problem["hazard"] or problem["hazard_id"] or "?") in line
        assert (f"event {problem['event_seq']}" if problem["event_seq"] else "hazard row") in line
    assert f"{len(problems) - 20} more problems" in lines[-1]


def test_a_clean_ledger_prints_its_figures_and_nothing_on_stderr(ledger, run):
    db, _ids = ledger
    damage = Damage(db, _ids)
    events, hazards = damage.count("hazard_events"), damage.count("hazards")
    db.dispose()
    code, out, err = run("audit", "verify")
    assert (code, err) == (0, "")
    # A ledger that never synced: none of its events is signed yet (core.signatures).
    assert json.loads(out) == {"ok": True, "hazards_checked": hazards, "events_checked": events,
                               "signatures_checked": 0, "unsigned_events": events,
                               "first_broken": None, "problems": []}
    assert (hazards, events) == (HAZARDS, HAZARDS * EVENTS_EACH)


def test_the_ledger_is_what_the_figures_assume(ledger):
    """The fixture's own promise, checked: five events per hazard, the photos changing no field."""
    db, _ids = ledger
    from sqlalchemy import func, select

    from inspector_app.core.models import HazardEvent

    with db.session() as session:
        kinds = session.execute(select(HazardEvent.seq, HazardEvent.kind, HazardEvent.data)
                                .join(Hazard, Hazard.id == HazardEvent.hazard_id)
                                .where(Hazard.seq == 1).order_by(HazardEvent.seq)).all()
        assert session.scalar(select(func.count()).select_from(HazardEvent)) == HAZARDS * EVENTS_EACH
    assert [k for _s, k, _d in kinds] == ["created", "photo_added", "edited", "rectification_started", "photo_added"]
    assert [bool(d["changes"]) for _s, _k, d in kinds] == [True, False, True, True, False]


def test_a_time_before_the_first_year_in_utc_is_a_finding_not_a_crash(ledger):
    """Year 1 at +08:00 reads as a time but lies before UTC's year 1: the event's time cannot be read
    (and the hazard row's own time, a convenience, is passed over), and the rest is still checked."""
    db, ids = ledger
    damage = Damage(db, ids)
    damage.event(2, 2, "at = ?", "0001-01-01 00:00:00+08:00")
    damage("UPDATE hazards SET updated_at = ? WHERE id = ?", "0001-01-01 00:00:00+08:00", ids[number(6)])
    damage.event(11, 2, "data = ?", "not json")
    with db.session() as session:
        report = verify(session)
    assert [(p.hazard_number, p.event_seq, p.kind) for p in report.problems] == [
        (number(2), 2, av.UNREADABLE), (number(11), 2, av.UNREADABLE)]
    assert "time" in report.problems[0].problem and "0001" not in report.problems[0].problem[:20]
    assert "data" in report.problems[1].problem  # the field that cannot be read is named
    assert report.events_checked == HAZARDS * EVENTS_EACH
