"""The rules the server holds every pushed event to (core/event_rules.py), on histories the program's own
use cases wrote: what they write passes, and each kind of event they never write is refused with the
reason. Fast and without a server, so mutation testing can run them (scripts/mutation.sh event_rules)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from inspector_app.core import dates, hazards
from inspector_app.core.event_rules import EventRuleError, HistoryState, check_new_events
from inspector_app.core.models import HazardEvent

NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


def history(db, floor, catalogue, jpeg_photo, steps: tuple[str, ...] = ()) -> list[HazardEvent]:
    """A hazard's events as the use cases write them: recorded, then each step of ``steps``, an hour
    before NOW (not at the machine's time, which leaves the window NOW allows a day later)."""
    with dates.fixed_clock(NOW - dt.timedelta(hours=1)), db.session() as session:
        hazard = hazards.add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                                    floor_id=floor, x=0.3, y=0.4)
        for step in steps:
            if step == "edit":
                hazards.update_hazard(session, hazard, "wang", room="101", severity="major")
            elif step == "move":
                hazards.move_pin(session, hazard, "wang", 0.9, 0.1)
            elif step == "after_photo":
                hazards.attach_photo(session, db.store, hazard, jpeg_photo, role="after", actor="wang")
            else:
                hazards.change_status(session, db.store, hazard, step, "wang", note="reason given")
        events = list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                      .order_by(HazardEvent.seq)))
        session.expunge_all()
        return events


def event(after: HazardEvent, kind: str, changes: dict[str, list[Any]], note: str = "",
          at: dt.datetime = NOW, **data: Any) -> HazardEvent:
    return HazardEvent(id=uuid.uuid4(), hazard_id=after.hazard_id, seq=after.seq + 1, kind=kind, actor="x", at=at,
                       data={"changes": changes, **data}, note=note, prev_hash=after.hash, hash="")


def refused(before: list[HazardEvent], new: HazardEvent, after_stored: bool = False) -> str:
    with pytest.raises(EventRuleError) as caught:
        check_new_events("LL1-0001", before, [new], NOW, after_stored)
    return str(caught.value)


def test_what_the_use_cases_write_passes(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo,
                     ("edit", "move", "in_progress", "awaiting_reinspection", "after_photo", "closed"))
    check_new_events("LL1-0001", [], events, NOW + dt.timedelta(days=1))
    withdrawn = history(db, floor, catalogue, jpeg_photo, ("withdrawn",))
    check_new_events("LL1-0002", withdrawn[:1], withdrawn[1:], NOW + dt.timedelta(days=1))


def test_a_history_starts_with_its_creation_and_only_there(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo)
    assert "creation" in refused(events, event(events[-1], "created", {}))
    with pytest.raises(EventRuleError, match="creation"):
        check_new_events("LL1-0001", [], [event(events[0], "edited", {"room": ["", "1"]})], NOW)


@pytest.mark.parametrize(("kind", "changes", "note", "expected"), [
    ("fixed_on_spot", {"status": ["open", "closed"], "fixed_on_spot": [False, True]}, "done", "after-photo"),
    ("withdrawn", {"status": ["open", "withdrawn"]}, "", "reason"),
    ("rectification_started", {"status": ["open", "bogus"]}, "", "not a status"),
    ("edited", {"severity": ["general", "extreme"]}, "", "not a severity"),
    ("edited", {"status": ["open", "in_progress"]}, "", "cannot change status"),
    ("edited", {"found_at": ["x", "y"]}, "", "which no event changes"),
    ("pin_moved", {"x": [0.3, 1.5]}, "", "not on the page"),
    ("pin_moved", {"y": [0.4, -0.1]}, "", "not on the page"),
    ("pin_moved", {"page": [0, -1]}, "", "not a page"),
    ("pin_moved", {"floor_id": [None, "floor 2"]}, "", "not an id"),
    ("teleported", {}, "", "not a kind of event"),
    ("rectification_reported", {"status": ["open", "in_progress"]}, "", "recorded as 'rectification_started'"),
    ("edited", {"room": "101"}, "", "not an old and a new value"),
])
def test_an_event_the_program_never_writes_is_refused(db, floor, catalogue, jpeg_photo, english, kind, changes,
                                                        note, expected):
    events = history(db, floor, catalogue, jpeg_photo)
    assert expected in refused(events, event(events[-1], kind, changes, note))


def test_events_from_outside_a_laptops_time_are_refused(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo)
    future = event(events[-1], "edited", {"room": ["", "1"]}, at=NOW + dt.timedelta(days=1, minutes=1))
    assert "outside the time" in refused(events, future)
    past = event(events[-1], "edited", {"room": ["", "1"]}, at=dt.datetime(1999, 12, 31, tzinfo=dt.UTC))
    assert "outside the time" in refused(events, past)
    check_new_events("LL1-0001", events, [event(events[-1], "edited", {"room": ["", "1"]},
                                                at=NOW + dt.timedelta(hours=23))], NOW)


