"""A laptop applying a pulled page set-based (core/sync/laptop.py apply_page, issue 23 item 3): one
transaction, the rows of a table written together without a savepoint each, and still every rule the
row-by-row merge kept: a row newer here stays, a hazard with unsent edits of ours is rebased with its
conflicts, a row that cannot land is set aside alone (a failed check, a missing reference, a clash
met while writing), a page applied twice changes nothing, a killed apply leaves nothing of its page.

Pages come from core/sync/pull_pages.pull on a ledger standing in for the server, as the sync API
hands them out, and are applied straight to a laptop's ledger."""

from __future__ import annotations

import copy
import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from inspector_app.core import hazards, structure
from inspector_app.core.accounts import Principal
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.models import (
    Attachment,
    Building,
    ChangeLog,
    Hazard,
    HazardEvent,
    Organisation,
    Site,
    SupersededToken,
    SyncHead,
)
from inspector_app.core.sync import laptop, pull_pages, set_aside
from inspector_app.core.sync.entities import row_to_json
from tests.sync.conftest import add, edit, school, verified

ADMIN = Principal(token_id=uuid.uuid4(), inspector="admin", role="admin", granted=frozenset())
REPO_ROOT = Path(__file__).resolve().parents[2]


def page_of(db: Database, cursor: int = 0) -> list[dict[str, Any]]:
    with db.session() as session:
        page = pull_pages.pull(session, ADMIN, cursor)
    assert not page["more"]
    return page["items"]


def apply(db: Database, items: list[dict[str, Any]], actor: str = "inspector b") -> laptop.MergeReport:
    with db.session() as session:
        report = laptop.apply_page(session, copy.deepcopy(items), actor)
        set_aside.forget(session, report.applied)
        set_aside.keep(session, report.failed)
        return report


def new_ledger(tmp_path: Path, name: str) -> Database:
    return open_database(sqlite_url(tmp_path / f"{name}.sqlite"))


@pytest.fixture
def server(db, catalogue, jpeg_photo) -> dict[str, Any]:
    """A ledger standing in for the server: a county, a school with two floors, eight hazards (two
    with a photo, one edited, one with a reprinted notice's superseded token)."""
    with db.session() as session:
        org = structure.create_organisation(session, "Lüliang Education Bureau", kind="county")
        site = structure.create_site(session, org, "No. 1 Middle School", code="LL1")
        building = structure.create_building(session, site, "Dormitory", "dormitory")
        floors = [structure.create_floor(session, building, f"{n}F", n) for n in (1, 2)]
        made = [hazards.add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                                   floor_id=floors[n % 2].id, x=0.1 * n, y=0.5, description=f"hazard {n}",
                                   photos=[jpeg_photo] if n in (2, 5) else []) for n in range(8)]
        hazards.update_hazard(session, made[1], "wang", room="101")
        hazards.rotate_token(session, made[3], "wang")
        return {"org": org.id, "site": site.id, "building": building.id, "hazards": [h.id for h in made]}


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def savepoints_during(db: Database, call) -> int:  # type: ignore[no-untyped-def]
    taken: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SAVEPOINT"):
            taken.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(taken)


