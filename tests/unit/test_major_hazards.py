"""Recording major-hazard decisions (core.major_hazards): a candidate hazard is confirmed with its group
decision or declined with a reason, a confirmed hazard's severity is lowered only with a reason; each
leaves the right event, the history still verifies, and the server's rules (core.event_rules) take what
the program writes and refuse what it never would."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from inspector_app.core import audit, major_hazards
from inspector_app.core.checklists import answer_item, start_run
from inspector_app.core.errors import InspectorError
from inspector_app.core.event_rules import EventRuleError, check_new_events
from inspector_app.core.hazards import add_hazard, change_status, update_hazard, values_following_category
from inspector_app.core.major_hazards import GroupDecision
from inspector_app.core.models import Building, Floor, Hazard, HazardEvent, Site
from inspector_app.core.structure import create_inspection

EBIKE = "edu2024.3.1.6"
NOW = dt.datetime.now(dt.UTC)
TODAY = dt.date.today()
GROUP = GroupDecision(("王建国", "李秀英", "张伟"), TODAY, "经集体讨论，判定为重大事故隐患。")


def new_hazard(db, catalogue, floor, category: str = "electrical.ebike_indoor_charging") -> uuid.UUID:
    with db.session() as session:
        return add_hazard(session, catalogue, db.store, actor="li", category=category, floor_id=floor,
                          x=0.5, y=0.5).id


def events_of(session, hazard_id) -> list[HazardEvent]:
    return list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                                .order_by(HazardEvent.seq)))


def server_takes(session, hazard_id) -> None:
    """The central server's check of the whole history, as a push of it would be checked."""
    check_new_events("H", [], events_of(session, hazard_id), NOW + dt.timedelta(minutes=1))


def test_confirming_sets_major_under_the_rule_and_records_the_decision(db, catalogue, floor, english):
    hazard_id = new_hazard(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        assert [r.id for r in major_hazards.open_candidates(session, catalogue, hazard)] == [EBIKE]
        major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=True, actor="li", answers=[True, False],
                             group=GroupDecision(("王建国, 李秀英", "张伟", "王建国"), TODAY, " 判定为重大事故隐患 ",
                                                 experts=("赵", "钱", "孙"), votes_for=2, votes_against=1))
        assert (hazard.severity, hazard.major_rule) == ("major", EBIKE)
        assert major_hazards.open_candidates(session, catalogue, hazard) == []
        event = events_of(session, hazard_id)[-1]
        assert event.kind == "major_decided"
        assert event.data["changes"] == {"severity": ["general", "major"], "major_rule": ["", EBIKE]}
        assert event.data["decision"] == "confirmed"
        rule = event.data["rule"]
        source = catalogue.rule_files["education_2024.yaml"]
        assert (rule["id"], rule["file"], rule["edition"], rule["sha256"]) == (
            EBIKE, "education_2024.yaml", source.edition, source.sha256)
        assert rule["text"] == catalogue.major_rules[EBIKE].text and rule["number"] == "教发厅函〔2024〕20号"
        assert [a["answer"] for a in event.data["answers"]] == [True, False]
        assert event.data["group"] == {"names": ["王建国", "李秀英", "张伟"], "decided_on": TODAY.isoformat(),
                                       "conclusion": "判定为重大事故隐患",
                                       "experts": {"names": ["赵", "钱", "孙"], "for": 2, "against": 1}}
        decision = major_hazards.confirmation(session, hazard)
        assert decision is not None and decision.group is not None and decision.group.votes_for == 2
        assert audit.verify(session).ok
        server_takes(session, hazard_id)


def test_declining_needs_a_reason_and_changes_nothing(db, catalogue, floor, english):
    hazard_id = new_hazard(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        with pytest.raises(InspectorError, match="reason"):
            major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=False, actor="li", reason="  ")
        major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=False, actor="li", answers=[False, False],
                             reason="The e-bike stands in the open shed, not in the building.")
        assert (hazard.severity, hazard.major_rule) == ("general", "")
        event = events_of(session, hazard_id)[-1]
        assert (event.kind, event.data["decision"], event.data["changes"]) == ("major_decided", "declined", {})
        assert event.note == "The e-bike stands in the open shed, not in the building."
        assert major_hazards.open_candidates(session, catalogue, hazard) == []  # decided: no longer proposed
        assert audit.verify(session).ok
        server_takes(session, hazard_id)


