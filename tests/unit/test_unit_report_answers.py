"""The inspector's answers to what responsible units sent (core.unit_report_answers), on a demo
ledger: each kind of report waits until answered, and each answer leaves the workflow step or event
the unit's page and `audit verify` rely on; answering twice, or without a reason where one is owed,
is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from inspector_app.core import audit, dates, rectification_links, unit_reports
from inspector_app.core.demo import create_demo
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Attachment, Hazard
from inspector_app.core.unit_report_answers import accept, list_reports, reject


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def sent(db, catalogue):
    """A demo hazard in progress, and a function sending a unit's submission through its link."""
    create_demo(db, catalogue, language="en")
    with db.session() as session:
        hazard_id = session.scalars(select(Hazard.id).where(Hazard.status == "in_progress")).first()
        link_secret = rectification_links.issue(session, hazard_id, "li")

    def send(kind: str, text: str, photos=(), wanted=None) -> str:
        with db.session() as session:
            link = rectification_links.open_link(session, link_secret)
            now = dates.now()
            events = unit_reports.submit(session, db.store, link, unit_reports.UnitSubmission(
                kind, text, "Wang", "logistics", "", tuple(photos), wanted), dates.local_date(now),
                dates.start_of_day(dates.local_date(now)))
            return str(events[-1].id)

    return db, hazard_id, send


def _status(db, hazard_id) -> str:
    with db.session() as session:
        return session.get(Hazard, hazard_id).status


def test_a_rectification_report_waits_then_closes_with_the_units_photo_as_after_photo(sent, english):
    db, hazard_id, send = sent
    report_id = send("report", "fixed", photos=[_jpeg()])
    with db.session() as session:
        assert [(r.kind, r.status) for r in list_reports(session, waiting_only=True)] == [("rectification", "waiting")]
        done = accept(session, db.store, uuid.UUID(report_id), "li", note="ok")
    assert done.status == "accepted" and _status(db, hazard_id) == "closed"
    with db.session() as session:
        roles = [a.role for a in session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id))]
        assert "after" in roles and "unit" not in roles
        assert list_reports(session, waiting_only=True) == []
        with pytest.raises(InspectorError, match="answered already"):
            accept(session, db.store, uuid.UUID(report_id), "li")
        assert audit.verify(session).ok


def test_a_rejected_report_goes_back_to_in_progress_with_its_reason(sent, english):
    db, hazard_id, send = sent
    report_id = uuid.UUID(send("report", "fixed", photos=[_jpeg()]))
    with db.session() as session:
        with pytest.raises(InspectorError, match="Say why"):
            reject(session, db.store, report_id, "li", "  ")
        done = reject(session, db.store, report_id, "li", "still loose")
    assert (done.status, done.answer) == ("rejected", "still loose") and _status(db, hazard_id) == "in_progress"


def test_an_extension_moves_the_deadline_or_is_refused(sent, english):
    db, hazard_id, send = sent
    wanted = dates.today() + dt.timedelta(days=40)
    first = uuid.UUID(send("extension", "parts late", wanted=wanted))
    with db.session() as session:
        assert accept(session, db.store, first, "li").status == "accepted"
        assert session.get(Hazard, hazard_id).deadline == wanted
    second = uuid.UUID(send("extension", "more please"))
    with db.session() as session:
        with pytest.raises(InspectorError, match="--deadline"):
            accept(session, db.store, second, "li")
        refused = reject(session, db.store, second, "li", "no more time")
        assert refused.status == "rejected" and session.get(Hazard, hazard_id).deadline == wanted
        assert _status(db, hazard_id) == "in_progress" and audit.verify(session).ok


def test_a_dispute_is_answered_or_upheld_by_withdrawing_the_hazard(sent, english):
    db, hazard_id, send = sent
    first = uuid.UUID(send("dispute", "not ours"))
    with db.session() as session:
        answered = reject(session, db.store, first, "li", "it is yours: the socket is in your canteen")
        assert answered.status == "answered"
    second = uuid.UUID(send("dispute", "really not ours"))
    with db.session() as session:
        with pytest.raises(InspectorError, match="--note"):
            accept(session, db.store, second, "li")
        assert accept(session, db.store, second, "li", note="the landlord's socket").status == "accepted"
        assert session.get(Hazard, hazard_id).status == "withdrawn"
        assert [r.status for r in list_reports(session)] == ["answered", "accepted"]
        assert audit.verify(session).ok
