"""What the public sees when it scans a notice's QR (web.public.status and the page and JSON made from it):
the place and category in words, the status, the deadline or how many days overdue, only the public
part of the history, names only when the organisation allows, and nothing at all for withdrawn or
unknown tokens, whichever token (current or superseded) is scanned.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from inspector_app.core import dates, structure
from inspector_app.core.hazards import (
    add_hazard,
    attach_photo,
    change_status,
    move_pin,
    rotate_token,
    update_hazard,
)
from inspector_app.core.models import Hazard, Organisation
from inspector_app.core.notice_register import record_pdf, reserve_notices
from inspector_app.web.app import StatusService
from inspector_app.web.public.status import (
    PUBLIC_EVENTS,
    PublicStatus,
    Superseded,
    hazard_version,
    lookup,
    shows_nothing,
)
from tests.stepped_clock import SteppedClock

BEIJING = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 5, 11, 10, 0, tzinfo=BEIJING)
CATEGORY = "electrical.aging_wiring"


@pytest.fixture
def place(db):
    """An organisation, a school and a dormitory's third floor, with names the page must show."""
    with db.session() as session:
        org = structure.create_organisation(session, "城区教育局")
        site = structure.create_site(session, org, "第一中学", code="YZ")
        building = structure.create_building(session, site, "学生宿舍", "dormitory")
        floor = structure.create_floor(session, building, "三层", 3)
        return {"org": org.id, "site": site.id, "floor": floor.id}


def new(db, catalogue, place, **values):
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category=CATEGORY, floor_id=place["floor"],
                            x=0.5, y=0.5, room="312", responsible_person="王老师", **values)
        return hazard.id, hazard.public_token


def public(db, catalogue, token, today=None):
    with db.session() as session:
        return lookup(session, catalogue, token, today)


def step(db, hazard_id, to, note="", photos=()):
    with db.session() as session:
        change_status(session, db.store, session.get(Hazard, hazard_id), to, "wang", note=note, photos=photos)


def test_the_page_names_the_place_and_category_in_words(db, catalogue, place):
    _id, token = new(db, catalogue, place, deadline=dt.date(2026, 6, 1))
    found = public(db, catalogue, token, today=dt.date(2026, 5, 20))
    assert isinstance(found, PublicStatus)
    category = catalogue.category(CATEGORY)
    facts = found.as_json()
    assert {k: facts[k] for k in ("number", "site", "building", "floor", "room", "status", "severity")} == {
        "number": "YZ-0001", "site": "第一中学", "building": "学生宿舍", "floor": "三层", "room": "312",
        "status": "open", "severity": "general"}
    assert facts["category"] == {"code": CATEGORY, "zh": category.name.zh, "en": category.name.en}
    assert category.name.zh != CATEGORY and category.name.en != CATEGORY
    assert facts["deadline"] == "2026-06-01" and facts["overdue"] is False and facts["overdue_days"] == 0
    assert facts["fixed_on_spot"] is False and facts["responsible_person"] is None
    json.dumps(facts)  # what the server sends

    service = StatusService(db, catalogue)
    code, body, media = service.render(token, "zh_CN", "", False, f"/h/{token}")
    page = body.decode()
    assert code == 200 and media.startswith("text/html")
    for words in ("第一中学", "学生宿舍", "三层", "312", category.name.zh, "YZ-0001", "2026-06-01"):
        assert words in page
    assert CATEGORY not in page and "王老师" not in page
    code, body, _media = service.render(token, "en", "", False, f"/h/{token}")
    assert code == 200 and category.name.en in body.decode()
    code, body, media = service.render(token, "zh_CN", "", True, f"/h/{token}")
    assert code == 200 and media == "application/json"
    assert json.loads(body)["building"] == "学生宿舍"


