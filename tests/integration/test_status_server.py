"""The real status server on a free loopback port, fetched over HTTP: every status renders,
bad tokens get identical 404s, JSON matches the ledger, a change shows once the freshness bound has
passed (its clock stepped by hand), superseded tokens, security headers, read-only, rate limit."""

from __future__ import annotations

import datetime as dt
import time
from contextlib import contextmanager

import pytest

from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import change_status, find_hazard, rotate_token
from inspector_app.core.models import Hazard, Organisation
from inspector_app.core.queries import list_hazards
from inspector_app.web.app import create_app
from tests.live_server import live_server
from tests.stepped_clock import SteppedClock


@contextmanager
def serving(db, catalogue, rate_per_second=1000.0, burst=1000, clock=time.monotonic):
    with live_server(create_app(db, catalogue, rate_per_second=rate_per_second, burst=burst,
                                status_clock=clock)) as client:
        yield client


@pytest.fixture
def served(db, catalogue):
    create_demo(db, catalogue, language="zh_CN")  # a Chinese school: its pages default to Chinese
    clock = SteppedClock()
    with serving(db, catalogue, clock=clock) as client:
        yield client, db, clock


def _rows(db):
    with db.session() as session:
        return list_hazards(session)


WORDS = {"open": "未整改", "in_progress": "整改中", "awaiting_reinspection": "待复查", "closed": "已销号"}


def test_every_status_renders_in_chinese_and_english(served):
    client, db, _clock = served
    seen = set()
    for row in _rows(db):
        if row.status == "withdrawn" or row.status in seen:
            continue
        seen.add(row.status)
        page = client.get(f"/h/{row.token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        assert page.status_code == 200
        assert WORDS[row.status] in page.text and row.number in page.text
        english = client.get(f"/h/{row.token}?lang=en")
        assert "Hazard number" in english.text and row.number in english.text
        if row.overdue:
            assert "已逾期" in page.text and "Overdue by" in english.text
    assert seen == set(WORDS)


def test_unknown_malformed_and_withdrawn_tokens_are_the_same_404(served):
    client, db, _clock = served
    withdrawn = next(r for r in _rows(db) if r.status == "withdrawn")
    answers = [client.get(f"/h/{token}") for token in
               ("A" * 24, "not-a-token!", "%00%2e%2e", withdrawn.token, "x" * 300)]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert client.get(f"/h/{withdrawn.token}.json").status_code == 404
    assert client.get("/h/../../etc/passwd").status_code == 404
    assert client.get("/").status_code == 404


def test_json_matches_the_ledger(served):
    client, db, _clock = served
    row = next(r for r in _rows(db) if r.status == "in_progress")
    data = client.get(f"/h/{row.token}.json").json()
    assert data["number"] == row.number and data["status"] == "in_progress"
    assert data["deadline"] == row.deadline.isoformat()
    assert data["overdue"] == row.overdue
    assert data["category"]["code"] == row.category
    assert data["responsible_person"] is None  # personal data is off by default
    assert [h["event"] for h in data["history"]][:2] == ["created", "rectification_started"]


def test_a_status_change_shows_once_the_bound_has_passed(served):
    client, db, clock = served
    row = next(r for r in _rows(db) if r.status == "open")
    assert client.get(f"/h/{row.token}.json").json()["status"] == "open"
    with db.session() as session:
        change_status(session, db.store, find_hazard(session, str(row.id)), "in_progress", "li")
    clock.past_the_bound()
    assert client.get(f"/h/{row.token}.json").json()["status"] == "in_progress"
    assert "整改中" in client.get(f"/h/{row.token}", headers={"Accept-Language": "zh"}).text


def test_personal_names_only_when_the_organisation_allows(served):
    client, db, clock = served
    row = next(r for r in _rows(db) if r.status == "open" and r.responsible_person)
    assert row.responsible_person not in client.get(f"/h/{row.token}").text
    with db.session() as session:
        session.query(Organisation).update({Organisation.show_personal_data: True})
        session.query(Hazard).filter(Hazard.id == row.id).update({Hazard.updated_at: dt.datetime.now(dt.UTC)})
    clock.past_the_bound()
    assert row.responsible_person in client.get(f"/h/{row.token}").text


def test_rotated_token_says_superseded(served):
    client, db, _clock = served
    row = next(r for r in _rows(db) if r.status == "open")
    with db.session() as session:
        new = rotate_token(session, find_hazard(session, str(row.id)), "li")
    old_page = client.get(f"/h/{row.token}?lang=en")
    assert old_page.status_code == 410 and "superseded" in old_page.text and row.number in old_page.text
    assert client.get(f"/h/{new}").status_code == 200


def test_security_headers_and_read_only(served):
    client, db, _clock = served
    row = _rows(db)[0]
    page = client.get(f"/h/{row.token}")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "no-cache" in page.headers["cache-control"]
    assert "<script" not in page.text and "http://" not in page.text.replace("http://www.w3.org", "")
    assert client.post(f"/h/{row.token}").status_code in (405, 413)
    assert client.request("DELETE", f"/h/{row.token}").status_code == 405
    assert client.post(f"/h/{row.token}", content=b"x" * 10).status_code == 413
    assert client.get("/healthz").json() == {"ok": True}


def test_descriptions_cannot_inject_markup(served):
    client, db, _clock = served
    row = next(r for r in _rows(db) if r.status == "open")
    with db.session() as session:
        hazard = find_hazard(session, str(row.id))
        hazard.room = "<script>alert(1)</script>"
        hazard.updated_at = dt.datetime.now(dt.UTC)
    page = client.get(f"/h/{row.token}")
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


def test_rate_limit_answers_429(db, catalogue):
    create_demo(db, catalogue, language="zh_CN")  # a Chinese school: its pages default to Chinese
    token = _rows(db)[0].token
    with serving(db, catalogue, rate_per_second=0.001, burst=3) as client:
        answers = [client.get(f"/h/{token}") for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert answers[3].headers["retry-after"] == "1"


def test_qr_of_a_printed_notice_opens_the_hazard_on_the_running_server(served, catalogue, tmp_path):
    """The whole chain: print a notice with the server's base URL, decode its QR from a 150-dpi
    render, fetch exactly that URL from the running server."""
    import pypdfium2 as pdfium
    import zxingcpp

    from inspector_app.notices.printing import print_notices

    client, db, _clock = served
    row = next(r for r in _rows(db) if r.status == "open")
    out = tmp_path / "notice.pdf"
    print_notices(db, catalogue, [row.id], out, actor="li", base_url=str(client.base_url).rstrip("/"))
    document = pdfium.PdfDocument(str(out))
    image = document[0].render(scale=150 / 72).to_pil()
    document.close()
    urls = [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert urls == [f"{str(client.base_url).rstrip('/')}/h/{row.token}"]
    page = client.get(urls[0], headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and row.number in page.text
