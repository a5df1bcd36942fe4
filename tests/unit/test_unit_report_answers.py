"""The inspector's answers to what responsible units sent (core.unit_report_answers), on a demo
ledger: each kind of report waits until answered, and each answer leaves the workflow step or event
the unit's page and `audit verify` rely on; answering twice, or without a reason where one is owed,
is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from inspector_app.core import audit, dates, rectification_links, unit_reports
from inspector_app.core.demo import create_demo
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Attachment, Hazard
from inspector_app.core.summary import summarise
from inspector_app.core.unit_report_answers import accept, list_reports, reject
from tests.phone_photos import phone_photo


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
        assert summarise(session).reports_waiting == 1  # the summary panel's count
        done = accept(session, db.store, uuid.UUID(report_id), "li", note="ok")
    assert done.status == "accepted" and _status(db, hazard_id) == "closed"
    with db.session() as session:
        roles = [a.role for a in session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id))]
        assert "after" in roles and "unit" not in roles
        assert list_reports(session, waiting_only=True) == []
        assert summarise(session).reports_waiting == 0
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


def test_a_photo_taken_hours_before_it_was_sent_is_flagged_to_the_inspector(db, catalogue, english):
    """Received at 10:00 Beijing time: a photo its camera dates 09:40 that day passes, one dated the
    evening before is flagged, one without a camera time is shown without a comparison."""
    sent_at = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
    with dates.fixed_clock(sent_at, zone=ZoneInfo("Asia/Shanghai")):
        create_demo(db, catalogue, language="en")
        with db.session() as session:
            hazard_id = session.scalars(select(Hazard.id).where(Hazard.status == "in_progress")).first()
            secret = rectification_links.issue(session, hazard_id, "li")
            link = rectification_links.open_link(session, secret)
            now = dates.now()
            unit_reports.submit(session, db.store, link, unit_reports.UnitSubmission(
                "report", "fixed", "Wang", photos=(phone_photo("2026:12:07 09:40:00"),
                                                   phone_photo("2026:12:06 19:00:00"), _jpeg())),
                dates.local_date(now), dates.start_of_day(dates.local_date(now)))
        with db.session() as session:
            (report,) = list_reports(session)
    times = report.photo_times
    assert [t["gap_hours"] for t in times] == [0.3, 15.0, None]
    assert [t["flagged"] for t in times] == [False, True, False]
    assert times[0]["taken"] == "2026-12-07T09:40:00" and times[2]["taken"] is None
    assert [t["id"] for t in times] == report.photos


def test_the_ledger_filter_lists_exactly_the_hazards_whose_report_waits(sent, english):
    """An extension request waits, so its hazard is listed (and counted, and in the editor's list of the
    hazard's reports); once refused, the filter lists nothing and the sort orders agree."""
    from inspector_app.core import ledger
    from inspector_app.core.unit_report_answers import reports_of_hazard

    db, hazard_id, send = sent
    report_id = send("extension", "parts on order", wanted=dates.today() + dt.timedelta(days=30))
    waiting = ledger.LedgerFilter(reports_waiting=True)
    with db.session() as session:
        for sort in ("number", "severity", "location"):
            assert [ledger.as_uuid(i) for i in ledger.ledger_ids(session, waiting, sort)] == [hazard_id]
        assert ledger.count(session, waiting) == 1
        assert ledger.count(session, ledger.LedgerFilter()) > 1  # the filter, not the ledger, is small
        assert [(r.kind, r.status) for r in reports_of_hazard(session, hazard_id)] == [("extension", "waiting")]
        reject(session, db.store, uuid.UUID(report_id), "li", "no")
    with db.session() as session:
        assert ledger.ledger_ids(session, waiting) == []
        assert [r.status for r in reports_of_hazard(session, hazard_id)] == ["rejected"]
        assert reports_of_hazard(session, uuid.uuid4()) == []