def test_a_first_page_lands_whole_without_a_savepoint_per_row_and_logs_each_row_once(db, server, tmp_path):
    items = page_of(db)
    target = new_ledger(tmp_path, "b")
    try:
        reports: list[laptop.MergeReport] = []
        savepoints = savepoints_during(target, lambda: reports.append(apply(target, items)))
        (report,) = reports
        assert not report.failed and report.pulled == len(items) == 8 + 5 + 2  # hazards, org..floors, photos
        # One per table written together (organisation, site, building, floor, hazard, attachment), not
        # one per row: the row-by-row merge took 15 here.
        assert savepoints <= 6
        with target.session() as session, db.session() as source:
            for model in (Organisation, Site, Building, Hazard, HazardEvent, SupersededToken, Attachment):
                def rows(s, model=model):  # type: ignore[no-untyped-def]
                    return sorted(json.dumps(row_to_json(r), sort_keys=True) for r in s.scalars(select(model)))
                assert rows(session) == rows(source) != []
            logged = session.execute(select(ChangeLog.entity, ChangeLog.entity_id, ChangeLog.source,
                                            ChangeLog.deleted)).all()
            expected = {("hazard", h) for h in source.scalars(select(Hazard.id))}
            expected |= {("event", e) for e in source.scalars(select(HazardEvent.id))}
            expected |= {("attachment", a) for a in source.scalars(select(Attachment.id))}
            expected |= {(kind, row.id) for kind, model in (("organisation", Organisation), ("site", Site),
                                                             ("building", Building))
                         for row in source.scalars(select(model))}
            assert {(e, i) for e, i, _s, _d in logged if e != "floor"} == expected
            assert len(logged) == len({(e, i) for e, i, _s, _d in logged})  # each row once
            assert {(s, d) for _e, _i, s, d in logged} == {("pulled", False)}
            heads = {h.hazard_id: (h.seq, h.hash) for h in session.scalars(select(SyncHead))}
            last = {}
            for ev in source.scalars(select(HazardEvent).order_by(HazardEvent.seq)):
                last[ev.hazard_id] = (ev.seq, ev.hash)
            assert heads == last
        with db.session() as session:  # the server moves on: new events of the hazards held
            cursor = int(session.scalar(select(func.max(ChangeLog.cursor))))
            for hazard_id in server["hazards"]:
                hazards.update_hazard(session, session.get(Hazard, hazard_id), "wang", room="dormitory 3")
        later = page_of(db, cursor)
        savepoints = savepoints_during(target, lambda: reports.append(apply(target, later)))
        assert not reports[-1].failed and reports[-1].pulled == len(later) == 8
        assert savepoints <= 1  # the row-by-row merge took one per held hazard
        with target.session() as session, db.session() as source:
            assert {h.room for h in session.scalars(select(Hazard))} == {"dormitory 3"}
            heads = {h.hazard_id: (h.seq, h.hash) for h in session.scalars(select(SyncHead))}
            assert heads == {h: (e.seq, e.hash) for h in server["hazards"] for e in source.scalars(
                select(HazardEvent).where(HazardEvent.hazard_id == h).order_by(HazardEvent.seq.desc()).limit(1))}
        assert verified(target)
    finally:
        target.dispose()


def test_a_page_applied_twice_changes_nothing_the_second_time(db, server, tmp_path, catalogue):
    first = page_of(db)
    with db.session() as session:
        cursor = int(session.scalar(select(func.max(ChangeLog.cursor))))
    hazard_ids = server["hazards"]
    with db.session() as session:  # the server moves on: new events of a held hazard, a new hazard
        hazards.update_hazard(session, session.get(Hazard, hazard_ids[0]), "wang", description="worse")
    later = page_of(db, cursor)
    target = new_ledger(tmp_path, "b")
    try:
        apply(target, first)
        for page in (later, first):
            apply(target, page)
            before = dump(tmp_path / "b.sqlite")
            again = apply(target, page)
            assert not again.failed and again.pulled == len(page)
            assert dump(tmp_path / "b.sqlite") == before
        with target.session() as session:
            assert session.get(Hazard, hazard_ids[0]).description == "worse"
        assert verified(target)
    finally:
        target.dispose()


def test_a_row_newer_here_stays_and_a_newer_one_received_replaces_ours(db, server, tmp_path):
    items = page_of(db)
    target = new_ledger(tmp_path, "b")
    try:
        apply(target, items)
        with target.session() as session:
            session.get(Building, server["building"]).name = "Dormitory (renamed here)"
        apply(target, items)  # the same, older row again
        with target.session() as session:
            assert session.get(Building, server["building"]).name == "Dormitory (renamed here)"
        with db.session() as session:
            cursor = int(session.scalar(select(func.max(ChangeLog.cursor))))
            session.get(Site, server["site"]).name = "No. 1 Middle School (east campus)"
        apply(target, page_of(db, cursor))
        with target.session() as session:
            assert session.get(Site, server["site"]).name == "No. 1 Middle School (east campus)"
            logged = session.scalars(select(ChangeLog.entity).order_by(ChangeLog.cursor.desc()).limit(1)).one()
            assert logged == "site"
    finally:
        target.dispose()


