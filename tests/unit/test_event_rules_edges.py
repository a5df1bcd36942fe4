"""The edges of the server's event rules (core/event_rules.py) that tests/unit/test_event_rules.py leaves
open: the first and last instant a laptop can have written, data shaped almost like a change, pins and
pages of the wrong type, a photo promoted to an after-photo, a kept conflict without a note, and which
hazard and event a refusal names. Histories come from the use cases, as in that file."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from inspector_app.core.event_rules import (
    EARLIEST_EVENT,
    MAX_EVENT_AHEAD,
    EventRuleError,
    HistoryState,
    check_new_events,
)
from inspector_app.core.models import HazardEvent
from tests.unit.test_event_rules import NOW, event, history, refused


def passes(before: list[HazardEvent], *new: HazardEvent, after_stored: bool = False) -> None:
    check_new_events("LL1-0001", before, list(new), NOW, after_stored)


def raw(after: HazardEvent, kind: str, data: Any, note: str = "") -> HazardEvent:
    """An event whose data is given whole, however it is shaped."""
    return HazardEvent(id=uuid.uuid4(), hazard_id=after.hazard_id, seq=after.seq + 1, kind=kind, actor="x", at=NOW,
                       data=data, note=note, prev_hash=after.hash, hash="")


@pytest.fixture
def created(db, floor, catalogue, jpeg_photo, english) -> list[HazardEvent]:
    return history(db, floor, catalogue, jpeg_photo)


def test_the_first_and_last_instant_a_laptop_can_have_written(created):
    room = {"room": ["", "1"]}
    passes(created, event(created[-1], "edited", room, at=EARLIEST_EVENT))
    passes(created, event(created[-1], "edited", room, at=NOW + MAX_EVENT_AHEAD))
    # A time without a zone is UTC (SQLite hands times back so): a naive 1 January 2000 is still inside.
    passes(created, event(created[-1], "edited", room, at=EARLIEST_EVENT.replace(tzinfo=None)))
    late = NOW + MAX_EVENT_AHEAD + dt.timedelta(microseconds=1)
    assert "outside the time" in refused(created, event(created[-1], "edited", room, at=late.replace(tzinfo=None)))


@pytest.mark.parametrize(("data", "expected"), [
    (["changes"], "not a record of changes"),
    ({"changes": [["room", "", "1"]]}, "not a record of changes"),
    ({"changes": {"room": ["", "1", "2"]}}, "not an old and a new value"),
    ({"changes": {"room": "ab"}}, "not an old and a new value"),
    ({"changes": {"room": None}}, "not an old and a new value"),
])
def test_data_shaped_almost_like_a_change_is_refused(created, data, expected):
    assert expected in refused(created, raw(created[-1], "edited", data))


def test_an_event_without_changes_changes_nothing_and_passes(created):
    passes(created, raw(created[-1], "photo_added", {"attachment_id": "p1", "role": "before"}))


@pytest.mark.parametrize("kind", ["photo_added", "reviewed", "notice_issued", "conflict", "pin_checked"])
def test_an_event_that_records_something_changes_no_field(created, kind):
    assert "cannot change room" in refused(created, event(created[-1], kind, {"room": ["", "1"]}))


def test_a_refusal_names_every_field_beyond_the_kind(created):
    reason = refused(created, event(created[-1], "pin_moved", {"room": ["", "1"], "description": ["", "x"],
                                                                "x": [0.3, 0.5]}))
    assert "cannot change description, room" in reason


@pytest.mark.parametrize(("changes", "expected"), [
    ({"x": [0.3, True]}, "not on the page"),
    ({"y": [0.4, "0.5"]}, "not on the page"),
    ({"x": [0.3, 1.0000001]}, "not on the page"),
    ({"page": [0, True]}, "not a page"),
    ({"page": [0, "2"]}, "not a page"),
    ({"page": [0, 1.5]}, "not a page"),
])
def test_pins_and_pages_of_the_wrong_type_or_place_are_refused(created, changes, expected):
    assert expected in refused(created, event(created[-1], "pin_moved", changes))


def test_pins_on_the_edges_of_the_page_pass(created):
    passes(created, event(created[-1], "pin_moved", {"x": [0.3, 0.0], "y": [0.4, 1.0], "page": [0, 0]}))
    passes(created, event(created[-1], "pin_moved", {"x": [0.3, 1], "y": [0.4, 0], "page": [0, 3],
                                                     "floor_id": [None, str(uuid.uuid4())]}))
    passes(created, event(created[-1], "pin_moved", {"x": [0.3, None], "y": [0.4, None], "page": [0, None],
                                                     "floor_id": [None, None]}))


def first_event_with(first: HazardEvent, **changes: list[Any]) -> HazardEvent:
    """The hazard's creation as the use case wrote it, with some of its changes replaced."""
    data = {**first.data, "changes": {**first.data["changes"], **changes}}
    return HazardEvent(id=uuid.uuid4(), hazard_id=first.hazard_id, seq=1, kind="created", actor="x", at=NOW,
                       data=data, note="", prev_hash=first.prev_hash, hash="")


