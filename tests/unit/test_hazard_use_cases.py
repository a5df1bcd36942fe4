"""The hazard use cases of core.hazards, checked in what the database holds afterwards: the hazard row,
its events (kind, changes, note) and its photos, for recording, editing, pins, the workflow, token
rotation, bulk changes and undo. Refusals must leave the ledger exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import func, select

from inspector_app.core import audit, dates, structure
from inspector_app.core.errors import InspectorError, NotFoundError, TransitionError
from inspector_app.core.hazards import (
    EDITABLE_FIELDS,
    SHORT_CODE_ALPHABET,
    add_hazard,
    attach_photo,
    attachments_of,
    change_status,
    change_status_many,
    discard_new_hazard,
    find_hazard,
    move_pin,
    place_pin,
    rotate_token,
    update_hazard,
)
from inspector_app.core.models import Attachment, Hazard, HazardEvent, SupersededToken, SyncHead
from inspector_app.core.notice_register import record_pdf, reserve_notices
from inspector_app.core.workflow import TRANSITIONS, Status, allowed_targets
from inspector_app.i18n import use_language

WIRING = "electrical.aging_wiring"  # general, 15 days
LOCKED_EXIT = "evacuation.locked_exit"  # major by default
BEIJING = dt.timezone(dt.timedelta(hours=8))


def new(db, catalogue, floor, **values):
    values.setdefault("category", WIRING)
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", floor_id=floor, x=0.5, y=0.5, **values)
        return hazard.id


def events(db, hazard_id) -> list[HazardEvent]:
    with db.session() as session:
        found = list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                                     .order_by(HazardEvent.seq)))
        session.expunge_all()
        return found


def row(db, hazard_id) -> Hazard:
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        assert hazard is not None
        session.expunge(hazard)
        return hazard


def move(db, hazard_id, to, note="", photos=()):
    with db.session() as session:
        change_status(session, db.store, session.get(Hazard, hazard_id), to, "wang", note=note, photos=photos)


def chain_ok(db) -> None:
    with db.session() as session:
        assert audit.verify(session).ok


# -- recording ------------------------------------------------------------------------------------

def test_a_new_hazard_is_prefilled_from_its_category_and_its_building(db, catalogue, floor, jpeg_photo):
    today = dt.date(2026, 5, 11)
    with dates.fixed_clock(dt.datetime(2026, 5, 11, 10, 0, tzinfo=BEIJING), BEIJING), use_language("zh_CN"):
        first = new(db, catalogue, floor, category=LOCKED_EXIT, description="chained", photos=[jpeg_photo])
        second = new(db, catalogue, floor)
    exit_category = catalogue.category(LOCKED_EXIT)
    hazard = row(db, first)
    assert (hazard.number, hazard.seq, hazard.severity, hazard.status) == ("TS-0001", 1, "major", "open")
    assert hazard.deadline == today + dt.timedelta(days=exit_category.deadline_days)
    assert hazard.area_type == "teaching_building" and hazard.floor_id == floor and (hazard.x, hazard.y) == (0.5, 0.5)
    assert hazard.legal_basis == exit_category.legal_basis.get("zh_CN") and hazard.legal_basis
    assert hazard.required_measures == exit_category.requirement.get("zh_CN") and hazard.required_measures
    assert hazard.fixed_on_spot is False and hazard.closed_at is None
    assert len(hazard.public_token) >= 22 and hazard.public_token != row(db, second).public_token
    assert len(hazard.short_code) == 8 and set(hazard.short_code) <= set(SHORT_CODE_ALPHABET)
    assert row(db, second).number == "TS-0002"
    assert row(db, second).deadline == today + dt.timedelta(days=15)
    created, photo = events(db, first)
    assert (created.kind, created.actor, photo.kind) == ("created", "li", "photo_added")
    assert created.data["changes"]["status"] == [None, "open"]
    assert created.data["changes"]["public_token"] == [None, hazard.public_token]
    with db.session() as session:
        assert [a.role for a in attachments_of(session, first)] == ["before"]
    chain_ok(db)


def test_given_values_win_over_the_category_defaults(db, catalogue, floor):
    hazard_id = new(db, catalogue, floor, category=LOCKED_EXIT, severity="general", area_type="dormitory",
                    deadline=dt.date(2030, 1, 2), room="101", responsible_unit="后勤处", responsible_person="王")
    hazard = row(db, hazard_id)
    assert (hazard.severity, hazard.area_type, hazard.deadline, hazard.room) == (
        "general", "dormitory", dt.date(2030, 1, 2), "101")
    assert (hazard.responsible_unit, hazard.responsible_person) == ("后勤处", "王")


@pytest.mark.parametrize("position", [dict(x=1.2, y=0.5), dict(x=0.5, y=-0.1), dict(x=0.5, y=None)])
def test_a_pin_outside_the_page_or_half_given_is_refused(db, catalogue, floor, position):
    with db.session() as session, pytest.raises(InspectorError):
        add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=floor, **position)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 0


def test_a_hazard_needs_a_known_place_and_category(db, catalogue, floor):
    with db.session() as session:
        with pytest.raises(InspectorError):
            add_hazard(session, catalogue, db.store, actor="li", category=WIRING)
        with pytest.raises(NotFoundError):
            add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=uuid.uuid4())
        with pytest.raises(NotFoundError):
            add_hazard(session, catalogue, db.store, actor="li", category=WIRING, site_id=uuid.uuid4())
        with pytest.raises(InspectorError):
            add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=floor, severity="huge")
        with pytest.raises(InspectorError):
            add_hazard(session, catalogue, db.store, actor="li", category="no.such", floor_id=floor)
        site_id = structure.site_of_floor(session, floor)
        unpinned = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, site_id=site_id)
        assert (unpinned.floor_id, unpinned.x, unpinned.y) == (None, None, None)
        assert unpinned.area_type == ""


def test_a_hazard_is_found_by_id_number_short_code_token_or_url(db, catalogue, floor):
    hazard_id = new(db, catalogue, floor)
    hazard = row(db, hazard_id)
    refs = [str(hazard_id), hazard.number, hazard.short_code.lower(), hazard.public_token,
            f"https://x.example/h/{hazard.public_token}.json?utm=1", f" {hazard.number} "]
    with db.session() as session:
        assert {find_hazard(session, ref).id for ref in refs} == {hazard_id}
        with pytest.raises(NotFoundError):
            find_hazard(session, "TS-9999")
        with pytest.raises(NotFoundError):
            find_hazard(session, str(uuid.uuid4()))


# -- editing --------------------------------------------------------------------------------------

def test_an_edit_changes_only_editable_fields_and_records_old_and_new(db, catalogue, floor):
    hazard_id = new(db, catalogue, floor, description="old words")
    old_deadline = row(db, hazard_id).deadline.isoformat()
    with db.session() as session:
        changes = update_hazard(session, session.get(Hazard, hazard_id), "wang", catalogue, note="typo",
                                description="new words", deadline=dt.date(2030, 3, 4), room="")
    assert changes == {"description": ["old words", "new words"], "deadline": [old_deadline, "2030-03-04"]}
    hazard = row(db, hazard_id)
    assert (hazard.description, hazard.deadline) == ("new words", dt.date(2030, 3, 4))
    edited = events(db, hazard_id)[-1]
    assert (edited.kind, edited.actor, edited.note, edited.data["changes"]) == ("edited", "wang", "typo", changes)
    with db.session() as session:  # the same values again: nothing changes, no event
        assert update_hazard(session, session.get(Hazard, hazard_id), "wang", description="new words") == {}
    assert len(events(db, hazard_id)) == 2
    chain_ok(db)


@pytest.mark.parametrize("field", ["status", "public_token", "fixed_on_spot", "closed_at", "number", "site_id",
                                   "short_code", "found_at"])
def test_an_edit_cannot_reach_the_fields_the_workflow_owns(db, catalogue, floor, field):
    hazard_id = new(db, catalogue, floor)
    before = row(db, hazard_id)
    value = {"status": "closed", "fixed_on_spot": True, "closed_at": dates.now(), "found_at": dates.now(),
             "site_id": uuid.uuid4()}.get(field, "XXXX-0001")
    with db.session() as session, pytest.raises(InspectorError, match=field):
        update_hazard(session, session.get(Hazard, hazard_id), "wang", description="also this", **{field: value})
    after = row(db, hazard_id)
    assert (after.status, after.public_token, after.description, getattr(after, field)) == (
        before.status, before.public_token, before.description, getattr(before, field))
    assert len(events(db, hazard_id)) == 1


def test_every_editable_field_can_be_edited(db, catalogue, floor):
    values = {name: f"new {name}" for name in EDITABLE_FIELDS}
    values.update(severity="major", category="evacuation.blocked_route", deadline=dt.date(2031, 1, 1))
    hazard_id = new(db, catalogue, floor)
    with db.session() as session:
        changes = update_hazard(session, session.get(Hazard, hazard_id), "wang", catalogue, **values)
    assert set(changes) == EDITABLE_FIELDS
    hazard = row(db, hazard_id)
    assert {name: getattr(hazard, name) for name in EDITABLE_FIELDS} == values
    chain_ok(db)


def test_an_edit_refuses_a_bad_severity_or_category_and_a_final_hazard(db, catalogue, floor, jpeg_photo):
    hazard_id = new(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        with pytest.raises(InspectorError):
            update_hazard(session, hazard, "wang", severity="huge")
        with pytest.raises(InspectorError):
            update_hazard(session, hazard, "wang", catalogue, category="no.such")
    assert (row(db, hazard_id).severity, row(db, hazard_id).category) == ("general", WIRING)
    move(db, hazard_id, "closed", photos=[jpeg_photo])
    with db.session() as session, pytest.raises(InspectorError, match=row(db, hazard_id).number):
        update_hazard(session, session.get(Hazard, hazard_id), "wang", description="late")
    assert row(db, hazard_id).description == ""


# -- pins -----------------------------------------------------------------------------------------

def test_moving_a_pin_keeps_its_floor_and_page_unless_told(db, catalogue, floor):
    hazard_id = new(db, catalogue, floor, page=2)
    with db.session() as session:
        changes = move_pin(session, session.get(Hazard, hazard_id), "wang", 0.25, 0.75)
    assert changes == {"x": [0.5, 0.25], "y": [0.5, 0.75]}
    hazard = row(db, hazard_id)
    assert (hazard.floor_id, hazard.page, hazard.x, hazard.y) == (floor, 2, 0.25, 0.75)
    assert events(db, hazard_id)[-1].kind == "pin_moved"
    with db.session() as session:
        site = session.get(Hazard, hazard_id).site_id
        building = structure.create_building(session, session.get(structure.Site, site), "Dorm", "dormitory")
        upstairs = structure.create_floor(session, building, "2F", 2).id
        changes = move_pin(session, session.get(Hazard, hazard_id), "wang", 0.25, 0.75, floor_id=upstairs, page=0)
    assert changes == {"floor_id": [str(floor), str(upstairs)], "page": [2, 0]}
    with db.session() as session:
        assert move_pin(session, session.get(Hazard, hazard_id), "wang", 0.25, 0.75) == {}  # no move, no event
        with pytest.raises(InspectorError):
            move_pin(session, session.get(Hazard, hazard_id), "wang", 1.5, 0.75)
    assert (row(db, hazard_id).x, len(events(db, hazard_id))) == (0.25, 3)
    chain_ok(db)


def test_placing_a_pin_only_on_a_plan_of_the_hazards_own_site(db, catalogue, floor):
    with db.session() as session:
        site_id = structure.site_of_floor(session, floor)
        waiting = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, site_id=site_id)
        hazard_id = waiting.id
        other_org = structure.create_organisation(session, "Other")
        other_site = structure.create_site(session, other_org, "Other School", code="OS")
        other_floor = structure.create_floor(session, structure.create_building(session, other_site, "B"), "1F", 1)
        other_floor_id = other_floor.id
    with db.session() as session, pytest.raises(InspectorError, match="TS-0001"):
        place_pin(session, session.get(Hazard, hazard_id), "li", other_floor_id, 0, 0.3, 0.3)
    assert row(db, hazard_id).floor_id is None
    with db.session() as session:
        place_pin(session, session.get(Hazard, hazard_id), "li", floor, 1, 0.3, 0.4)
    hazard = row(db, hazard_id)
    assert (hazard.floor_id, hazard.page, hazard.x, hazard.y) == (floor, 1, 0.3, 0.4)
    with db.session() as session:  # the undo of placing it takes the pin off again
        place_pin(session, session.get(Hazard, hazard_id), "li", None, 0, None, None)
    hazard = row(db, hazard_id)
    assert (hazard.floor_id, hazard.x, hazard.y) == (None, None, None)
    assert [e.kind for e in events(db, hazard_id)] == ["created", "pin_moved", "pin_moved"]
    chain_ok(db)


# -- photos and the workflow ----------------------------------------------------------------------

def test_a_photo_is_before_or_after(db, catalogue, floor, jpeg_photo):
    hazard_id = new(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        with pytest.raises(InspectorError):
            attach_photo(session, db.store, hazard, jpeg_photo, role="during", actor="li")
        attachment = attach_photo(session, db.store, hazard, jpeg_photo, role="after", actor="li")
        assert db.store.find(attachment.file_hash) is not None
    photo = events(db, hazard_id)[-1]
    assert (photo.kind, photo.data["role"], photo.data["file_hash"]) == ("photo_added", "after", attachment.file_hash)


def test_the_full_road_to_closed_sets_closed_at_only_at_the_end(db, catalogue, floor, jpeg_photo):
    hazard_id = new(db, catalogue, floor)
    with dates.fixed_clock(dt.datetime(2026, 5, 11, 9, 0, tzinfo=BEIJING), BEIJING) as clock:
        move(db, hazard_id, "in_progress")
        assert row(db, hazard_id).closed_at is None
        move(db, hazard_id, "awaiting_reinspection")
        move(db, hazard_id, "in_progress", note="cable still loose")
        assert row(db, hazard_id).closed_at is None
        move(db, hazard_id, "awaiting_reinspection")
        clock.advance(dt.timedelta(hours=3))
        move(db, hazard_id, "closed", note="passed", photos=[jpeg_photo])
    hazard = row(db, hazard_id)
    assert hazard.status == "closed" and hazard.fixed_on_spot is False
    assert dates.local_time(hazard.closed_at) == dt.datetime(2026, 5, 11, 12, 0, tzinfo=BEIJING)
    kinds = [(e.kind, e.note, e.data["changes"].get("status")) for e in events(db, hazard_id)[1:]]
    assert kinds == [
        ("rectification_started", "", ["open", "in_progress"]),
        ("rectification_reported", "", ["in_progress", "awaiting_reinspection"]),
        ("reinspection_failed", "cable still loose", ["awaiting_reinspection", "in_progress"]),
        ("rectification_reported", "", ["in_progress", "awaiting_reinspection"]),
        ("photo_added", "", None),
        ("reinspection_passed", "passed", ["awaiting_reinspection", "closed"]),
    ]
    assert "fixed_on_spot" not in events(db, hazard_id)[-1].data["changes"]
    with db.session() as session:
        assert [a.role for a in attachments_of(session, hazard_id)] == ["after"]
    chain_ok(db)


def test_fixed_on_the_spot_marks_the_hazard_and_closes_it(db, catalogue, floor, jpeg_photo):
    hazard_id = new(db, catalogue, floor)
    move(db, hazard_id, "closed", note="unplugged", photos=[jpeg_photo])
    hazard = row(db, hazard_id)
    assert (hazard.status, hazard.fixed_on_spot) == ("closed", True) and hazard.closed_at is not None
    fixed = events(db, hazard_id)[-1]
    assert (fixed.kind, fixed.note) == ("fixed_on_spot", "unplugged")
    assert fixed.data["changes"] == {"status": ["open", "closed"], "fixed_on_spot": [False, True]}
    chain_ok(db)


def test_an_after_photo_attached_before_closing_counts(db, catalogue, floor, jpeg_photo):
    hazard_id = new(db, catalogue, floor, photos=[jpeg_photo])
    with pytest.raises(TransitionError):  # a before-photo is not proof of the fix
        move(db, hazard_id, "closed")
    assert row(db, hazard_id).status == "open"
    with db.session() as session:
        attach_photo(session, db.store, session.get(Hazard, hazard_id), jpeg_photo, role="after", actor="li")
    move(db, hazard_id, "closed")
    assert row(db, hazard_id).status == "closed"
    with db.session() as session:  # no second copy of the photo was needed
        assert sorted(a.role for a in attachments_of(session, hazard_id)) == ["after", "before"]


@pytest.mark.parametrize("source", ["open", "in_progress", "awaiting_reinspection"])
def test_a_withdrawal_keeps_its_reason_and_never_closes(db, catalogue, floor, source):
    hazard_id = new(db, catalogue, floor)
    if source != "open":
        move(db, hazard_id, source)
    move(db, hazard_id, "withdrawn", note="recorded twice")
    hazard = row(db, hazard_id)
    assert (hazard.status, hazard.closed_at, hazard.fixed_on_spot) == ("withdrawn", None, False)
    withdrawn = events(db, hazard_id)[-1]
    assert (withdrawn.kind, withdrawn.note) == ("withdrawn", "recorded twice")
    assert withdrawn.data["changes"] == {"status": [source, "withdrawn"]}


def _walk(db, hazard_id, source, photo):
    road = {"open": [], "in_progress": ["in_progress"], "awaiting_reinspection": ["awaiting_reinspection"],
            "closed": ["closed"], "withdrawn": ["withdrawn"]}[source]
    for step in road:
        move(db, hazard_id, step, note="because", photos=[photo] if step == "closed" else [])


ILLEGAL = [(s.value, t.value) for s in Status for t in Status
           if (s, t) not in {(tr.source, tr.target) for tr in TRANSITIONS}]


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_an_illegal_change_leaves_the_hazard_and_its_history_untouched(db, catalogue, floor, jpeg_photo,
                                                                       source, target):
    hazard_id = new(db, catalogue, floor)
    _walk(db, hazard_id, source, jpeg_photo)
    before, history = row(db, hazard_id), len(events(db, hazard_id))
    with db.session() as session:
        photos = session.scalar(select(func.count()).select_from(Attachment))
    with pytest.raises(TransitionError):
        move(db, hazard_id, target, note="because", photos=[jpeg_photo])
    after = row(db, hazard_id)
    assert (after.status, after.closed_at, after.fixed_on_spot) == (before.status, before.closed_at,
                                                                    before.fixed_on_spot)
    assert len(events(db, hazard_id)) == history
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == photos


@pytest.mark.parametrize("source", [s.value for s in Status])
def test_the_targets_offered_are_exactly_the_ones_that_work(db, catalogue, floor, jpeg_photo, source):
    """What the status dialog lists (allowed_targets) must each succeed, and nothing else may."""
    offered = {t.value for t in allowed_targets(source)}
    for target in (s.value for s in Status):
        hazard_id = new(db, catalogue, floor)
        _walk(db, hazard_id, source, jpeg_photo)
        try:
            move(db, hazard_id, target, note="because", photos=[jpeg_photo])
        except TransitionError:
            assert target not in offered, f"{source} -> {target} is offered but refused"
        else:
            assert target in offered, f"{source} -> {target} works but is not offered"
            assert row(db, hazard_id).status == target


# -- public token ---------------------------------------------------------------------------------

def test_rotating_the_token_keeps_the_old_one_as_superseded(db, catalogue, floor):
    hazard_id = new(db, catalogue, floor)
    old = row(db, hazard_id).public_token
    with db.session() as session:
        fresh = rotate_token(session, session.get(Hazard, hazard_id), "wang")
    assert fresh != old and row(db, hazard_id).public_token == fresh and len(fresh) >= 22
    with db.session() as session:
        superseded = session.get(SupersededToken, old)
        assert superseded is not None and superseded.hazard_id == hazard_id
        assert find_hazard(session, fresh).id == hazard_id
    rotated = events(db, hazard_id)[-1]
    assert (rotated.kind, rotated.actor, rotated.data["changes"]) == (
        "token_rotated", "wang", {"public_token": [old, fresh]})
    chain_ok(db)


# -- bulk -----------------------------------------------------------------------------------------

def test_a_bulk_change_carries_its_note_and_photos_to_every_hazard_and_skips_unknown_ids(
        db, catalogue, floor, jpeg_photo):
    ids = [new(db, catalogue, floor) for _ in range(3)]
    stranger = uuid.uuid4()
    with db.session() as session:
        refused = change_status_many(session, db.store, [ids[0], stranger, ids[1], ids[2]], "closed", "wang",
                                     note="all unplugged", photos=[jpeg_photo])
    assert refused == [(str(stranger), refused[0][1])] and str(stranger) in refused[0][1]
    for hazard_id in ids:
        assert (row(db, hazard_id).status, row(db, hazard_id).fixed_on_spot) == ("closed", True)
        assert (events(db, hazard_id)[-1].kind, events(db, hazard_id)[-1].note) == ("fixed_on_spot", "all unplugged")
        with db.session() as session:
            assert [a.role for a in attachments_of(session, hazard_id)] == ["after"]
    chain_ok(db)


def test_a_refused_hazard_in_a_bulk_change_keeps_nothing_of_it(db, catalogue, floor, jpeg_photo):
    ids = [new(db, catalogue, floor) for _ in range(2)]
    move(db, ids[0], "in_progress")  # in progress cannot close without a re-inspection
    with db.session() as session:
        refused = change_status_many(session, db.store, ids, "closed", "wang", note="done", photos=[jpeg_photo])
    assert [number for number, _reason in refused] == [row(db, ids[0]).number]
    assert [row(db, i).status for i in ids] == ["in_progress", "closed"]
    with db.session() as session:
        assert attachments_of(session, ids[0]) == []  # the refused one got no after-photo
    chain_ok(db)


# -- undo of adding -------------------------------------------------------------------------------

def test_undo_removes_a_hazard_that_was_only_edited(db, catalogue, floor, jpeg_photo):
    hazard_id = new(db, catalogue, floor, photos=[jpeg_photo])
    keep = new(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        update_hazard(session, hazard, "li", description="typo")
        move_pin(session, hazard, "li", 0.1, 0.1)
    with db.session() as session:
        discard_new_hazard(session, hazard_id)
        discard_new_hazard(session, uuid.uuid4())  # already gone: nothing to do
    with db.session() as session:
        assert session.get(Hazard, hazard_id) is None
        assert session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)).all() == []
        assert attachments_of(session, hazard_id) == []
        assert session.get(Hazard, keep) is not None
    chain_ok(db)


@pytest.mark.parametrize("step", ["in_progress", "withdrawn", "closed", "notice", "shared"])
def test_undo_cannot_remove_a_hazard_something_official_happened_to(db, catalogue, floor, jpeg_photo, step):
    hazard_id = new(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        if step == "notice":
            notices = reserve_notices(session, [[hazard_id]], prefix="X", kind="per_hazard", language="zh_CN",
                                      actor="li")
            record_pdf(session, notices, b"%PDF-1.4", "li")
        elif step == "shared":
            session.add(SyncHead(hazard_id=hazard_id, seq=1, hash=events(db, hazard_id)[0].hash))
        else:
            change_status(session, db.store, hazard, step, "li", note="why", photos=[jpeg_photo])
    history = len(events(db, hazard_id))
    with db.session() as session, pytest.raises(InspectorError, match="TS-0001"):
        discard_new_hazard(session, hazard_id)
    with db.session() as session:
        assert session.get(Hazard, hazard_id) is not None
    assert len(events(db, hazard_id)) == history


def test_undo_of_a_hazard_on_a_reserved_notice_without_its_event_is_refused(db, catalogue, floor):
    """The notice table, not only the event, keeps a printed hazard in the ledger."""
    hazard_id = new(db, catalogue, floor)
    with db.session() as session:
        reserve_notices(session, [[hazard_id]], prefix="X", kind="per_hazard", language="zh_CN", actor="li")
    with db.session() as session, pytest.raises(InspectorError):
        discard_new_hazard(session, hazard_id)
    assert row(db, hazard_id).status == "open"


# -- the details a record carries -------------------------------------------------------------------

def test_everything_given_when_recording_is_kept(db, catalogue, floor):
    with db.session() as session:
        site = session.get(structure.Site, structure.site_of_floor(session, floor))
        inspection = structure.create_inspection(session, site, dt.date(2026, 5, 11), "special", "Li, Wang")
        inspection_id = inspection.id
    old = new(db, catalogue, floor)
    chosen_id = uuid.uuid4()
    found_at = dt.datetime(2026, 5, 11, 1, 2, 3, tzinfo=dt.UTC)
    hazard_id = new(db, catalogue, floor, page=3, inspection_id=inspection_id, funding="2000", room="204",
                    interim_safeguards="cordoned off", previous_hazard_id=old, found_at=found_at,
                    hazard_id=chosen_id, today=dt.date(2026, 1, 1))
    assert hazard_id == chosen_id
    hazard = row(db, chosen_id)
    assert (hazard.page, hazard.inspection_id, hazard.funding, hazard.interim_safeguards, hazard.previous_hazard_id) \
        == (3, inspection_id, "2000", "cordoned off", old)
    assert dates.local_date(hazard.found_at) == dates.local_date(found_at)
    assert hazard.found_at.replace(tzinfo=None) == found_at.replace(tzinfo=None)
    assert hazard.deadline == dt.date(2026, 1, 16)  # counted from the given day
    created = events(db, chosen_id)[0].data["changes"]
    assert created["previous_hazard_id"] == [None, str(old)] and created["inspection_id"] == [None, str(inspection_id)]


@pytest.mark.parametrize(("x", "y"), [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0)])
def test_a_pin_on_the_edge_of_the_page_is_fine(db, catalogue, floor, x, y):
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=floor, x=x, y=y)
        assert (hazard.x, hazard.y) == (x, y)
        move_pin(session, hazard, "li", y, x)
        assert (hazard.x, hazard.y) == (y, x)


def test_tokens_are_long_random_and_short_codes_unique(db, catalogue, floor, monkeypatch):
    from inspector_app.core import hazards as hazards_module

    tokens = {hazards_module.new_public_token() for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) == 24 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)
    first = row(db, new(db, catalogue, floor))
    # The next code drawn is the one already in use: the recorder must draw again.
    drawn = iter([first.short_code, first.short_code, "ABCDEFGH"])
    monkeypatch.setattr(hazards_module, "new_short_code", lambda: next(drawn))
    assert row(db, new(db, catalogue, floor)).short_code == "ABCDEFGH"


def test_the_same_number_at_two_sites_asks_for_the_id(db, catalogue, floor):
    here = new(db, catalogue, floor)
    with db.session() as session:
        org = structure.create_organisation(session, "Other bureau")
        other_site = structure.create_site(session, org, "Other school", code="TS2")
        there = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, site_id=other_site.id)
        there.number = row(db, here).number  # as ledgers merged from two counties can hold
        session.flush()
        with pytest.raises(InspectorError, match="TS-0001") as refused:
            find_hazard(session, "TS-0001")
        assert not isinstance(refused.value, NotFoundError)
        assert find_hazard(session, str(there.id)).id == there.id
        token = row(db, here).public_token
        assert find_hazard(session, f"https://x.example/h/{token}#top").id == here


def test_an_attached_photo_records_what_it_is(db, catalogue, floor, jpeg_photo, tmp_path):
    from PIL import Image

    second = tmp_path / "wide.png"
    Image.new("RGB", (30, 20), "#00ff00").save(second)
    hazard_id = new(db, catalogue, floor)
    with dates.fixed_clock(dt.datetime(2026, 5, 11, 9, 0, tzinfo=BEIJING), BEIJING) as clock, \
            db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        attach_photo(session, db.store, hazard, jpeg_photo, role="before", actor="li")
        clock.advance(dt.timedelta(minutes=1))
        attach_photo(session, db.store, hazard, second, role="after", actor="wang")
    with db.session() as session:
        first, later = attachments_of(session, hazard_id)
        assert (first.role, first.created_by, first.width, first.height, first.hazard_id) == (
            "before", "li", 64, 48, hazard_id)
        assert (later.role, later.created_by, later.width, later.height) == ("after", "wang", 30, 20)
        assert first.mime.startswith("image/") and first.filename and first.file_hash != later.file_hash
    photo_events = [e for e in events(db, hazard_id) if e.kind == "photo_added"]
    assert [(e.actor, e.data["role"], e.data["attachment_id"]) for e in photo_events] == [
        ("li", "before", str(first.id)), ("wang", "after", str(later.id))]


# -- refusals a Chinese inspector can act on --------------------------------------------------------

CJK = re.compile("[\u4e00-\u9fff]")


def test_every_refusal_is_in_chinese_and_names_what_was_wrong(db, catalogue, floor, jpeg_photo):
    """Each refusal of the use cases, in zh_CN: translated, and naming the value, field or hazard."""
    stranger = uuid.uuid4()
    hazard_id = new(db, catalogue, floor)
    closed_id = new(db, catalogue, floor)
    move(db, closed_id, "closed", photos=[jpeg_photo])
    number, closed_number = row(db, hazard_id).number, row(db, closed_id).number
    with db.session() as session:
        other = structure.create_site(session, structure.create_organisation(session, "O"), "Other", code="OT")
        other_floor = structure.create_floor(session, structure.create_building(session, other, "B"), "1F", 1).id
        twin = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, site_id=other.id)
        twin.number = "TW-0001"
        session.flush()
        add_hazard(session, catalogue, db.store, actor="li", category=WIRING, site_id=other.id).number = "TW-0001"
    shared_id = new(db, catalogue, floor)
    with db.session() as session:
        session.add(SyncHead(hazard_id=shared_id, seq=1, hash="0" * 64))
    shared_number = row(db, shared_id).number

    def add(**values):
        def attempt(session):
            add_hazard(session, catalogue, db.store, actor="li", category=WIRING, **values)
        return attempt

    def on(hazard, action):
        def attempt(session):
            action(session, session.get(Hazard, hazard))
        return attempt

    cases = [
        (add(floor_id=floor, x=1.25, y=0.5), ["1.25"]),
        (add(floor_id=floor, x=0.5, y=None), []),
        (add(floor_id=stranger, x=0.5, y=0.5), [str(stranger)]),
        (add(site_id=stranger), [str(stranger)]),
        (add(), []),
        (add(floor_id=floor, severity="huge"), ["huge"]),
        (lambda session: find_hazard(session, "TW-0001"), ["TW-0001"]),
        (lambda session: find_hazard(session, "NO-SUCH-1"), ["NO-SUCH-1"]),
        (on(hazard_id, lambda s, h: update_hazard(s, h, "li", status="closed", number="X")), ["number, status"]),
        (on(hazard_id, lambda s, h: update_hazard(s, h, "li", severity="huge")), ["huge"]),
        (on(closed_id, lambda s, h: update_hazard(s, h, "li", room="1")), [closed_number]),
        (on(hazard_id, lambda s, h: place_pin(s, h, "li", other_floor, 0, 0.5, 0.5)), [number]),
        (on(hazard_id, lambda s, h: attach_photo(s, db.store, h, jpeg_photo, role="during", actor="li")),
         ["during"]),
        (lambda session: discard_new_hazard(session, shared_id), [shared_number]),
        (lambda session: discard_new_hazard(session, closed_id), [closed_number]),
    ]
    for attempt, named in cases:
        with use_language("zh_CN"), db.session() as session, pytest.raises(InspectorError) as refused:
            attempt(session)
        message = str(refused.value)
        assert CJK.search(message), f"untranslated: {message}"
        assert "None" not in message, message
        for part in named:
            assert part in message, (part, message)
    with use_language("zh_CN"), db.session() as session:
        [(name, reason)] = change_status_many(session, db.store, [stranger], "in_progress", "li")
    assert name == str(stranger) and str(stranger) in reason and CJK.search(reason)


def test_a_status_url_whose_base_has_h_in_its_path_still_finds_the_hazard(db, catalogue, floor):
    hazard_id = new(db, catalogue, floor)
    token = row(db, hazard_id).public_token
    with db.session() as session:
        for url in (f"https://edu.example/h/status/h/{token}", f"http://10.0.0.5:8470/h/h/{token}.json"):
            assert find_hazard(session, url).id == hazard_id


def test_steps_taken_without_a_note_record_none(db, catalogue, floor):
    ids = [new(db, catalogue, floor) for _ in range(2)]
    with db.session() as session:
        hazard = session.get(Hazard, ids[0])
        update_hazard(session, hazard, "li", room="9")
        move_pin(session, hazard, "li", 0.1, 0.2)
        assert change_status_many(session, db.store, ids, "in_progress", "li") == []
    assert [(e.kind, e.note) for e in events(db, ids[0])[1:]] == [
        ("edited", ""), ("pin_moved", ""), ("rectification_started", "")]
    assert events(db, ids[1])[-1].note == ""


def test_another_hazards_after_photo_does_not_let_this_one_close(db, catalogue, floor, jpeg_photo):
    fixed, other = new(db, catalogue, floor), new(db, catalogue, floor)
    with db.session() as session:
        attachment = attach_photo(session, db.store, session.get(Hazard, fixed), jpeg_photo, role="after",
                                  actor="li")
        assert attachment.overlay == {}  # no markup yet: an empty drawing, not a missing one
    with pytest.raises(TransitionError):
        move(db, other, "closed")
    assert row(db, other).status == "open"
    with db.session() as session:  # a plain step without a note records an empty one
        change_status(session, db.store, session.get(Hazard, other), "in_progress", "li")
    assert events(db, other)[-1].note == ""


def test_what_is_not_given_when_recording_stays_empty(db, catalogue, floor):
    """Nothing is invented: an unnamed responsible unit stays blank for the inspector to fill in."""
    hazard = row(db, new(db, catalogue, floor))
    assert (hazard.page, hazard.room, hazard.description, hazard.responsible_unit, hazard.responsible_person,
            hazard.funding, hazard.interim_safeguards) == (0, "", "", "", "", "", "")
    assert (hazard.inspection_id, hazard.previous_hazard_id) == (None, None)


# -- what mutation testing found unpinned (issue 27) -----------------------------------------------

def test_the_redo_of_an_add_gets_back_its_number_code_and_token_unless_another_took_them(db, catalogue, floor):
    """The redo of an undone add gives back the number, short code and QR token it had (a label already
    printed still finds it); any of them another hazard took meanwhile is drawn anew."""
    first, gone, third = (row(db, new(db, catalogue, floor)) for _ in range(3))
    with db.session() as session:
        discard_new_hazard(session, gone.id)
        other_site = structure.create_site(session, structure.create_organisation(session, "O"), "Other", code="OT")
        for _ in range(2):  # the other site's register has a number 2 too: it does not take this site's
            add_hazard(session, catalogue, db.store, actor="li", category=WIRING, site_id=other_site.id)
    redone = row(db, new(db, catalogue, floor, hazard_id=gone.id, seq=gone.seq, short_code=gone.short_code,
                         public_token=gone.public_token))
    assert (redone.id, redone.seq, redone.number, redone.short_code, redone.public_token) == (
        gone.id, 2, gone.number, gone.short_code, gone.public_token)
    clash = row(db, new(db, catalogue, floor, seq=first.seq, short_code=first.short_code,
                        public_token=first.public_token))
    assert clash.seq == third.seq + 1 and clash.number == f"TS-{third.seq + 1:04d}"
    assert clash.short_code not in (first.short_code, redone.short_code, third.short_code)
    assert clash.public_token not in (first.public_token, redone.public_token, third.public_token)
    with db.session() as session:  # the first hazard's printed codes still find it, and only it
        assert find_hazard(session, first.short_code).id == first.id
        assert find_hazard(session, first.public_token).id == first.id


def test_photos_are_stored_at_the_inspectors_size_wherever_they_are_added(db, catalogue, floor, jpeg_photo):
    """The photo-size setting (64x48 reduced to 32 px on its long side) holds for a new hazard's photos, a
    closing step's, a bulk change's and a photo added on its own."""
    recorded = new(db, catalogue, floor, photos=[jpeg_photo], photo_max_edge=32)
    closed, bulk = new(db, catalogue, floor), new(db, catalogue, floor)
    with db.session() as session:
        change_status(session, db.store, session.get(Hazard, closed), "closed", "wang", photos=[jpeg_photo],
                      photo_max_edge=32)
        assert change_status_many(session, db.store, [bulk], "closed", "wang", photos=[jpeg_photo],
                                  photo_max_edge=32) == []
        attach_photo(session, db.store, session.get(Hazard, recorded), jpeg_photo, role="after", actor="li",
                     max_edge=24)
    with db.session() as session:
        sizes = {hazard_id: [(a.role, a.width, a.height) for a in attachments_of(session, hazard_id)]
                 for hazard_id in (recorded, closed, bulk)}
    assert sizes == {recorded: [("before", 32, 24), ("after", 24, 18)], closed: [("after", 32, 24)],
                     bulk: [("after", 32, 24)]}


def _photo_with_camera(path):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's make: identifies the sender's phone
    exif[0x0132] = "2026:05:10 08:30:00"  # when it was taken
    Image.new("RGB", (40, 30), "#446688").save(path, format="JPEG", exif=exif.tobytes())
    return path


def _stored_exif(db, file_hash):
    from PIL import Image

    with Image.open(db.store.path_for(file_hash, ".jpg")) as image:
        return dict(image.getexif())


def test_a_strangers_photo_keeps_only_when_it_was_taken_and_an_inspectors_keeps_its_camera(
        db, catalogue, floor, tmp_path):
    photo = _photo_with_camera(tmp_path / "phone.jpg")
    hazard_id = new(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        own = attach_photo(session, db.store, hazard, photo, role="before", actor="li").file_hash
        sent = attach_photo(session, db.store, hazard, photo, role="after", actor="unit", stranger=True).file_hash
    assert _stored_exif(db, own).get(0x010F) == "PhoneMaker"
    assert 0x010F not in _stored_exif(db, sent)
    added = [e.data for e in events(db, hazard_id) if e.kind == "photo_added"]
    assert "taken" not in added[0]  # the inspector's own photo: the file keeps its facts
    assert added[1]["taken"] == "2026:05:10 08:30:00"


def test_a_hazards_photos_come_in_the_order_they_were_added(db, catalogue, floor, jpeg_photo, tmp_path):
    from PIL import Image

    hazard_id = new(db, catalogue, floor)
    later = tmp_path / "later.png"
    Image.new("RGB", (30, 20), "#00ff00").save(later)
    with db.session() as session:  # the later photo is written first: the order is the time, not the row's
        with dates.fixed_clock(dt.datetime(2026, 5, 11, 9, 5, tzinfo=BEIJING), BEIJING):
            attach_photo(session, db.store, session.get(Hazard, hazard_id), later, role="after", actor="li")
        with dates.fixed_clock(dt.datetime(2026, 5, 11, 9, 0, tzinfo=BEIJING), BEIJING):
            attach_photo(session, db.store, session.get(Hazard, hazard_id), jpeg_photo, role="before", actor="li")
    with db.session() as session:
        assert [a.role for a in attachments_of(session, hazard_id)] == ["before", "after"]


def test_a_status_change_keeps_the_facts_given_with_it_and_closing_ends_the_units_link(db, catalogue, floor):
    from inspector_app.core import rectification_links

    hazard_id, other_id = new(db, catalogue, floor), new(db, catalogue, floor)
    with db.session() as session:
        secret = rectification_links.issue(session, hazard_id, "li")
        other_secret = rectification_links.issue(session, other_id, "li")
        change_status(session, db.store, session.get(Hazard, hazard_id), "in_progress", "unit", note="ordered",
                      extra={"reporter": {"name": "Facilities office"}})
        assert rectification_links.open_link(session, secret) is not None  # still the unit's to report on
        change_status(session, db.store, session.get(Hazard, hazard_id), "withdrawn", "wang", note="duplicate")
        assert rectification_links.open_link(session, secret) is None
        assert [link.ended_reason for link in rectification_links.links_of(session, hazard_id)] == ["withdrawn"]
        assert rectification_links.open_link(session, other_secret) is not None  # another hazard's stays open
    started = events(db, hazard_id)[-2]
    assert (started.kind, started.data["reporter"]) == ("rectification_started", {"name": "Facilities office"})
    chain_ok(db)


def test_only_the_closed_and_withdrawn_among_the_hazards_asked_for_are_final(db, catalogue, floor, jpeg_photo):
    """What the undo stack asks before it offers a step on these hazards (ui.window_undo)."""
    from inspector_app.core.hazards import final_hazard_ids

    opened, started, closed, withdrawn, unasked = (new(db, catalogue, floor) for _ in range(5))
    move(db, started, "in_progress")
    move(db, closed, "closed", photos=[jpeg_photo])
    move(db, withdrawn, "withdrawn", note="duplicate")
    move(db, unasked, "withdrawn", note="duplicate")
    asked = {str(i) for i in (opened, started, closed, withdrawn, uuid.uuid4())}
    with db.session() as session:
        assert final_hazard_ids(session, asked) == {str(closed), str(withdrawn)}
        assert final_hazard_ids(session, {str(opened)}) == set()


def _confirmed_major(db, catalogue, floor) -> uuid.UUID:
    from inspector_app.core import major_hazards
    from inspector_app.core.major_decision import GroupDecision

    hazard_id = new(db, catalogue, floor, category="electrical.ebike_indoor_charging")
    with db.session() as session:
        major_hazards.decide(session, catalogue, session.get(Hazard, hazard_id), "edu2024.3.1.6", confirm=True,
                             actor="li", group=GroupDecision(("王建国", "李秀英", "张伟"), dt.date.today(), "判定"))
    return hazard_id


def test_a_confirmed_major_hazards_severity_is_not_lowered_by_an_edit(db, catalogue, floor):
    major = _confirmed_major(db, catalogue, floor)
    number = row(db, major).number
    with use_language("zh_CN"), db.session() as session, pytest.raises(InspectorError) as refused:
        update_hazard(session, session.get(Hazard, major), "li", severity="general", description="lowered")
    message = str(refused.value)
    assert CJK.search(message) and number in message and "edu2024.3.1.6" in message and "None" not in message
    assert (row(db, major).severity, row(db, major).description) == ("major", "")
    with db.session() as session:  # saying it is major again, and editing the rest, is fine
        update_hazard(session, session.get(Hazard, major), "li", severity="major", description="still major")
    assert (row(db, major).severity, row(db, major).description) == ("major", "still major")
    plain = new(db, catalogue, floor)  # a hazard never confirmed major: its severity goes up and down freely
    with db.session() as session:
        update_hazard(session, session.get(Hazard, plain), "li", severity="major")
        update_hazard(session, session.get(Hazard, plain), "li", severity="general")
    assert row(db, plain).severity == "general"
    chain_ok(db)