def test_overdue_days_are_counted_from_the_deadline(db, catalogue, place):
    hazard_id, token = new(db, catalogue, place, deadline=dt.date(2026, 5, 1))
    late = public(db, catalogue, token, today=dt.date(2026, 5, 11)).as_json()
    assert (late["overdue"], late["overdue_days"]) == (True, 10)
    assert public(db, catalogue, token, today=dt.date(2026, 5, 1)).overdue_days == 0  # due today: not late
    assert public(db, catalogue, token, today=dt.date(2026, 5, 2)).overdue_days == 1
    step(db, hazard_id, "awaiting_reinspection")  # reported fixed: the inspector owes the visit now
    assert public(db, catalogue, token, today=dt.date(2026, 5, 11)).as_json()["overdue"] is False
    page = StatusService(db, catalogue).render(token, "en", "", False, "/h/x")[1].decode()
    assert "Overdue" not in page
    with dates.fixed_clock(NOW, BEIJING):  # without a given day: the program's own today
        assert public(db, catalogue, new(db, catalogue, place, deadline=dt.date(2026, 5, 8))[1]).overdue_days == 3


def test_an_overdue_page_says_by_how_many_days(db, catalogue, place):
    _id, token = new(db, catalogue, place, deadline=dt.date(2026, 5, 4))
    with dates.fixed_clock(NOW, BEIJING):
        code, body, _media = StatusService(db, catalogue).render(token, "en", "", False, "/h/x")
        as_json = json.loads(StatusService(db, catalogue).render(token, "en", "", True, "/h/x")[1])
    assert code == 200 and "7" in body.decode() and "Overdue" in body.decode()
    assert as_json["overdue_days"] == 7


def test_the_timeline_shows_the_public_steps_only(db, catalogue, place, jpeg_photo):
    hazard_id, token = new(db, catalogue, place)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        update_hazard(session, hazard, "li", description="office words")
        move_pin(session, hazard, "li", 0.2, 0.2)
        attach_photo(session, db.store, hazard, jpeg_photo, role="before", actor="li")
        record_pdf(session, reserve_notices(session, [[hazard_id]], prefix="X", kind="per_hazard",
                                            language="zh_CN", actor="li"), b"%PDF", "li")
        token = rotate_token(session, hazard, "li")
    step(db, hazard_id, "in_progress")
    step(db, hazard_id, "awaiting_reinspection")
    step(db, hazard_id, "in_progress", note="still loose")
    step(db, hazard_id, "awaiting_reinspection")
    step(db, hazard_id, "closed", photos=[jpeg_photo])
    found = public(db, catalogue, token)
    # All on one day, so the second report of that day is not news: one line per kind per day.
    assert [h.kind for h in found.history] == [
        "created", "notice_issued", "rectification_started", "rectification_reported", "reinspection_failed",
        "reinspection_passed"]
    assert [h["event"] for h in found.as_json()["history"]] == [h.kind for h in found.history]
    assert found.status == "closed" and found.overdue_days == 0
    assert not {"edited", "pin_moved", "photo_added", "token_rotated", "withdrawn"} & set(PUBLIC_EVENTS)


def test_fixed_on_the_spot_shows_as_such(db, catalogue, place, jpeg_photo):
    hazard_id, token = new(db, catalogue, place)
    step(db, hazard_id, "closed", note="unplugged", photos=[jpeg_photo])
    found = public(db, catalogue, token).as_json()
    assert (found["status"], found["fixed_on_spot"]) == ("closed", True)
    assert [h["event"] for h in found["history"]] == ["created", "fixed_on_spot"]


def test_names_appear_only_when_the_organisation_allows(db, catalogue, place):
    _id, token = new(db, catalogue, place)
    assert public(db, catalogue, token).responsible_person is None
    with db.session() as session:
        session.get(Organisation, place["org"]).show_personal_data = True
    assert public(db, catalogue, token).as_json()["responsible_person"] == "王老师"
    page = StatusService(db, catalogue).render(token, "zh_CN", "", False, "/h/x")[1].decode()
    assert "王老师" in page


def test_a_hazard_without_a_pin_and_an_unknown_category_still_reads(db, catalogue, place):
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category=CATEGORY, site_id=place["site"])
        hazard.category = "retired.code"  # a category a newer form set dropped
        token = hazard.public_token
    found = public(db, catalogue, token).as_json()
    assert (found["site"], found["building"], found["floor"]) == ("第一中学", "", "")
    assert found["category"] == {"code": "retired.code", "zh": "retired.code", "en": "retired.code"}


