"""The central server's checks of a pushed row (core/sync/push_checks.py), called directly on a ledger
of two organisations the program's own use cases made: what a row refers to must be on the server and
in the row's own organisation, its change clock must be a clock, an organisation's settings change by
an admin only, and a hazard keeps what its creation fixed. Fast and without a server, so mutation
testing can run them (scripts/mutation.sh push_checks); tests/integration/test_server_authority.py
makes the same attacks over HTTP on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest

from inspector_app.core import structure
from inspector_app.core.accounts import Principal
from inspector_app.core.event_rules import EARLIEST_EVENT, MAX_EVENT_AHEAD
from inspector_app.core.hazards import add_hazard
from inspector_app.core.models import (
    Building,
    Floor,
    Hazard,
    HazardEvent,
    Notice,
    Organisation,
    RectificationLink,
    ReviewLink,
)
from inspector_app.core.supervision_rules import rule_problems
from inspector_app.core.sync.entities import OrganisationResolver
from inspector_app.core.sync.push_checks import (
    ORGANISATION_SETTINGS,
    author_refusal,
    clock_refusal,
    hazard_row_refusal,
    link_refusal,
    organisation_refusal,
    reference_refusal,
)
from inspector_app.i18n import use_language
from tests.forgery import clock, now_clock

NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def city(db, catalogue):
    """Two organisations, each a site, a building, a floor and a hazard; ids by name."""
    ids: dict[str, Any] = {}
    with db.session() as session:
        for name, code in (("a", "AA1"), ("b", "BB1")):
            org = structure.create_organisation(session, f"Bureau {name}")
            site = structure.create_site(session, org, "School", code=code)
            building = structure.create_building(session, site, "Dormitory", "dormitory")
            floor = structure.create_floor(session, building, "1F", 1)
            hazard = add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                                floor_id=floor.id, x=0.5, y=0.5)
            ids.update({f"org_{name}": org.id, f"site_{name}": site.id, f"building_{name}": building.id,
                        f"floor_{name}": floor.id, f"hazard_{name}": hazard.id})
    return ids


def refusal(db, model, values: dict[str, Any], organisation: uuid.UUID, links: list[Any] | None = None) -> str | None:
    with db.session() as session:
        return reference_refusal(OrganisationResolver(session), model, "the row", values, links, organisation)


# --- references -------------------------------------------------------------------------------------

def test_rows_naming_their_own_organisations_rows_pass(db, city):
    a = city["org_a"]
    assert refusal(db, Floor, {"id": uuid.uuid4(), "building_id": city["building_a"]}, a) is None
    assert refusal(db, Building, {"id": uuid.uuid4(), "site_id": city["site_a"]}, a) is None
    hazard = {"id": uuid.uuid4(), "site_id": city["site_a"], "floor_id": city["floor_a"],
              "previous_hazard_id": city["hazard_a"], "inspection_id": None}
    assert refusal(db, Hazard, hazard, a) is None
    assert refusal(db, Notice, {"id": uuid.uuid4(), "organisation_id": a}, a, links=[str(city["hazard_a"])]) is None


def test_empty_references_are_not_looked_for(db, city):
    """A hazard waiting for its pin names no floor: nothing to find, nothing refused."""
    values = {"id": uuid.uuid4(), "site_id": city["site_a"], "floor_id": None, "inspection_id": None,
              "previous_hazard_id": None}
    assert refusal(db, Hazard, values, city["org_a"]) is None
    assert refusal(db, Notice, {"id": uuid.uuid4(), "organisation_id": city["org_a"]}, city["org_a"], links=[]) is None
    assert refusal(db, Notice, {"id": uuid.uuid4(), "organisation_id": city["org_a"]}, city["org_a"]) is None


@pytest.mark.parametrize(("model", "column", "target", "word"), [
    (Floor, "building_id", "building_b", "building"),
    (Building, "site_id", "site_b", "site"),
    (Hazard, "floor_id", "floor_b", "floor"),
    (Hazard, "previous_hazard_id", "hazard_b", "hazard"),
    (Notice, "organisation_id", "org_b", "organisation"),
])
def test_a_reference_into_another_organisation_is_refused_and_named(db, city, english, model, column, target,
                                                                     word):
    values = {"id": uuid.uuid4(), column: city[target]}
    reason = refusal(db, model, values, city["org_a"])
    assert reason is not None
    assert reason.startswith("the row: ") and "another organisation" in reason
    assert f"the {word} {city[target]}" in reason


def test_a_hazard_a_notice_covers_must_be_its_organisations(db, city, english):
    notice = {"id": uuid.uuid4(), "organisation_id": city["org_a"]}
    reason = refusal(db, Notice, notice, city["org_a"], links=[str(city["hazard_a"]), str(city["hazard_b"])])
    assert reason is not None and "another organisation" in reason and f"hazard {city['hazard_b']}" in reason
    missing = uuid.uuid4()
    reason = refusal(db, Notice, notice, city["org_a"], links=[str(city["hazard_a"]), str(missing)])
    assert reason is not None and "not on the server" in reason and f"hazard {missing}" in reason


@pytest.mark.parametrize(("model", "column", "word"), [
    (Floor, "building_id", "building"), (Building, "site_id", "site"), (Hazard, "floor_id", "floor"),
    (Hazard, "inspection_id", "inspection"),
])
def test_a_reference_to_a_row_the_server_lacks_is_refused_and_named(db, city, english, model, column, word):
    lacking = uuid.uuid4()
    reason = refusal(db, model, {"id": uuid.uuid4(), column: lacking}, city["org_a"])
    assert reason is not None
    assert reason.startswith("the row: ") and "not on the server (send it first)" in reason
    assert f"the {word} {lacking}" in reason


def test_the_first_bad_reference_is_the_one_named(db, city, english):
    values = {"id": uuid.uuid4(), "site_id": city["site_a"], "floor_id": city["floor_b"],
              "previous_hazard_id": city["hazard_b"]}
    reason = refusal(db, Hazard, values, city["org_a"])
    assert reason is not None and str(city["floor_b"]) in reason and str(city["hazard_b"]) not in reason


def test_an_organisations_parent_may_be_another_organisation(db, city):
    """The one reference across organisations by design (a county under its city)."""
    child = {"id": city["org_a"], "parent_id": city["org_b"], "name": "Bureau a"}
    assert refusal(db, Organisation, child, city["org_a"]) is None
    assert refusal(db, Organisation, {"id": city["org_a"], "parent_id": uuid.uuid4()}, city["org_a"]) is None


def test_a_row_remembered_earlier_in_the_push_may_be_named(db, city):
    """A building and its floor in one push: the floor names a building not yet written."""
    with db.session() as session:
        resolver = OrganisationResolver(session)
        building = uuid.uuid4()
        resolver.remember("buildings", building, city["org_a"])
        assert reference_refusal(resolver, Floor, "floor", {"id": uuid.uuid4(), "building_id": building}, None,
                                 city["org_a"]) is None
        assert reference_refusal(resolver, Floor, "floor", {"id": uuid.uuid4(), "building_id": building}, None,
                                 city["org_b"]) is not None


# --- clocks -----------------------------------------------------------------------------------------

def test_a_clock_that_is_a_clock_passes(english):
    assert clock_refusal("building x", {"sync_clock": now_clock()}) is None
    hours_ahead = int((dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)).timestamp() * 1000)
    assert clock_refusal("building x", {"sync_clock": clock(hours_ahead)}) is None  # a laptop set hours wrong


@pytest.mark.parametrize("poison", [None, "", 12345, "yesterday", "9999999999999.99999." + "f" * 32])
def test_a_malformed_or_far_future_clock_is_refused_with_the_row_named(english, poison):
    values = {} if poison is None else {"sync_clock": poison}
    reason = clock_refusal("building x", values)
    assert reason is not None and reason.startswith("building x: its change clock is refused (")
    far = poison == "9999999999999.99999." + "f" * 32
    assert ("ahead of the server's clock" in reason) is far and ("not a clock" in reason) is not far


# --- organisation settings --------------------------------------------------------------------------

def principal(role: str, organisation: uuid.UUID) -> Principal:
    return Principal(token_id=uuid.uuid4(), inspector="李伟", role=role, granted=frozenset({organisation}))


def stored_organisation(db, org_id: uuid.UUID) -> Organisation:
    with db.session() as session:
        org = session.get(Organisation, org_id)
        session.expunge(org)
        return org


CHANGES = {"name": "Renamed", "kind": "county", "notice_prefix": "FORGED", "show_personal_data": True,
           "public_base_url": "https://attacker.example", "language": "en", "parent_id": uuid.uuid4(),
           "supervision": {"supervise_after_days": 300, "list_after_days": 365}}


@pytest.mark.parametrize("setting", ORGANISATION_SETTINGS)
def test_an_inspector_cannot_change_one_setting_of_its_organisation(db, city, english, setting):
    existing = stored_organisation(db, city["org_a"])
    assert getattr(existing, setting) != CHANGES[setting]
    reason = organisation_refusal(principal("inspector", city["org_a"]), existing, {setting: CHANGES[setting]})
    assert reason is not None
    assert reason.startswith(f"organisation {existing.name}: only an administrator may change its settings ("
                             f"{setting});")


def test_every_changed_setting_is_named_and_an_admin_may_change_them(db, city, english):
    existing = stored_organisation(db, city["org_a"])
    inspector = principal("inspector", city["org_a"])
    reason = organisation_refusal(inspector, existing, {**CHANGES, "id": existing.id, "sync_clock": now_clock()})
    assert reason is not None and f"({', '.join(ORGANISATION_SETTINGS)})" in reason
    assert organisation_refusal(principal("admin", city["org_a"]), existing, CHANGES) is None


def test_an_inspector_may_bring_a_new_organisation_and_push_one_unchanged(db, city):
    existing = stored_organisation(db, city["org_a"])
    inspector = principal("inspector", city["org_a"])
    assert organisation_refusal(inspector, None, CHANGES) is None  # a laptop's first sync brings it
    unchanged = {name: getattr(existing, name) for name in ORGANISATION_SETTINGS}
    assert organisation_refusal(inspector, existing, {**unchanged, "sync_clock": now_clock()}) is None
    assert organisation_refusal(inspector, existing, {"id": existing.id}) is None  # settings not sent: kept


# --- hazard rows ------------------------------------------------------------------------------------

def stored_hazard(db, hazard_id: uuid.UUID) -> tuple[Hazard, list[HazardEvent]]:
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        events = list(session.query(HazardEvent).filter(HazardEvent.hazard_id == hazard_id))
        session.expunge_all()
        return hazard, events


def renumbered(after: HazardEvent) -> HazardEvent:
    return HazardEvent(id=uuid.uuid4(), hazard_id=after.hazard_id, seq=after.seq + 1, kind="renumbered", actor="x",
                       at=NOW, data={"changes": {"number": ["AA1-0001", "AA1-0002"]}}, note="", prev_hash=after.hash,
                       hash="")


@pytest.mark.parametrize(("found_at", "accepted"), [
    (None, True), (NOW, True), (EARLIEST_EVENT, True), (NOW + MAX_EVENT_AHEAD, True),
    (EARLIEST_EVENT - dt.timedelta(microseconds=1), False), (NOW + MAX_EVENT_AHEAD + dt.timedelta(seconds=1), False),
    (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), False),
])
def test_a_new_hazard_is_found_within_a_laptops_time(english, found_at, accepted):
    values = {} if found_at is None else {"found_at": found_at}
    reason = hazard_row_refusal("AA1-0009", None, values, [], NOW)
    assert (reason is None) is accepted
    if not accepted:
        assert reason == (f"hazard AA1-0009: found on {found_at.date().isoformat()}, outside the time a laptop can "
                          "have recorded it")


@pytest.mark.parametrize(("field", "value"), [
    ("site_id", "site_b"), ("short_code", "ZZZZZZZZ"), ("found_at", dt.datetime(2001, 1, 1, tzinfo=dt.UTC)),
])
def test_what_a_hazards_creation_fixed_cannot_change(db, city, english, field, value):
    existing, events = stored_hazard(db, city["hazard_a"])
    new = city.get(value, value) if isinstance(value, str) else value
    reason = hazard_row_refusal(existing.number, existing, {field: new}, events[-1:], NOW)
    assert reason == f"hazard {existing.number}: '{field}' is set when a hazard is recorded and cannot change"


def test_a_hazard_pushed_again_as_it_was_created_passes(db, city):
    existing, _events = stored_hazard(db, city["hazard_a"])
    assert existing.found_at.tzinfo is None  # SQLite hands back naive UTC; a push carries an aware time
    same = {"site_id": existing.site_id, "short_code": existing.short_code, "seq": existing.seq,
            "found_at": existing.found_at.replace(tzinfo=dt.UTC), "room": "moved on"}
    assert hazard_row_refusal(existing.number, existing, same, [], NOW) is None
    assert hazard_row_refusal(existing.number, existing, {"room": "only this"}, [], NOW) is None
    # The same instant in another zone is the same time.
    beijing = existing.found_at.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert hazard_row_refusal(existing.number, existing, {"found_at": beijing}, [], NOW) is None


def test_a_hazards_place_in_the_register_moves_only_with_a_renumbering(db, city, english):
    existing, events = stored_hazard(db, city["hazard_a"])
    moved = {"seq": existing.seq + 1}
    assert hazard_row_refusal(existing.number, existing, moved, [], NOW) == (
        f"hazard {existing.number}: its place in the register changes only with a renumbering")
    assert hazard_row_refusal(existing.number, existing, moved, events, NOW) is not None  # no renumbering among them
    assert hazard_row_refusal(existing.number, existing, moved, [*events, renumbered(events[-1])], NOW) is None
    assert hazard_row_refusal(existing.number, existing, moved, [renumbered(events[-1]), *events], NOW) is None


# --- supervision (issue 25) ---------------------------------------------------------------------------

def test_supervision_rules_that_org_set_would_refuse_are_refused_even_from_an_admin(db, city, english):
    existing = stored_organisation(db, city["org_a"])
    for bad in ({"supervise_after_days": 0}, {"remind_days_before": "3"}, {"shout": True},
                {"major_listed_at_deadline": 1}, [1, 2]):
        reason = organisation_refusal(principal("admin", city["org_a"]), existing, {"supervision": bad})
        assert reason is not None and "its supervision rules are refused" in reason, bad
    good = {"remind_days_before": 7, "show_on_status_page": True}
    assert organisation_refusal(principal("admin", city["org_a"]), existing, {"supervision": good}) is None
    assert organisation_refusal(principal("inspector", city["org_a"]), existing, {"supervision": good}) is not None


def test_supervision_by_hand_is_an_administrators_event(db, city, english):
    supervised = HazardEvent(id=uuid.uuid4(), hazard_id=city["hazard_a"], seq=2, kind="supervised", actor="x",
                             at=NOW, data={"changes": {}, "level": 2}, note="late", prev_hash="0", hash="")
    edited = HazardEvent(id=uuid.uuid4(), hazard_id=city["hazard_a"], seq=2, kind="edited", actor="x", at=NOW,
                         data={"changes": {}}, note="", prev_hash="0", hash="")
    reason = author_refusal(principal("inspector", city["org_a"]), "AA1-0001", [edited, supervised])
    assert reason == "hazard AA1-0001: event 2 (supervised) is an administrator's; 李伟's token may not write it"
    assert author_refusal(principal("admin", city["org_a"]), "AA1-0001", [supervised]) is None
    assert author_refusal(principal("inspector", city["org_a"]), "AA1-0001", [edited]) is None


# --- what a refused laptop's inspector reads (mutation testing, issue 27) ----------------------------

CJK = re.compile("[\u4e00-\u9fff]")


def test_every_refusal_is_in_chinese_and_names_the_row_and_what_is_wrong(db, city):
    """Each refusal in zh_CN: translated (in its own words, not only in the names it quotes) and naming
    the row, and the field, value or problem it is refused for."""
    existing = stored_organisation(db, city["org_a"])
    hazard, events = stored_hazard(db, city["hazard_a"])
    inspector, admin = principal("inspector", city["org_a"]), principal("admin", city["org_a"])
    ended = RectificationLink(hazard_id=city["hazard_a"], secret_hash="a" * 64,
                              ended_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC), ended_reason="closed")
    link = {"id": ended.id, "hazard_id": ended.hazard_id, "secret_hash": "a" * 64}
    supervised = HazardEvent(id=uuid.uuid4(), hazard_id=city["hazard_a"], seq=7, kind="supervised", actor="x",
                             at=NOW, data={"changes": {}, "level": 2}, note="late", prev_hash="0", hash="")
    lacking = uuid.uuid4()
    with use_language("zh_CN"):
        [(_key, shout)] = rule_problems({"shout": True})  # the problem, in its own (translated) words
        cases = [
            (clock_refusal("building X1", {}), ["building X1"]),
            (refusal(db, Floor, {"id": uuid.uuid4(), "building_id": lacking}, city["org_a"]), [str(lacking)]),
            (refusal(db, Floor, {"id": uuid.uuid4(), "building_id": city["building_b"]}, city["org_a"]),
             [str(city["building_b"])]),
            (organisation_refusal(admin, existing, {"supervision": {"shout": True}}), [existing.name, shout]),
            # A new organisation, as a laptop's first sync brings it: named by the name it is pushed with.
            (organisation_refusal(admin, None, {"name": "County bureau", "supervision": {"shout": True}}),
             ["County bureau", shout]),
            (organisation_refusal(inspector, existing, {"notice_prefix": "FORGED"}), [existing.name, "notice_prefix"]),
            (hazard_row_refusal("AA1-0009", None, {"found_at": dt.datetime(1970, 1, 1, tzinfo=dt.UTC)}, [], NOW),
             ["AA1-0009", "1970-01-01"]),
            (hazard_row_refusal(hazard.number, hazard, {"short_code": "ZZZZZZZZ"}, [], NOW),
             [hazard.number, "short_code"]),
            (hazard_row_refusal(hazard.number, hazard, {"seq": hazard.seq + 1}, events, NOW), [hazard.number]),
            (link_refusal("link L1", None, {**link, "secret_hash": "the secret itself"}), ["link L1", "SHA-256"]),
            (link_refusal("link L1", None, {**link, "ended_reason": "bored"}), ["link L1", "bored"]),
            (link_refusal("link L1", ended, {**link, "secret_hash": "b" * 64}), ["link L1", "secret_hash"]),
            (link_refusal("link L1", ended, {**link, "ended_at": None}), ["link L1"]),
            (author_refusal(inspector, "AA1-0001", [supervised]), ["AA1-0001", "7", "supervised", "李伟"]),
        ]
    for reason, named in cases:
        assert reason is not None, named
        assert "None" not in reason, reason
        own_words = reason
        for part in named:
            assert part in reason, (part, reason)
            own_words = own_words.replace(part, "")
        assert CJK.search(own_words), f"untranslated: {reason}"


def test_a_link_row_that_leaves_out_how_it_ended_keeps_what_the_server_holds(db, english):
    """A row may carry only some of its fields (the server writes those it is given): a link row
    without its end is neither refused nor reopened."""
    new = {"id": uuid.uuid4(), "hazard_id": uuid.uuid4(), "secret_hash": "a" * 64}
    assert link_refusal("link", None, new) is None
    ended = RectificationLink(hazard_id=new["hazard_id"], secret_hash="a" * 64,
                              ended_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC), ended_reason="replaced")
    assert link_refusal("link", ended, {**new, "id": ended.id}) is None
    assert link_refusal("link", ended, {"id": ended.id, "secret_hash": "a" * 64, "ended_reason": "replaced"}) is None
    review = ReviewLink(site_id=uuid.uuid4(), secret_hash="c" * 64, ended_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                        ended_reason="replaced")
    assert link_refusal("link", review, {"id": review.id, "site_id": review.site_id, "secret_hash": "c" * 64}) is None
    assert "opened again" in (link_refusal("link", review, {"id": review.id, "secret_hash": "c" * 64,
                                                            "ended_at": None}) or "")
