"""The responsible unit's report page on a real server over HTTP (web/public/report.py): a report with
phone photos moves the hazard to awaiting re-inspection with events the server signed; the photos are
stored re-encoded without device or GPS facts but with the time they were taken; a refused form keeps
what was typed; unknown, ended and malformed links get one page; a post from another site and every
file of the hostile corpus are refused with nothing stored and no 5xx."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from inspector_app.core import accounts, audit, rectification_links
from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import change_status
from inspector_app.core.models import Attachment, Hazard, HazardEvent, SigningKey
from inspector_app.core.photos import DATETIME_ORIGINAL, EXIF_IFD, GPS_IFD
from inspector_app.core.signatures import SERVER_SIGNER, signature_valid
from inspector_app.web.app import create_app
from tests.live_server import live_server
from tests.phone_photos import phone_photo

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"


@pytest.fixture
def reporting(db, catalogue):
    """A demo ledger on a live server, and an open hazard of it with a fresh link."""
    create_demo(db, catalogue, language="zh_CN")
    with db.session() as session:
        accounts.create_token(session, "Bureau admin", "admin")  # a central server: it issues tokens
        hazard = session.scalars(select(Hazard).where(Hazard.status == "in_progress")).first()
        secret = rectification_links.issue(session, hazard.id, "li")
        hazard_id = hazard.id
        session.commit()
    with live_server(create_app(db, catalogue, rate_per_second=1000.0, burst=1000)) as client:
        yield client, db, hazard_id, secret


def _form(kind="report", text="Replaced the wiring with conduit", name="王强", role="后勤处", phone="13800000000"):
    return {"kind": kind, "text": text, "name": name, "role": role, "phone": phone}


def _unit_events(db, hazard_id):
    with db.session() as session:
        return list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id,
                                                              HazardEvent.actor.like("%(rectification_link)"))
                                    .order_by(HazardEvent.seq)))


def test_a_report_with_phone_photos_awaits_reinspection_signed_by_the_server(reporting):
    client, db, hazard_id, secret = reporting
    page = client.get(f"/r/{secret}")
    assert page.status_code == 200 and "整改" in page.text and "form-action 'self'" in page.headers[
        "content-security-policy"]
    answer = client.post(f"/r/{secret}", data=_form(), files=[("photos", ("IMG_1.jpg", phone_photo(), "image/jpeg")),
                                                                ("photos", ("IMG_2.jpg", phone_photo(), "image/jpeg"))],
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/r/{secret}?sent=report"
    shown = client.get(answer.headers["location"])
    assert "已收到" in shown.text or "received" in shown.text.lower()

    with db.session() as session:
        hazard = session.get(Hazard, hazard_id)
        assert hazard.status == "awaiting_reinspection"
        photos = session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id,
                                                          Attachment.role == "unit")).all()
        assert len(photos) == 2
        with Image.open(db.store.find(photos[0].file_hash)) as stored:
            exif = stored.getexif()
            assert stored.format == "JPEG" and not exif.get_ifd(GPS_IFD) and 0x010F not in exif
            assert exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] == "2026:12:01 09:30:00"
        server_keys = {k.id: k for k in session.scalars(select(SigningKey)) if k.inspector == SERVER_SIGNER}
        assert audit.verify(session).ok
    events = _unit_events(db, hazard_id)
    assert [e.kind for e in events] == ["photo_added", "photo_added", "rectification_reported"]
    reported = events[-1]
    assert reported.actor == "王强 · 后勤处 (rectification_link)"
    assert reported.note == "Replaced the wiring with conduit"
    assert reported.data["reporter"]["phone"] == "13800000000" and reported.data["received_at"]
    assert events[0].data["taken"] == "2026:12:01 09:30:00"
    for event in events:
        key = server_keys[event.signer]
        assert signature_valid(key.public_key, event.hash, event.signature)
    # A second report while the first awaits re-inspection is not offered, nor taken.
    assert 'name="kind" value="report"' not in client.get(f"/r/{secret}").text
    again = client.post(f"/r/{secret}", data=_form(), files=[("photos", ("a.jpg", phone_photo(), "image/jpeg"))])
    assert again.status_code == 400 and len(_unit_events(db, hazard_id)) == 3
    # The public status page says so, and shows no phone number.
    with db.session() as session:
        token = session.get(Hazard, hazard_id).public_token
    status = client.get(f"/h/{token}")
    assert "待复查" in status.text and "13800000000" not in status.text


def test_the_inspectors_refusal_reaches_the_units_page_and_a_new_report_is_taken(reporting):
    client, db, hazard_id, secret = reporting
    photo = [("photos", ("a.jpg", phone_photo(), "image/jpeg"))]
    assert client.post(f"/r/{secret}", data=_form(), files=photo, follow_redirects=False).status_code == 303
    with db.session() as session:
        change_status(session, db.store, session.get(Hazard, hazard_id), "in_progress", "li",
                      note="The socket behind the door is still loose")
        session.commit()
    page = client.get(f"/r/{secret}")
    assert "The socket behind the door is still loose" in page.text
    assert 'name="kind" value="report"' in page.text
    second = client.post(f"/r/{secret}", data=_form(text="Fixed the socket too"), files=photo,
                         follow_redirects=False)
    assert second.status_code == 303
    with db.session() as session:
        assert session.get(Hazard, hazard_id).status == "awaiting_reinspection"
        assert audit.verify(session).ok


def test_extension_and_dispute_are_recorded_without_changing_the_status(reporting):
    client, db, hazard_id, secret = reporting
    extension = client.post(f"/r/{secret}", data={**_form("extension", "The part arrives next month"),
                                                     "wanted": "2099-01-31"}, follow_redirects=False)
    dispute = client.post(f"/r/{secret}", data=_form("dispute", "This socket belongs to the landlord"),
                          follow_redirects=False)
    assert extension.status_code == dispute.status_code == 303
    events = _unit_events(db, hazard_id)
    assert [e.kind for e in events] == ["extension_requested", "disputed"]
    assert events[0].data["wanted_deadline"] == "2099-01-31"
    with db.session() as session:
        assert session.get(Hazard, hazard_id).status == "in_progress"
        assert audit.verify(session).ok


def test_a_refused_form_keeps_what_was_typed_and_stores_nothing(reporting):
    client, db, hazard_id, secret = reporting
    no_photo = client.post(f"/r/{secret}", data=_form(text="换了新的电线 <b>"))
    assert no_photo.status_code == 400
    assert "换了新的电线 &lt;b&gt;" in no_photo.text and "王强" in no_photo.text and "13800000000" in no_photo.text
    no_name = client.post(f"/r/{secret}", data=_form(name=" "), files=[("photos", ("a.jpg", phone_photo(),
                                                                                    "image/jpeg"))])
    assert no_name.status_code == 400
    assert _unit_events(db, hazard_id) == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment).where(Attachment.role == "unit")) == 0


def test_unknown_ended_and_malformed_links_get_one_page(reporting):
    client, db, hazard_id, secret = reporting
    unknown = client.get("/r/" + "A" * 27)
    malformed = client.get("/r/%00'<x>")
    with db.session() as session:
        newer = rectification_links.issue(session, hazard_id, "li")  # a reprint: the old link ends
        session.commit()
    ended = client.get(f"/r/{secret}")
    assert unknown.status_code == malformed.status_code == ended.status_code == 404
    assert unknown.content == malformed.content == ended.content
    posted = client.post(f"/r/{secret}", data=_form(), files=[("photos", ("a.jpg", phone_photo(), "image/jpeg"))])
    assert posted.status_code == 404 and posted.content == unknown.content
    assert client.get(f"/r/{newer}").status_code == 200
    with db.session() as session:  # closing the hazard ends the newer one too
        hazard = session.get(Hazard, hazard_id)
        change_status(session, db.store, hazard, "withdrawn", "li", note="duplicate")
        session.commit()
    assert client.get(f"/r/{newer}").content == unknown.content


def test_a_post_from_another_site_is_refused(reporting):
    client, db, hazard_id, secret = reporting
    photo = [("photos", ("a.jpg", phone_photo(), "image/jpeg"))]
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}):
        answer = client.post(f"/r/{secret}", data=_form(), files=photo, headers=headers)
        assert answer.status_code == 403
    assert _unit_events(db, hazard_id) == []


def _corpus_photos_to_refuse() -> list[str]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t")
        next(rows)
        return [row[0] for row in rows if row and row[2] == "refuse"]


def test_the_hostile_corpus_posted_as_photos_is_refused_with_nothing_stored(reporting):
    client, db, hazard_id, secret = reporting
    names = _corpus_photos_to_refuse()
    assert len(names) >= 10
    for name in names:
        answer = client.post(f"/r/{secret}", data=_form(), files=[("photos", (name, (CORPUS / name).read_bytes(),
                                                                               "image/jpeg"))])
        assert answer.status_code == 400, (name, answer.status_code)
    assert _unit_events(db, hazard_id) == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment).where(Attachment.role == "unit")) == 0
        assert session.get(Hazard, hazard_id).status == "in_progress"
    assert client.get(f"/r/{secret}").status_code == 200


def test_photos_are_served_only_to_their_own_hazards_link(reporting):
    client, db, hazard_id, secret = reporting
    with db.session() as session:
        ours = session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id)).first()
        other = session.scalars(select(Attachment).where(Attachment.hazard_id != hazard_id)).first()
    assert ours is not None and other is not None, "the demo must have photos on several hazards"
    assert client.get(f"/r/{secret}/photo/{ours.id}").headers["content-type"] == "image/jpeg"
    assert client.get(f"/r/{secret}/photo/{other.id}").status_code == 404
    assert client.get(f"/r/{secret}/photo/{uuid.uuid4()}").status_code == 404


def test_a_laptop_serving_its_lan_signs_a_units_report_as_itself(db, catalogue):
    """A laptop's own status server (no central server yet) takes a unit's report too; it signs with
    the laptop's key, which its server knows by the inspector's name, never as "central server"."""
    create_demo(db, catalogue, language="en")
    with db.session() as session:
        hazard = session.scalars(select(Hazard).where(Hazard.status == "in_progress")).first()
        secret = rectification_links.issue(session, hazard.id, "li")
        session.commit()
    with live_server(create_app(db, catalogue, rate_per_second=1000.0, burst=1000)) as client:
        answer = client.post(f"/r/{secret}", data=_form(), files=[("photos", ("a.jpg", phone_photo(), "image/jpeg"))],
                             follow_redirects=False)
    assert answer.status_code == 303
    with db.session() as session:
        from inspector_app.core.signatures import laptop_key

        own = laptop_key(session)
        events = _unit_events(db, hazard.id)
        assert events and {e.signer for e in events} == {own.id}
        assert session.get(SigningKey, own.id).inspector != SERVER_SIGNER
        assert audit.verify(session).ok
