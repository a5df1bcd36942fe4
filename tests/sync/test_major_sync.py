"""Major-hazard decisions on the shared ledger: what the program writes (a confirmation with its group
decision, a declining, a lowering with its reason) reaches the central server and the other laptops,
whose histories still verify; what a changed program would write (a confirmation of two people, a
confirmed severity lowered by a plain edit or without a reason) is refused by the server with the
reason, and nothing of it is stored."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from inspector_app.core import audit, major_hazards
from inspector_app.core.major_hazards import GroupDecision
from inspector_app.core.models import Hazard
from tests.sync.conftest import add, school, verified

EBIKE = "edu2024.3.1.6"
GROUP = GroupDecision(("王建国", "李秀英", "张伟"), dt.date.today(), "判定为重大事故隐患")


def ebike(laptop, catalogue, floor) -> uuid.UUID:
    with laptop.db.session() as session:
        from inspector_app.core.hazards import add_hazard

        return add_hazard(session, catalogue, laptop.db.store, actor=laptop.actor,
                          category="electrical.ebike_indoor_charging", floor_id=floor, x=0.2, y=0.7).id


def server_hazard(central, hazard_id: uuid.UUID) -> Hazard:
    with central.db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        session.expunge(hazard)
        return hazard


def test_decisions_travel_to_the_server_and_the_other_laptops(central, laptops, catalogue):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    confirmed, declined = ebike(a, catalogue, places["floor"]), ebike(a, catalogue, places["floor"])
    with a.db.session() as session:
        major_hazards.decide(session, catalogue, session.get(Hazard, confirmed), EBIKE, confirm=True, actor=a.actor,
                             answers=[True, None], group=GROUP)
        major_hazards.decide(session, catalogue, session.get(Hazard, declined), EBIKE, confirm=False, actor=a.actor,
                             reason="停放在室外车棚")
    assert a.sync(central).refused == []
    assert (server_hazard(central, confirmed).major_rule, server_hazard(central, declined).major_rule) == (EBIKE, "")
    assert b.sync(central).refused == []
    with b.db.session() as session:
        hazard = session.get(Hazard, confirmed)
        decision = major_hazards.confirmation(session, hazard)
        assert hazard.severity == "major" and decision is not None and decision.group == GROUP
        assert major_hazards.open_candidates(session, catalogue, session.get(Hazard, declined)) == []
        major_hazards.lower_severity(session, hazard, b.actor, "电动车已移出并拆除飞线")
    assert b.sync(central).refused == []
    assert (server_hazard(central, confirmed).severity, server_hazard(central, confirmed).major_rule) == ("general", "")
    assert verified(central.db) and verified(b.db)


def _forge(laptop, hazard_id: uuid.UUID, kind: str, changes: dict[str, list[Any]], note: str = "",
           **data: Any) -> None:
    """What a changed program would write: an event appended past the use cases' checks, the row to match."""
    with laptop.db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        for name, (_old, new) in changes.items():
            setattr(hazard, name, new)
        audit.append_event(session, hazard, kind, laptop.actor, changes=changes, note=note, extra=data)


RULE = {"id": EBIKE, "text": "电动自行车(含电池)入楼或私拉乱接电线、飞线充电的。"}
TWO = {"names": ["王建国", "李秀英"], "decided_on": dt.date.today().isoformat(), "conclusion": "重大"}


@pytest.mark.parametrize(("kind", "changes", "note", "data", "reason"), [
    ("major_decided", {"severity": ["general", "major"], "major_rule": ["", EBIKE]}, "",
     {"decision": "confirmed", "rule": RULE, "group": TWO}, "at least 3 people; 2 named"),
    ("major_decided", {"severity": ["general", "major"], "major_rule": ["", EBIKE]}, "",
     {"decision": "confirmed", "rule": RULE}, "needs the group decision"),
    ("major_decided", {}, "", {"decision": "declined", "rule": RULE}, "declining a rule needs a reason"),
])
def test_a_decision_the_program_would_never_write_is_refused(central, laptops, catalogue, kind, changes, note,
                                                             data, reason):
    a = laptops("a")
    places = school(a)
    hazard_id = ebike(a, catalogue, places["floor"])
    assert a.sync(central).refused == []
    _forge(a, hazard_id, kind, changes, note, **data)
    (refused,) = a.sync(central).refused
    assert refused["status"] == "workflow" and reason in refused["reason"], refused
    after = server_hazard(central, hazard_id)
    assert (after.severity, after.major_rule) == ("general", "")
    assert verified(central.db)


@pytest.mark.parametrize(("kind", "note", "reason"), [
    ("edited", "", "its severity is lowered only with a reason"),
    ("severity_lowered", "", "needs a reason"),
])
def test_a_confirmed_severity_lowered_without_its_reason_is_refused(central, laptops, catalogue, kind, note, reason):
    a = laptops("a")
    places = school(a)
    hazard_id = ebike(a, catalogue, places["floor"])
    with a.db.session() as session:
        major_hazards.decide(session, catalogue, session.get(Hazard, hazard_id), EBIKE, confirm=True, actor=a.actor,
                             group=GROUP)
    assert a.sync(central).refused == []
    changes = {"severity": ["major", "general"]} if kind == "edited" else {
        "severity": ["major", "general"], "major_rule": [EBIKE, ""]}
    _forge(a, hazard_id, kind, changes, note)
    (refused,) = a.sync(central).refused
    assert refused["status"] == "workflow" and reason in refused["reason"], refused
    after = server_hazard(central, hazard_id)
    assert (after.severity, after.major_rule) == ("major", EBIKE)


def test_an_edit_lowering_a_severity_confirmed_meanwhile_is_set_aside_not_refused(central, laptops, catalogue):
    """Laptop B lowers the severity of a hazard (a plain edit: it knew of no decision) while laptop A
    confirms it a major hazard. A's confirmation reaches the server first; B's edit, rebased after it,
    becomes a conflict to resolve (not a refused push), and lowering it needs a reason from then on."""
    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"])
    with a.db.session() as session:
        from inspector_app.core.hazards import update_hazard

        update_hazard(session, session.get(Hazard, hazard_id), a.actor, severity="major")
    assert a.sync(central).refused == [] and b.sync(central).refused == []
    with b.db.session() as session:
        from inspector_app.core.hazards import update_hazard

        update_hazard(session, session.get(Hazard, hazard_id), b.actor, severity="general")
    with a.db.session() as session:
        major_hazards.decide(session, catalogue, session.get(Hazard, hazard_id), "edu2024.3.1.9", confirm=True,
                             actor=a.actor, group=GROUP)
    assert a.sync(central).refused == []
    report = b.sync(central)
    assert report.refused == [] and report.conflicts == 1
    with b.db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        assert (hazard.severity, hazard.major_rule) == ("major", "edu2024.3.1.9")
    assert verified(central.db) and verified(b.db)