@pytest.mark.parametrize("field", ["floor_id", "inspection_id", "previous_hazard_id"])
def test_ids_a_creation_sets_must_be_ids(created, field):
    with pytest.raises(EventRuleError, match=f"'{field}' is not an id"):
        check_new_events("LL1-0001", [], [first_event_with(created[0], **{field: [None, "nope"]})], NOW)
    check_new_events("LL1-0001", [], [first_event_with(created[0], **{field: [None, str(uuid.uuid4())]})], NOW)


def test_a_new_hazards_first_status_is_open(created):
    with pytest.raises(EventRuleError, match="a new hazard is open"):
        check_new_events("LL1-0001", [], [first_event_with(created[0], status=[None, "closed"])], NOW)
    check_new_events("LL1-0001", [], [created[0]], NOW)


def test_a_photo_promoted_to_an_after_photo_allows_the_closing(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    photo = event(events[-1], "photo_added", {}, attachment_id="p1", role="before")
    closing = {"status": ["awaiting_reinspection", "closed"]}
    assert "after-photo" in refused([*events, photo], event(photo, "reinspection_passed", closing))
    promoted = event(photo, "photo_role_changed", {}, attachment_id="p1", role=["before", "after"])
    passes([*events, photo], promoted, event(promoted, "reinspection_passed", closing))
    # An attachment named by no id is no photo of the hazard's.
    nameless = event(events[-1], "photo_added", {}, role="after")
    assert "after-photo" in refused([*events, nameless], event(nameless, "reinspection_passed", closing))


def test_removing_one_after_photo_keeps_the_others(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    first = event(events[-1], "photo_added", {}, attachment_id="p1", role="after")
    second = event(first, "photo_added", {}, attachment_id="p2", role="after")
    removed = event(second, "photo_removed", {}, attachment_id="p1")
    passes([*events, first, second, removed], event(removed, "reinspection_passed", {
        "status": ["awaiting_reinspection", "closed"]}))


def test_a_kept_conflict_needs_neither_a_note_nor_a_photo(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    passes(events, event(events[-1], "conflict_resolved", {"status": ["awaiting_reinspection", "withdrawn"]}))
    passes(events, event(events[-1], "conflict_resolved", {"status": ["awaiting_reinspection", "closed"]}))
    passes(events, event(events[-1], "conflict_resolved", {"room": ["", "1"], "x": [0.3, 0.6]}))


def test_each_event_is_checked_after_the_ones_before_it_in_the_push(db, floor, catalogue, jpeg_photo, english):
    """The state moves on with every event of one push: the second start of the work is refused, and
    the refusal names the hazard and that event."""
    events = history(db, floor, catalogue, jpeg_photo)
    started = event(events[-1], "rectification_started", {"status": ["open", "in_progress"]})
    again = event(started, "rectification_started", {"status": ["open", "in_progress"]})
    with pytest.raises(EventRuleError) as caught:
        check_new_events("LL1-0042", events, [started, again], NOW)
    assert str(caught.value).startswith(f"hazard LL1-0042: event {again.seq} (rectification_started): ")
    passes(events, started, event(started, "rectification_reported", {"status": ["in_progress",
                                                                                 "awaiting_reinspection"]}))


def test_marking_an_after_photo_keeps_it_an_after_photo(db, floor, catalogue, jpeg_photo, english):
    """Drawing on a photo names the photo but says nothing of its role: only a role change does."""
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    photo = event(events[-1], "photo_added", {}, attachment_id="p1", role="after")
    marked = event(photo, "photo_marked", {}, attachment_id="p1", shapes=2)
    passes([*events, photo], marked, event(marked, "reinspection_passed", {
        "status": ["awaiting_reinspection", "closed"]}))


def test_a_role_change_that_names_no_photo_makes_no_after_photo(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    nameless = event(events[-1], "photo_role_changed", {}, role=["before", "after"])
    assert "after-photo" in refused([*events, nameless], event(nameless, "reinspection_passed", {
        "status": ["awaiting_reinspection", "closed"]}))


@pytest.mark.parametrize(("role", "is_after"), [
    ("after", True),  # the new role alone
    (["before", "after"], True),  # old and new, as core.attachments writes it
    (["before", "after", "after"], False),  # neither: not a role the program writes
    ("af", False),
])
def test_the_role_a_photo_is_changed_to(db, floor, catalogue, jpeg_photo, english, role, is_after):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    photo = event(events[-1], "photo_added", {}, attachment_id="p1", role="before")
    changed = event(photo, "photo_role_changed", {}, attachment_id="p1", role=role)
    closing = event(changed, "reinspection_passed", {"status": ["awaiting_reinspection", "closed"]})
    if is_after:
        passes([*events, photo, changed], closing)
    else:
        assert "after-photo" in refused([*events, photo, changed], closing)


def test_removing_a_photo_the_history_never_added_is_no_error(db, floor, catalogue, jpeg_photo, english):
    """A ledger older than photo events holds photos its history never added; removing one is read
    as nothing, and a stored after-photo still allows the closing."""
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    removed = event(events[-1], "photo_removed", {}, attachment_id="older than its history")
    assert HistoryState.of([*events, removed]).events == len(events) + 1
    passes(events, removed, event(removed, "reinspection_passed", {"status": ["awaiting_reinspection", "closed"]}),
           after_stored=True)


def test_a_stored_event_without_data_is_read_as_changing_nothing(created):
    """Events stored before every event carried data (data NULL): the history still reads, and what
    follows is checked against the values it does hold."""
    bare = raw(created[-1], "reviewed", None)
    state = HistoryState.of([*created, bare])
    assert state.events == len(created) + 1 and state.values["status"] == "open"
    passes([*created, bare], event(bare, "edited", {"room": ["", "1"]}))


def test_a_closing_without_an_after_photo_is_refused_unless_the_caller_says_one_is_stored(
        db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    closing = event(events[-1], "reinspection_passed", {"status": ["awaiting_reinspection", "closed"]})
    with pytest.raises(EventRuleError, match="after-photo"):
        check_new_events("LL1-0001", events, [closing], NOW)


def test_a_time_with_a_zone_is_compared_as_the_instant_it_is(created):
    """Events carry their zone: 07:00 on 1 January 2000 in Beijing is still 1999 in UTC, and a
    laptop's time a day ahead in Beijing is within the day ahead."""
    beijing = dt.timezone(dt.timedelta(hours=8))
    room = {"room": ["", "1"]}
    too_early = dt.datetime(2000, 1, 1, 7, 59, tzinfo=beijing)
    # The date shown is the one the laptop wrote.
    assert "dated 2000-01-01, outside the time" in refused(created, event(created[-1], "edited", room,
                                                                          at=too_early))
    passes(created, event(created[-1], "edited", room, at=dt.datetime(2000, 1, 1, 8, 0, tzinfo=beijing)))
    last = (NOW + MAX_EVENT_AHEAD).astimezone(beijing)
    passes(created, event(created[-1], "edited", room, at=last))
    too_late = last + dt.timedelta(seconds=1)
    assert f"dated {too_late.date().isoformat()}" in refused(created, event(created[-1], "edited", room,
                                                                           at=too_late))


LONG = "v" * 60


@pytest.mark.parametrize(("kind", "changes", "shown"), [
    ("edited", {"status_" + LONG: ["", "x"]}, "changes 'status_" + LONG[:33] + "'"),
    ("edited", {"room": "1"}, "change of 'room' is"),
    ("rectification_started", {"status": ["open", LONG]}, f"'{LONG[:40]}' is not a status"),
    ("edited", {"severity": ["general", LONG]}, f"'{LONG[:40]}' is not a severity"),
    ("pin_moved", {"x": [0.3, LONG]}, f"(x = {LONG[:40]})"),
    ("pin_moved", {"y": [0.3, 2]}, "(y = 2)"),
    ("pin_moved", {"page": [0, LONG]}, f"'{LONG[:40]}' is not a page"),
    ("edited", {"status": ["open", "closed"]}, "cannot change status"),
])
def test_a_refusal_shows_the_field_and_the_value_cut_at_forty_characters(created, kind, changes, shown):
    """What was sent is named (so the inspector can find it), but never more than 40 characters of it."""
    reason = refused(created, event(created[-1], kind, changes))
    assert shown in reason
    assert "v" * 41 not in reason


def test_a_refusal_names_an_unknown_kind_by_its_first_thirty_characters(created):
    kind = "k" * 50
    reason = refused(created, event(created[-1], kind, {}))
    assert f"({'k' * 30})" in reason


def test_a_final_hazard_is_named_by_its_status(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("withdrawn",))
    assert "the hazard is withdrawn" in refused(events, event(events[-1], "edited", {"room": ["", "1"]}))


def test_a_change_recorded_as_the_wrong_kind_names_both_statuses(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress",))
    reason = refused(events, event(events[-1], "rectification_started", {
        "status": ["in_progress", "awaiting_reinspection"]}))
    assert "from in_progress to awaiting_reinspection" in reason and "'rectification_reported'" in reason


# --- major-hazard decisions, checked as the server checks a push (mutation testing, issue 27) ---------

RULE = "edu2024.3.1.6"
WRITTEN = NOW - dt.timedelta(hours=1)  # when the use cases below write, so the checks do not follow the calendar


def major_history(db, floor, catalogue, *steps: str) -> list[HazardEvent]:
    """An e-bike hazard's events as core.major_hazards writes them: recorded, then "confirm", "decline"
    or "lower" (the severity, with a reason)."""
    from sqlalchemy import select

    from inspector_app.core import dates, hazards, major_hazards
    from inspector_app.core.major_decision import GroupDecision

    with dates.fixed_clock(WRITTEN), db.session() as session:
        hazard = hazards.add_hazard(session, catalogue, db.store, actor="li",
                                    category="electrical.ebike_indoor_charging", floor_id=floor, x=0.5, y=0.5)
        for step in steps:
            if step == "confirm":
                group = GroupDecision(("王建国", "李秀英", "张伟"), WRITTEN.date(), "判定为重大事故隐患")
                major_hazards.decide(session, catalogue, hazard, RULE, confirm=True, actor="li", group=group)
            elif step == "decline":
                major_hazards.decide(session, catalogue, hazard, RULE, confirm=False, actor="li",
                                     reason="The e-bikes stand in the open shed.")
            else:
                assert step == "lower"
                major_hazards.lower_severity(session, hazard, "li", "The battery is taken out every evening.")
        events = list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                      .order_by(HazardEvent.seq)))
        session.expunge_all()
        return events


def again(after: HazardEvent, model: HazardEvent, note: str | None = None, **data: Any) -> HazardEvent:
    """``model``'s kind, changes and data, as the next event after ``after``, with ``data`` replaced."""
    return raw(after, str(model.kind), {**model.data, **data}, model.note if note is None else note)


def test_decisions_as_the_program_writes_them_pass(db, floor, catalogue):
    confirmed = major_history(db, floor, catalogue, "confirm", "lower")
    assert [e.kind for e in confirmed[1:]] == ["major_decided", "severity_lowered"]
    passes([], *confirmed)
    declined = major_history(db, floor, catalogue, "decline")
    assert declined[-1].data["decision"] == "declined" and declined[-1].note
    passes([], *declined)


def test_a_decision_or_lowering_the_program_never_writes_is_refused(db, floor, catalogue, english):
    confirmed, declined = major_history(db, floor, catalogue, "confirm", "lower"), major_history(
        db, floor, catalogue, "decline")
    decision, lowering = confirmed[1], confirmed[2]
    group = {**decision.data["group"], "decided_on": (WRITTEN.date() + dt.timedelta(days=2)).isoformat()}
    assert "in the future" in refused(confirmed[:1], again(confirmed[0], decision, group=group))
    assert "needs a reason" in refused(declined[:1], again(declined[0], declined[1], note=""))
    assert "needs a reason" in refused(confirmed[:2], again(confirmed[1], lowering, note=""))


def test_a_confirmation_rebased_after_the_same_confirmation_passes(db, floor, catalogue):
    """Two laptops confirmed the same rule: the second, rebased onto the first, sets nothing any more,
    and the rule it leaves the hazard under (the first one's) is its own."""
    confirmed = major_history(db, floor, catalogue, "confirm")
    rebased = raw(confirmed[-1], "major_decided", {**confirmed[-1].data, "changes": {}})
    passes(confirmed, rebased)


def test_a_rule_id_is_a_text_of_at_most_its_length(db, floor, catalogue, english):
    from inspector_app.core.major_decision import MAX_RULE_ID

    confirmed = major_history(db, floor, catalogue, "confirm")
    created, decision = confirmed[0], confirmed[1]
    longest = "r" * MAX_RULE_ID

    def under(rule: Any) -> HazardEvent:
        return raw(created, "major_decided", {**decision.data, "rule": {**decision.data["rule"], "id": rule},
                                              "changes": {"severity": ["general", "major"], "major_rule": ["", rule]}})

    passes([created], under(longest))
    too_long = refused([created], under(longest + "r"))
    assert f"'{'r' * 40}' is not a major-hazard rule" in too_long and "r" * 41 not in too_long  # cut, as any value
    assert "'7' is not a major-hazard rule" in refused([created], under(7))


def test_a_new_hazard_is_not_recorded_as_a_decided_major_hazard(created):
    with pytest.raises(EventRuleError, match="not yet decided a major hazard"):
        passes([], first_event_with(created[0], major_rule=[None, RULE]))
    with pytest.raises(EventRuleError, match="'7' is not a major-hazard rule"):
        passes([], first_event_with(created[0], major_rule=[None, 7]))
    passes([], first_event_with(created[0], major_rule=[None, ""]))


def test_a_confirmed_major_hazards_severity_is_lowered_only_with_a_reason(db, floor, catalogue, english):
    confirmed = major_history(db, floor, catalogue, "confirm")
    reason = refused(confirmed, event(confirmed[-1], "edited", {"severity": ["major", "general"]}))
    assert f"confirmed a major hazard under {RULE}" in reason and "'severity_lowered'" in reason
    passes(confirmed, event(confirmed[-1], "edited", {"severity": ["major", "major"]}))
    passes(confirmed, event(confirmed[-1], "edited", {"room": ["", "101"]}))
    plain = major_history(db, floor, catalogue)  # never confirmed: its severity is a plain edit
    passes(plain, event(plain[-1], "edited", {"severity": ["general", "major"]}))
    passes(plain, event(plain[-1], "edited", {"severity": ["general", "general"]}))
    lowered = major_history(db, floor, catalogue, "confirm", "lower")  # no longer under its rule
    passes(lowered, event(lowered[-1], "edited", {"severity": ["general", "general"]}))


def test_supervision_by_hand_with_an_empty_note_is_refused(created):
    assert "needs a note" in refused(created, event(created[-1], "supervised", {}, note="", level=2))


def test_every_refusal_reads_in_chinese_and_names_what_was_sent(db, floor, catalogue, jpeg_photo):
    """A refused push is shown to the inspector in zh_CN: each problem in its own translated words (not
    only the values it quotes), naming what was sent, and never "None" for a value."""
    import re

    from inspector_app.i18n import use_language

    cjk = re.compile("[\u4e00-\u9fff]")
    made = history(db, floor, catalogue, jpeg_photo)
    withdrawn = history(db, floor, catalogue, jpeg_photo, ("withdrawn",))
    started = history(db, floor, catalogue, jpeg_photo, ("in_progress",))
    confirmed = major_history(db, floor, catalogue, "confirm")
    last = made[-1]
    cases: list[tuple[list[HazardEvent], HazardEvent, list[str]]] = [
        (made, event(last, "teleported", {}), []),
        (made, event(last, "edited", {"room": ["", "1"]}, at=dt.datetime(1999, 12, 31, tzinfo=dt.UTC)),
         ["1999-12-31"]),
        (made, event(last, "created", {}), []),
        (made, raw(last, "edited", ["changes"]), []),
        (made, event(last, "edited", {"found_at": ["x", "y"]}), ["found_at"]),
        (made, event(last, "edited", {"room": "1"}), ["room"]),
        (made, event(last, "edited", {"status": ["open", "closed"]}), ["status"]),
        (withdrawn, event(withdrawn[-1], "edited", {"room": ["", "1"]}), ["withdrawn"]),
        (made, event(last, "supervised", {}, note="late", level=1), ["2", "3"]),
        (made, event(last, "supervised", {}, note="", level=2), []),
        (withdrawn, event(withdrawn[-1], "supervised", {}, note="late", level=2), ["withdrawn"]),
        (made, event(last, "rectification_started", {"status": ["open", "bogus"]}), ["bogus"]),
        (made, event(last, "edited", {"severity": ["general", "extreme"]}), ["extreme"]),
        (made, event(last, "pin_moved", {"x": [0.3, 1.5]}), ["x", "1.5"]),
        ([], first_event_with(made[0], major_rule=[None, 7]), ["7"]),
        (made, event(last, "pin_moved", {"page": [0, -1]}), ["-1"]),
        (made, event(last, "pin_moved", {"floor_id": [None, "floor 2"]}), ["floor_id"]),
        ([], first_event_with(made[0], major_rule=[None, RULE]), []),
        (confirmed, event(confirmed[-1], "edited", {"severity": ["major", "general"]}), [RULE, "severity_lowered"]),
        ([], first_event_with(made[0], status=[None, "closed"]), []),
        (started, event(started[-1], "rectification_started", {"status": ["in_progress", "awaiting_reinspection"]}),
         ["in_progress", "awaiting_reinspection", "rectification_reported"]),
    ]
    for before, new, named in cases:
        with use_language("zh_CN"), pytest.raises(EventRuleError) as caught:
            check_new_events("LL1-0001", before, [new], NOW)
        reason = str(caught.value)
        assert "None" not in reason, reason
        problem = reason.split(f"（{str(new.kind)[:30]}）：", 1)[1]  # after the hazard and event it names
        for part in named:
            assert part in problem, (part, reason)
            problem = problem.replace(part, "")
        assert cjk.search(problem), f"untranslated: {reason}"