def test_a_rotated_token_says_superseded_until_the_hazard_is_withdrawn(db, catalogue, place):
    hazard_id, first = new(db, catalogue, place)
    with db.session() as session:
        second = rotate_token(session, session.get(Hazard, hazard_id), "li")
    with db.session() as session:
        third = rotate_token(session, session.get(Hazard, hazard_id), "li")
    for old in (first, second):
        assert public(db, catalogue, old) == Superseded("YZ-0001")
    assert isinstance(public(db, catalogue, third), PublicStatus)
    clock = SteppedClock()
    service = StatusService(db, catalogue, clock=clock)
    assert service.render(first, "en", "", True, "/h/x")[0] == 410
    step(db, hazard_id, "withdrawn", note="recorded twice")
    clock.past_the_bound()  # the superseded page may stand that long, and no longer
    for token in (first, second, third):
        assert public(db, catalogue, token) is None  # the plain "not found": nothing about the hazard
        code, body, _media = service.render(token, "en", "", True, "/h/x")
        assert (code, body) == (404, b'{"error":"not found"}')


@pytest.mark.parametrize("token", ["", "short", "has spaces in it!!", "x" * 65, "é" * 20, "A" * 24])
def test_malformed_or_unknown_tokens_give_nothing(db, catalogue, place, token):
    new(db, catalogue, place)
    assert public(db, catalogue, token) is None
    with db.session() as session:
        assert hazard_version(session, token) is None


def test_the_version_changes_whenever_the_page_would(db, catalogue, place):
    hazard_id, token = new(db, catalogue, place)
    with db.session() as session:
        first = hazard_version(session, token)
    assert first is not None and first[0] == hazard_id
    with dates.fixed_clock(dates.now() + dt.timedelta(seconds=5)):
        step(db, hazard_id, "in_progress")
    with db.session() as session:
        second = hazard_version(session, token)
    assert second is not None and second != first and "in_progress" in second
    assert public(db, catalogue, token).status == "in_progress"


def test_dates_in_the_json_are_the_local_days_of_each_step(db, catalogue, place):
    with dates.fixed_clock(dt.datetime(2026, 5, 11, 7, 0, tzinfo=BEIJING), BEIJING) as clock:  # UTC: 10 May
        hazard_id, token = new(db, catalogue, place, deadline=dt.date(2026, 5, 12))
        clock.advance(dt.timedelta(days=1))
        step(db, hazard_id, "in_progress")
        clock.advance(dt.timedelta(days=1))
        facts = public(db, catalogue, token).as_json()
        assert facts["last_update"] == "2026-05-12"
        assert facts["history"] == [{"date": "2026-05-11", "event": "created"},
                                    {"date": "2026-05-12", "event": "rectification_started"}]
        assert (facts["overdue"], facts["overdue_days"]) == (True, 1)  # 13 May, deadline 12 May
        with db.session() as session:
            hazard = session.get(Hazard, hazard_id)
            update_hazard(session, hazard, "li", deadline=None)
        facts = public(db, catalogue, token).as_json()
        assert (facts["deadline"], facts["overdue"], facts["overdue_days"]) == (None, False, 0)


@pytest.mark.parametrize(("length", "answers"), [(15, False), (16, True), (64, True), (65, False)])
def test_only_well_formed_tokens_are_looked_up(db, catalogue, place, length, answers):
    """Whatever sits in the ledger, a token of the wrong shape is never even looked for."""
    hazard_id, _token = new(db, catalogue, place)
    token = "a" * length
    with db.session() as session:
        session.get(Hazard, hazard_id).public_token = token
    assert isinstance(public(db, catalogue, token), PublicStatus) is answers
    with db.session() as session:
        assert (hazard_version(session, token) is not None) is answers


def test_the_version_changes_on_an_edit_that_keeps_the_status(db, catalogue, place):
    """The page cache is keyed by this version: a new room with the same status must still show."""
    hazard_id, token = new(db, catalogue, place)
    with db.session() as session:
        first = hazard_version(session, token)
    with dates.fixed_clock(dates.now() + dt.timedelta(seconds=5)), db.session() as session:
        update_hazard(session, session.get(Hazard, hazard_id), "li", room="313")
    with db.session() as session:
        second = hazard_version(session, token)
    assert second != first and second[0] == first[0] and "open" in second
    service = StatusService(db, catalogue)
    assert "313" in service.render(token, "zh_CN", "", False, "/h/x")[1].decode()