def test_lowering_a_confirmed_major_hazard_needs_a_reason(db, catalogue, floor, english):
    hazard_id = new_hazard(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=True, actor="li", group=GROUP)
        with pytest.raises(InspectorError, match="needs a reason"):
            update_hazard(session, hazard, "li", severity="general")
        with pytest.raises(InspectorError, match="needs a reason"):
            major_hazards.lower_severity(session, hazard, "li", "")
        # A category change follows the new category's texts, but never lowers a confirmed severity.
        values = values_following_category({"legal_basis": "", "required_measures": "", "severity": "major",
                                            "major_rule": EBIKE}, catalogue.categories[hazard.category],
                                           catalogue.categories["electrical.aging_wiring"], None, language="en")
        assert "severity" not in values
        major_hazards.lower_severity(session, hazard, "li", "The group found the battery was removed daily.")
        assert (hazard.severity, hazard.major_rule) == ("general", "")
        event = events_of(session, hazard_id)[-1]
        assert event.kind == "severity_lowered" and event.note.startswith("The group found")
        assert event.data["changes"] == {"severity": ["major", "general"], "major_rule": [EBIKE, ""]}
        update_hazard(session, hazard, "li", severity="major")  # not confirmed any more: a plain edit again
        update_hazard(session, hazard, "li", severity="general")
        assert audit.verify(session).ok
        server_takes(session, hazard_id)


@pytest.mark.parametrize(("group", "answers", "message"), [
    (None, [True, None], "group decision"),
    (GroupDecision(("王", "李"), TODAY, "c"), [], "at least 3 people; 2 named"),
    (GroupDecision(("王", "李", "王 "), TODAY, "c"), [], "2 named"),
    (GroupDecision(("王", "李", "张"), TODAY, " "), [], "conclusion"),
    (GroupDecision(("王", "李", "张"), TODAY + dt.timedelta(days=5), "c"), [], "in the future"),
    (GroupDecision(("王", "李", "张"), TODAY, "c", experts=("赵",), votes_for=2), [], "2 expert votes"),
    (GROUP, [False, False], "do not support"),
    (GROUP, [True, True, True], "3 answers for the 2 questions"),
])
def test_a_confirmation_the_rules_refuse_changes_nothing(db, catalogue, floor, english, group, answers, message):
    hazard_id = new_hazard(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        with pytest.raises(InspectorError, match=message):
            major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=True, actor="li", answers=answers,
                                 group=group)
        assert (hazard.severity, hazard.major_rule, len(events_of(session, hazard_id))) == ("general", "", 1)


def test_decisions_are_refused_on_final_hazards_unknown_rules_and_twice(db, catalogue, floor, english, jpeg_photo):
    hazard_id = new_hazard(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        with pytest.raises(InspectorError, match=r"Unknown major-hazard rule 'edu2024\.9'"):
            major_hazards.decide(session, catalogue, hazard, "edu2024.9", confirm=True, actor="li", group=GROUP)
        major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=True, actor="li", group=GROUP)
        with pytest.raises(InspectorError, match="already confirmed"):
            major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=True, actor="li", group=GROUP)
        with pytest.raises(InspectorError, match="lower its severity"):
            major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=False, actor="li", reason="r")
        change_status(session, db.store, hazard, "withdrawn", "li", note="recorded twice")
        with pytest.raises(InspectorError, match="final"):
            major_hazards.decide(session, catalogue, hazard, "edu2024.3.1.9", confirm=False, actor="li", reason="r")


def test_a_failed_checklist_item_points_at_a_rule_its_category_alone_does_not(db, catalogue, floor, english):
    """teaching_building.05 (corridors clear, no vehicles parked) creates a blocked-route hazard, which
    item 6 does not name; the failed item itself points at item 6 (an e-bike parked in the corridor)."""
    with db.session() as session:
        building = session.get(Building, session.get(Floor, floor).building_id)
        inspection = create_inspection(session, session.get(Site, building.site_id), TODAY)
        run = start_run(session, catalogue, inspection.id, "teaching_building", "li", floor_id=floor)
        outcome = answer_item(session, catalogue, db.store, run, "teaching_building.05", "fail", "li")
        hazard = outcome.created_hazard
        assert hazard is not None and hazard.category == "evacuation.blocked_route"
        assert catalogue.rules_indicated(hazard.category) == []
        assert [r.id for r in major_hazards.candidates(session, catalogue, hazard)] == [EBIKE]


# --- the server's side: what the program would never write is refused ----------------------------


def confirmed_history(db, catalogue, floor) -> list[HazardEvent]:
    hazard_id = new_hazard(db, catalogue, floor)
    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        major_hazards.decide(session, catalogue, hazard, EBIKE, confirm=True, actor="li", group=GROUP)
        events = events_of(session, hazard_id)
        session.expunge_all()
        return events


def event(after: HazardEvent, kind: str, changes: dict[str, list[Any]], note: str = "", **data: Any) -> HazardEvent:
    return HazardEvent(id=uuid.uuid4(), hazard_id=after.hazard_id, seq=after.seq + 1, kind=kind, actor="x", at=NOW,
                       data={"changes": changes, **data}, note=note, prev_hash=after.hash, hash="")


def refused(before: list[HazardEvent], new: HazardEvent) -> str:
    with pytest.raises(EventRuleError) as caught:
        check_new_events("LL1-0001", before, [new], NOW + dt.timedelta(minutes=1))
    return str(caught.value)


