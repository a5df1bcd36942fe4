"""Photo markup and photo edits in the core: overlays validated, history written, audit intact."""

from __future__ import annotations

import pytest

from inspector_app.core import attachments, audit
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import add_hazard, attachments_of, change_status, discard_new_hazard
from inspector_app.core.models import HazardEvent
from inspector_app.core.photo_markup import set_photo_overlay, validate_overlay

GOOD = {"version": 1, "shapes": [
    {"kind": "arrow", "x1": 0.1, "y1": 0.2, "x2": 0.5, "y2": 0.5, "colour": "#d32f2f"},
    {"kind": "circle", "x1": 0.3, "y1": 0.3, "x2": 0.6, "y2": 0.9},
    {"kind": "text", "x": 0.0, "y": 1.0, "text": "热得快"},
]}


@pytest.mark.parametrize("overlay", [
    {"version": 2, "shapes": []},
    {"version": 1, "shapes": [{"kind": "square", "x1": 0, "y1": 0, "x2": 1, "y2": 1}]},
    {"version": 1, "shapes": [{"kind": "arrow", "x1": 0, "y1": 0, "x2": 1.5, "y2": 1}]},
    {"version": 1, "shapes": [{"kind": "arrow", "x1": 0, "y1": 0, "x2": 1}]},
    {"version": 1, "shapes": [{"kind": "text", "x": 0, "y": 0, "text": "  "}]},
    {"version": 1, "shapes": [{"kind": "circle", "x1": 0, "y1": 0, "x2": 1, "y2": 1, "colour": "red"}]},
    {"version": 1, "shapes": [{"kind": "circle", "x1": 0, "y1": 0, "x2": 1, "y2": 1, "extra": 1}]},
    {"version": 1, "shapes": [{"kind": "arrow", "x1": True, "y1": 0, "x2": 1, "y2": 1}]},
    [],
])
def test_bad_overlays_are_refused(overlay):
    with pytest.raises(InspectorError):
        validate_overlay(overlay)


def test_empty_overlays_mean_no_markup():
    assert validate_overlay({}) == {}
    assert validate_overlay({"version": 1, "shapes": []}) == {}


@pytest.fixture
def photo(db, floor, catalogue, jpeg_photo, english):
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category="electrical.aging_wiring",
                            floor_id=floor, x=0.1, y=0.1, photos=[jpeg_photo])
        return hazard.id, attachments_of(session, hazard.id)[0].id


def test_overlay_is_stored_with_an_event_and_no_field_changes(db, photo):
    hazard_id, attachment_id = photo
    with db.session() as session:
        set_photo_overlay(session, attachment_id, GOOD, "li")
        set_photo_overlay(session, attachment_id, GOOD, "li")  # the same again: no second event
    with db.session() as session:
        assert attachments_of(session, hazard_id)[0].overlay == GOOD
        events = [e for e in session.query(HazardEvent).filter_by(hazard_id=hazard_id) if e.kind == "photo_marked"]
        assert len(events) == 1
        data = dict(events[0].data)
        assert data.pop("origin") == str(db.replica_id())  # the laptop that wrote it
        assert data == {"changes": {}, "attachment_id": str(attachment_id), "shapes": 3}
        assert audit.verify(session).ok


def test_role_detach_restore_keep_the_audit_and_stay_undoable(db, photo):
    hazard_id, attachment_id = photo
    with db.session() as session:
        attachments.set_photo_role(session, attachment_id, "after", "li")
        facts = attachments.detach_photo(session, attachment_id, "li")
        assert attachments_of(session, hazard_id) == []
        attachments.restore_photo(session, facts, "li")
        restored = attachments_of(session, hazard_id)
        assert [(a.id, a.role) for a in restored] == [(attachment_id, "after")]
        assert audit.verify(session).ok
        discard_new_hazard(session, hazard_id)  # photo edits are no official act


def test_photos_of_a_closed_hazard_cannot_change(db, photo, jpeg_photo):
    hazard_id, attachment_id = photo
    with db.session() as session:
        from inspector_app.core.hazards import find_hazard

        change_status(session, db.store, find_hazard(session, str(hazard_id)), "closed", "li", note="ok",
                      photos=[jpeg_photo])
        with pytest.raises(InspectorError):
            attachments.detach_photo(session, attachment_id, "li")
        with pytest.raises(InspectorError):
            attachments.set_photo_role(session, attachment_id, "after", "li")