def test_rows_that_cannot_land_are_set_aside_alone_and_the_rest_of_their_batch_lands(db, server, tmp_path):
    items = page_of(db)
    hazard_ids = [str(h) for h in server["hazards"]]
    tampered = next(i for i in items if i["entity"] == "hazard" and i["row"]["id"] == hazard_ids[4])
    tampered["events"][0]["actor"] = "someone else"
    orphan_photo = next(i for i in items if i["entity"] == "attachment" and i["row"]["hazard_id"] == hazard_ids[5])
    items = [i for i in items if not (i["entity"] == "hazard" and i["row"]["id"] == hazard_ids[5])]
    target = new_ledger(tmp_path, "b")
    try:
        report = apply(target, items)
        failed = {laptop.item_key(item): reason for item, reason in report.failed}
        assert set(failed) == {("hazard", hazard_ids[4]), ("attachment", orphan_photo["row"]["id"])}
        assert "does not match its hash" in failed[("hazard", hazard_ids[4])]
        assert f"hazards {hazard_ids[5]}" in failed[("attachment", orphan_photo["row"]["id"])]
        assert report.pulled == len(items) - 2
        with target.session() as session:
            held = {str(h) for h in session.scalars(select(Hazard.id))}
            assert held == set(hazard_ids) - {hazard_ids[4], hazard_ids[5]}
            assert set_aside.count(session) == 2
        assert verified(target)
    finally:
        target.dispose()


def test_a_batch_that_meets_a_constraint_sets_aside_only_the_clashing_row(db, server, tmp_path, catalogue):
    """Two hazards from two places drew the same short code (forced here): the write of the hazards'
    batch fails on the unique index, and they go again one by one, so only the clashing one is set
    aside, with the constraint named."""
    target = new_ledger(tmp_path, "b")
    try:
        with target.session() as session:
            org = structure.create_organisation(session, "Another bureau", kind="county")
            site = structure.create_site(session, org, "Another school", code="AN1")
            floor = structure.create_floor(session, structure.create_building(session, site, "Block"), "1F", 1)
            ours = hazards.add_hazard(session, catalogue, target.store, actor="b", category="electrical.aging_wiring",
                                      floor_id=floor.id, x=0.5, y=0.5)
            session.add(SyncHead(hazard_id=ours.id, seq=1, hash="0" * 64))  # sent: no number can clash
            taken = ours.short_code
        items = page_of(db)
        clashing = next(i for i in items if i["entity"] == "hazard" and i["row"]["id"] == str(server["hazards"][6]))
        clashing["row"]["short_code"] = taken
        report = apply(target, items)
        ((item, reason),) = report.failed
        assert laptop.item_key(item) == ("hazard", str(server["hazards"][6])) and "short_code" in reason
        assert report.pulled == len(items) - 1
        with target.session() as session:
            assert session.scalar(select(func.count()).select_from(Hazard)) == 1 + 7
        assert verified(target)
    finally:
        target.dispose()


