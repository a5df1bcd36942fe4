"""The hash-chained history: a clean ledger verifies; any edit behind the program's back is named."""

from __future__ import annotations

import json

from sqlalchemy import text

from inspector_app.core.audit import verify
from inspector_app.core.hazards import add_hazard, change_status, update_hazard


def _two_hazards(db, catalogue, floor, photo):
    with db.session() as session:
        first = add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                           floor_id=floor, x=0.2, y=0.3)
        second = add_hazard(session, catalogue, db.store, actor="wang", category="evacuation.blocked_route",
                            floor_id=floor, x=0.5, y=0.5, photos=[photo])
        change_status(session, db.store, second, "in_progress", "li")
        update_hazard(session, second, "li", description="bicycles in the stairwell")
        return first.number, second.number, str(second.id)


def test_untouched_ledger_verifies(db, catalogue, floor, jpeg_photo):
    _two_hazards(db, catalogue, floor, jpeg_photo)
    with db.session() as session:
        report = verify(session)
    assert report.ok, report.as_dict()
    assert report.hazards_checked == 2
    assert report.events_checked == 1 + 4  # created; created, photo, status, edit


def test_edited_event_is_named(db, catalogue, floor, jpeg_photo):
    _, number, hazard_id = _two_hazards(db, catalogue, floor, jpeg_photo)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE hazard_events SET actor = 'mallory' WHERE hazard_id = :h AND seq = 3"),
                     {"h": hazard_id.replace("-", "")})
    with db.session() as session:
        report = verify(session)
    assert not report.ok
    first = report.problems[0]
    assert (first.hazard_number, first.event_seq) == (number, 3)
    assert "hash" in first.problem


def test_removed_event_is_named(db, catalogue, floor, jpeg_photo):
    _, number, hazard_id = _two_hazards(db, catalogue, floor, jpeg_photo)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM hazard_events WHERE hazard_id = :h AND seq = 2"),
                     {"h": hazard_id.replace("-", "")})
    with db.session() as session:
        report = verify(session)
    assert report.problems[0].hazard_number == number
    assert report.problems[0].event_seq == 3


def test_edited_hazard_row_is_found_against_its_history(db, catalogue, floor, jpeg_photo):
    _, number, hazard_id = _two_hazards(db, catalogue, floor, jpeg_photo)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE hazards SET status = 'closed' WHERE id = :h"), {"h": hazard_id.replace("-", "")})
    with db.session() as session:
        report = verify(session)
    assert report.problems[0].hazard_number == number
    assert "status" in report.problems[0].problem


def test_rewritten_event_data_with_recomputed_hash_breaks_the_next_link(db, catalogue, floor, jpeg_photo):
    """Even a forger who recomputes one hash cannot hide: the next event points at the old hash."""
    from inspector_app.core.audit import event_hash
    from inspector_app.core.models import HazardEvent

    _, number, hazard_id = _two_hazards(db, catalogue, floor, jpeg_photo)
    with db.session() as session:
        event = session.query(HazardEvent).filter_by(seq=3).filter(
            HazardEvent.hazard_id == __import__("uuid").UUID(hazard_id)).one()
        event.data = json.loads(json.dumps({**event.data, "changes": {"status": ["open", "closed"]}}))
        event.hash = event_hash(event.prev_hash, event)
    with db.session() as session:
        report = verify(session)
    assert report.problems[0].hazard_number == number
    assert report.problems[0].event_seq == 4
