"""Bulk status changes from the ledger: the legal ones happen, the refused ones are named."""

from __future__ import annotations

from inspector_app.core.audit import verify
from inspector_app.core.hazards import add_hazard, change_status, change_status_many
from inspector_app.core.models import Hazard


def test_each_hazard_succeeds_or_fails_on_its_own(db, catalogue, floor, english):
    with db.session() as session:
        hazards = [add_hazard(session, catalogue, db.store, actor="t", category="electrical.aging_wiring",
                              floor_id=floor, x=0.5, y=0.5) for _ in range(3)]
        change_status(session, db.store, hazards[2], "withdrawn", "t", note="duplicate")
        ids = [h.id for h in hazards]
        numbers = [h.number for h in hazards]
    with db.session() as session:
        refused = change_status_many(session, db.store, ids, "in_progress", "t", note="work ordered")
    assert [number for number, _reason in refused] == [numbers[2]]
    assert "final" in refused[0][1]
    with db.session() as session:
        assert [session.get(Hazard, i).status for i in ids] == ["in_progress", "in_progress", "withdrawn"]
        assert verify(session).ok