def test_a_pulled_edit_of_a_field_edited_here_meanwhile_is_still_a_conflict_amid_a_batch(
        central, laptops, catalogue):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    made = [add(a, catalogue, places["floor"], f"hazard {n}") for n in range(5)]
    a.sync(central)
    b.sync(central)
    with b.db.session() as session:
        cursor = laptop.replica(session).pull_cursor
    edit(b, made[0], description="B's words")  # not sent
    edit(a, made[0], description="A's words")
    edit(a, made[1], room="202")
    a.sync(central)
    items = page_of(central.db, cursor)
    assert {i["row"]["id"] for i in items if i["entity"] == "hazard"} >= {str(made[0]), str(made[1])}
    report = apply(b.db, items)
    assert report.conflicts == 1 and not report.failed
    with b.db.session() as session:
        first, second = session.get(Hazard, made[0]), session.get(Hazard, made[1])
        assert (first.description, second.room) == ("A's words", "202")
        last = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == made[0])
                               .order_by(HazardEvent.seq.desc()).limit(1)).one()
        assert last.kind == "conflict" and (last.data["kept"], last.data["set_aside"]) == ("A's words", "B's words")
        # The rebased history is ours to send: logged as a local change.
        assert session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.entity == "hazard", ChangeLog.entity_id == made[0], ChangeLog.source == "local",
            ChangeLog.cursor > laptop.replica(session).push_cursor)) >= 1
    assert verified(b.db)
    b.sync(central)
    a.sync(central)
    with a.db.session() as session:
        assert session.scalars(select(HazardEvent.kind).where(HazardEvent.hazard_id == made[0])
                               .order_by(HazardEvent.seq.desc()).limit(1)).one() == "conflict"


KILLED_APPLY = """
import json, os, signal, sys
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.sync import laptop, tracking

written = tracking.log_written
calls = []

def then_killed(session, entries):
    written(session, entries)
    calls.append(1)
    if len(calls) == int(sys.argv[3]):  # rows of that many tables written, the transaction still open
        session.connection().exec_driver_sql("SELECT 1")
        os.kill(os.getpid(), signal.SIGKILL)

tracking.log_written = then_killed
db = open_database(sqlite_url(sys.argv[1]))
items = json.loads(open(sys.argv[2]).read())
with db.session() as session:
    laptop.apply_page(session, items, "b")
    laptop.replica(session).pull_cursor = 99
"""


@pytest.mark.parametrize("tables_written", [1, 5])
def test_an_apply_killed_mid_page_leaves_nothing_of_the_page(db, server, tmp_path, tables_written):
    items = page_of(db)
    ledger = tmp_path / "b.sqlite"
    target = open_database(sqlite_url(ledger))
    target.dispose()
    before = dump(ledger)
    (tmp_path / "page.json").write_text(json.dumps(items))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", KILLED_APPLY, str(ledger), str(tmp_path / "page.json"),
                           str(tables_written)], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert dump(ledger) == before  # no row, no change-log entry, the cursor where it was
    target = open_database(sqlite_url(ledger))
    try:
        with target.session() as session:
            assert laptop.replica(session).pull_cursor == 0
        report = apply(target, items)  # and the page, asked for again, lands whole
        assert not report.failed and report.pulled == len(items)
        assert verified(target)
    finally:
        target.dispose()


def test_on_postgresql_each_logged_row_names_its_organisation(db, server, postgres_url, tmp_path):
    """A bundle merged into the central ledger goes through the same apply: its change log must name
    each row's organisation, or an inspector's pull (which reads the log by organisation) misses it."""
    items = page_of(db)
    central = open_database(postgres_url, store_dir=tmp_path / "central-files")
    try:
        with central.session() as session:
            report = laptop.apply_page(session, copy.deepcopy(items), "admin", from_server=False)
        assert not report.failed and report.pulled == len(items)
        with central.session() as session:
            logged = session.execute(select(ChangeLog.entity, ChangeLog.organisation_id)).all()
            assert {entity for entity, _org in logged} >= {"hazard", "event", "attachment", "site", "floor"}
            assert {org for _entity, org in logged} == {server["org"]}
            assert session.scalar(select(func.count()).select_from(SyncHead)) == 0  # not from the server
            inspector = Principal(token_id=uuid.uuid4(), inspector="王芳", role="inspector",
                                  granted=frozenset({server["org"]}))
            page = pull_pages.pull(session, inspector, 0)
        assert {laptop.item_key(i) for i in page["items"]} == {laptop.item_key(i) for i in items}
    finally:
        central.dispose()