def test_a_final_hazard_changes_only_its_number(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("withdrawn",))
    assert "final" in refused(events, event(events[-1], "rectification_started", {"status": ["withdrawn", "open"]}))
    assert "final" in refused(events, event(events[-1], "edited", {"room": ["", "1"]}))
    check_new_events("LL1-0001", events, [event(events[-1], "renumbered", {"number": ["LL1-0001", "LL1-0002"]})],
                     NOW)
    check_new_events("LL1-0001", events, [event(events[-1], "photo_added", {}, attachment_id="a", role="before")],
                     NOW)


def test_an_after_photo_is_known_from_the_history_or_from_the_server(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress", "awaiting_reinspection"))
    closing = event(events[-1], "reinspection_passed", {"status": ["awaiting_reinspection", "closed"]})
    assert "after-photo" in refused(events, closing)
    check_new_events("LL1-0001", events, [closing], NOW, has_after_photo_stored=True)
    skipped = history(db, floor, catalogue, jpeg_photo)  # open: closing it is fixing it on the spot
    assert "recorded as 'fixed_on_spot'" in refused(skipped, event(skipped[-1], "reinspection_passed", {
        "status": ["open", "closed"]}), after_stored=True)
    photo = event(events[-1], "photo_added", {}, attachment_id="p1", role="after")
    closing_after = event(photo, "reinspection_passed", {"status": ["awaiting_reinspection", "closed"]})
    check_new_events("LL1-0001", events, [photo, closing_after], NOW)
    demoted = event(photo, "photo_role_changed", {}, attachment_id="p1", role=["after", "before"])
    assert "after-photo" in refused([*events, photo, demoted], event(demoted, "reinspection_passed", {
        "status": ["awaiting_reinspection", "closed"]}))
    removed = event(photo, "photo_removed", {}, attachment_id="p1")
    assert "after-photo" in refused([*events, photo, removed], event(removed, "reinspection_passed", {
        "status": ["awaiting_reinspection", "closed"]}))


def test_a_kept_conflict_may_set_a_legal_status_without_a_photo(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("in_progress",))
    check_new_events("LL1-0001", events, [event(events[-1], "conflict_resolved", {
        "status": ["in_progress", "awaiting_reinspection"]})], NOW)
    assert "cannot go" in refused(events, event(events[-1], "conflict_resolved", {
        "status": ["in_progress", "open"]}))


def test_the_state_of_a_history(db, floor, catalogue, jpeg_photo, english):
    state = HistoryState.of(history(db, floor, catalogue, jpeg_photo, ("edit", "after_photo")))
    assert state.values["room"] == "101" and state.values["severity"] == "major" and state.has_after_photo
    assert state.events == 3 and state.values["status"] == "open"


# --- supervision by hand (issue 25) -------------------------------------------------------------------

def test_supervision_by_hand_passes_as_the_use_case_writes_it(db, floor, catalogue, jpeg_photo, english):
    from inspector_app.core.supervision import supervise

    events = history(db, floor, catalogue, jpeg_photo)
    with dates.fixed_clock(NOW - dt.timedelta(minutes=30)), db.session() as session:
        hazard = session.get(hazards.Hazard, events[0].hazard_id)
        supervise(session, hazard, "bureau", "three weeks late, no answer", level=3)
        written = list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                       .order_by(HazardEvent.seq)))
        session.expunge_all()
    check_new_events("LL1-0001", written[:1], written[1:], NOW + dt.timedelta(days=1))


@pytest.mark.parametrize(("data", "note", "words"), [
    ({"level": 1}, "why", "sets level 2 or 3"),
    ({"level": True}, "why", "sets level 2 or 3"),
    ({}, "why", "sets level 2 or 3"),
    ({"level": 2}, "  ", "needs a note"),
])
def test_supervision_by_hand_must_say_its_level_and_why(db, floor, catalogue, jpeg_photo, english, data, note, words):
    events = history(db, floor, catalogue, jpeg_photo)
    assert words in refused(events, event(events[-1], "supervised", {}, note=note, **data))


def test_a_finished_hazard_is_not_supervised(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo, ("withdrawn",))
    assert "final" in refused(events, event(events[-1], "supervised", {}, note="late", level=2))


def test_supervision_by_hand_changes_no_field(db, floor, catalogue, jpeg_photo, english):
    events = history(db, floor, catalogue, jpeg_photo)
    reason = refused(events, event(events[-1], "supervised", {"deadline": [None, "2027-01-01"]}, note="x", level=2))
    assert "cannot change deadline" in reason