def test_an_unknown_token_is_not_taken_for_some_other_superseded_one(db, catalogue, place):
    hazard_id, _first = new(db, catalogue, place)
    with db.session() as session:
        rotate_token(session, session.get(Hazard, hazard_id), "li")
    assert public(db, catalogue, "Z" * 24) is None  # well formed, never issued
    assert StatusService(db, catalogue).render("Z" * 24, "en", "", True, "/h/x")[0] == 404


def test_the_timeline_is_the_hazards_own(db, catalogue, place, jpeg_photo):
    first_id, first = new(db, catalogue, place)
    second_id, second = new(db, catalogue, place)
    step(db, second_id, "in_progress")
    step(db, second_id, "awaiting_reinspection")
    step(db, first_id, "closed", photos=[jpeg_photo])
    assert [h.kind for h in public(db, catalogue, first).history] == ["created", "fixed_on_spot"]
    assert [h.kind for h in public(db, catalogue, second).history] == [
        "created", "rectification_started", "rectification_reported"]


def test_the_version_of_a_withdrawn_hazards_token_shows_nothing(db, catalogue, place):
    """The one cheap query decides the plain "not found" for a withdrawn hazard, current or old token."""
    hazard_id, token = new(db, catalogue, place)
    with db.session() as session:
        old = token
        token = rotate_token(session, session.get(Hazard, hazard_id), "li")
    with db.session() as session:
        assert not shows_nothing(hazard_version(session, token))
        assert not shows_nothing(hazard_version(session, old))
    step(db, hazard_id, "withdrawn", note="recorded twice")
    with db.session() as session:
        assert shows_nothing(hazard_version(session, token)) and shows_nothing(hazard_version(session, old))
        assert shows_nothing(hazard_version(session, "A" * len(token)))


# --- supervision on the page (mutation testing, issue 27) --------------------------------------------

def test_an_unfixed_confirmed_major_hazard_says_it_is_under_listed_supervision(db, catalogue, place, jpeg_photo):
    from inspector_app.core import major_hazards
    from inspector_app.core.major_decision import GroupDecision

    with db.session() as session:
        major = add_hazard(session, catalogue, db.store, actor="li", category="electrical.ebike_indoor_charging",
                           floor_id=place["floor"], x=0.5, y=0.5)
        major_hazards.decide(session, catalogue, major, "edu2024.3.1.6", confirm=True, actor="li",
                             group=GroupDecision(("王建国", "李秀英", "张伟"), dates.today(), "判定为重大事故隐患"))
        major_id, major_token = major.id, major.public_token
    _plain, plain_token = new(db, catalogue, place)
    assert public(db, catalogue, major_token).as_json()["listed_supervision"] is True
    assert public(db, catalogue, plain_token).as_json()["listed_supervision"] is False
    step(db, major_id, "closed", note="e-bikes moved out", photos=[jpeg_photo])
    assert public(db, catalogue, major_token).as_json()["listed_supervision"] is False  # fixed: no longer listed


def test_the_supervision_level_shows_only_where_the_organisation_chose_to(db, catalogue, place):
    """The level by the organisation's rules on the day asked: 14 days late with supervision after 10
    and listing after 30 is supervised (2); the JSON leaves the level out where it is not shown."""
    _id, token = new(db, catalogue, place, deadline=dt.date(2030, 1, 1))
    late = dt.date(2030, 1, 15)
    rules = {"supervise_after_days": 10, "list_after_days": 30, "remind_days_before": 3}
    with db.session() as session:
        session.get(Organisation, place["org"]).supervision = rules
    hidden = public(db, catalogue, token, today=late)
    assert hidden.supervision_level is None and "supervision_level" not in hidden.as_json()
    with db.session() as session:
        session.get(Organisation, place["org"]).supervision = {**rules, "show_on_status_page": True}
    shown = public(db, catalogue, token, today=late)
    assert shown.supervision_level == 2 and shown.as_json()["supervision_level"] == 2
    assert public(db, catalogue, token, today=dt.date(2030, 2, 15)).as_json()["supervision_level"] == 3
    assert public(db, catalogue, token, today=dt.date(2029, 12, 1)).as_json()["supervision_level"] == 0