RULE = {"id": EBIKE, "text": "t"}
NAMES = {"names": ["a", "b", "c"], "decided_on": "2026-01-05", "conclusion": "major"}


@pytest.mark.parametrize(("kind", "changes", "note", "data", "expected"), [
    ("edited", {"severity": ["major", "general"]}, "", {}, "lowered only with a reason"),
    ("conflict_resolved", {"severity": ["major", "general"]}, "", {}, "lowered only with a reason"),
    ("edited", {"major_rule": [EBIKE, ""]}, "", {}, "cannot change major_rule"),
    ("severity_lowered", {"severity": ["major", "general"], "major_rule": [EBIKE, ""]}, " ", {}, "needs a reason"),
    ("severity_lowered", {"severity": ["major", "general"], "major_rule": [EBIKE, "x"]}, "r", {}, "out from under"),
    ("severity_lowered", {"room": ["", "1"]}, "r", {}, "cannot change room"),
])
def test_lowering_a_confirmed_hazard_otherwise_is_refused(db, catalogue, floor, english, kind, changes, note, data,
                                                          expected):
    events = confirmed_history(db, catalogue, floor)
    assert expected in refused(events, event(events[-1], kind, changes, note, **data))
    check_new_events("LL1-0001", events, [event(events[-1], "severity_lowered", {
        "severity": ["major", "general"], "major_rule": [EBIKE, ""]}, "the group reversed it")], NOW)


@pytest.mark.parametrize(("changes", "note", "data", "expected"), [
    ({"severity": ["general", "major"], "major_rule": ["", EBIKE]}, "",
     {"decision": "confirmed", "rule": RULE, "group": {**NAMES, "names": ["a", "b"]}}, "at least 3 people"),
    ({"severity": ["general", "major"], "major_rule": ["", EBIKE]}, "",
     {"decision": "confirmed", "rule": RULE, "group": {**NAMES, "names": ["a", "b", "b "]}}, "2 named"),
    ({"severity": ["general", "major"], "major_rule": ["", EBIKE]}, "", {"decision": "confirmed", "rule": RULE},
     "needs the group decision"),
    ({"severity": ["general", "major"], "major_rule": ["", EBIKE]}, "",
     {"decision": "confirmed", "rule": RULE, "group": {**NAMES, "conclusion": ""}}, "conclusion"),
    ({"severity": ["general", "major"], "major_rule": ["", EBIKE]}, "",
     {"decision": "confirmed", "rule": RULE, "group": {**NAMES, "decided_on": "soon"}}, "not a date"),
    ({"severity": ["general", "major"], "major_rule": ["", "edu2024.3.1.9"]}, "",
     {"decision": "confirmed", "rule": RULE, "group": NAMES}, "leaves the hazard under"),
    ({"severity": ["general", "general"], "major_rule": ["", EBIKE]}, "",
     {"decision": "confirmed", "rule": RULE, "group": NAMES}, "severity is major"),
    ({"room": ["", "1"], "major_rule": ["", EBIKE]}, "", {"decision": "confirmed", "rule": RULE, "group": NAMES},
     "cannot change room"),
    ({}, "", {"decision": "declined", "rule": RULE}, "needs a reason"),
    ({"severity": ["general", "major"]}, "r", {"decision": "declined", "rule": RULE}, "changes nothing"),
    ({}, "r", {"decision": "maybe", "rule": RULE}, "confirms or declines"),
    ({}, "r", {"decision": "declined", "rule": {}}, "names the rule"),
    ({}, "r", {"decision": "declined", "rule": RULE, "answers": [{"answer": "perhaps"}]}, "yes, no or unanswered"),
    ({"major_rule": ["", 7]}, "", {"decision": "confirmed", "rule": RULE, "group": NAMES}, "not a major-hazard rule"),
])
def test_a_decision_the_program_never_writes_is_refused(db, catalogue, floor, english, changes, note, data,
                                                        expected):
    events = events_of_new(db, catalogue, floor)
    assert expected in refused(events, event(events[-1], "major_decided", changes, note, **data))


def test_a_creation_cannot_bring_a_decided_rule(db, catalogue, floor, english):
    events = events_of_new(db, catalogue, floor)
    created = events[0]
    created.data = {**created.data, "changes": {**created.data["changes"], "major_rule": [None, EBIKE]}}
    with pytest.raises(EventRuleError, match="not yet decided"):
        check_new_events("LL1-0001", [], [created], NOW)


def events_of_new(db, catalogue, floor) -> list[HazardEvent]:
    hazard_id = new_hazard(db, catalogue, floor)
    with db.session() as session:
        events = events_of(session, hazard_id)
        assert "major_rule" not in events[0].data["changes"]  # a creation reads as it did before decisions
        session.expunge_all()
        return events
