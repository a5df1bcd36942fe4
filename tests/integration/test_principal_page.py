"""The principal's review of the school's ledger (issue 24, item 5): `site review-sheet` prints a
sheet whose QR opens the school's ledger page on the server; the page lists the unfinished and the
recently closed hazards; a confirmation with a remark becomes a principal review of exactly those
hazards, a "reviewed" event in each history signed by the server, and `site reviews` lists it. A new
sheet ends the old code; a post from another site and an empty name are refused with nothing stored."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.core import accounts, audit
from inspector_app.core.demo import create_demo
from inspector_app.core.models import Hazard, HazardEvent, Organisation, Review, SigningKey, Site
from inspector_app.core.signatures import SERVER_SIGNER, signature_valid
from inspector_app.web.app import create_app
from tests.browser import chromium, overflows_sideways, phone_screenshot
from tests.live_server import live_server
from tests.notices.test_notices import decoded_qr_per_page, pdftotext


@pytest.fixture
def school_ledger(tmp_path, catalogue, capsys):
    """The demo ledger as a central server (it issues tokens) at a public address, served live."""
    from inspector_app.core.db import open_database, sqlite_url

    path = tmp_path / "central.sqlite"
    db = open_database(sqlite_url(path), store_dir=tmp_path / "central-files")
    create_demo(db, catalogue, language="zh_CN")
    with live_server(create_app(db, catalogue, rate_per_second=1000.0, burst=1000)) as client:
        base = str(client.base_url).rstrip("/")
        with db.session() as session:
            accounts.create_token(session, "Bureau admin", "admin")
            session.scalars(select(Organisation)).first().public_base_url = base
            site_id = session.scalars(select(Site.id)).first()
        yield db, path, client, site_id


def _sheet(capsys, path, site_id, out) -> str:
    capsys.readouterr()
    assert main(["--db", str(path), "site", "review-sheet", str(site_id), "--out", str(out)]) == 0
    json.loads(capsys.readouterr().out)
    (codes,) = decoded_qr_per_page(out)
    return codes[0]


def test_the_principal_confirms_the_ledger_from_the_sheets_code(school_ledger, capsys, tmp_path):
    db, path, _client, site_id = school_ledger
    url = _sheet(capsys, path, site_id, tmp_path / "sheet.pdf")
    assert "/p/" in url
    with db.session() as session:
        listed = {h.number for h in session.scalars(select(Hazard).where(Hazard.site_id == site_id))
                  if h.status not in ("closed", "withdrawn")}
    with chromium(phone=True) as driver:
        driver.get(url)
        body = driver.find_element(By.TAG_NAME, "body").text
        assert all(number in body for number in listed) and not overflows_sideways(driver)
        phone_screenshot(driver, "principal-phone-zh.png")
        driver.find_element(By.ID, "name").send_keys("张校长")
        driver.find_element(By.ID, "remark").send_keys("请后勤处本周内完成整改")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".sent")))
        assert "张校长" in driver.find_element(By.TAG_NAME, "body").text
        phone_screenshot(driver, "principal-phone-sent-zh.png")

    capsys.readouterr()
    assert main(["--db", str(path), "site", "reviews", str(site_id)]) == 0
    (review,) = json.loads(capsys.readouterr().out)
    assert review["reviewer"] == "张校长" and review["remark"] == "请后勤处本周内完成整改" and review["through_link"]
    assert listed <= set(review["hazards"])
    with db.session() as session:
        events = session.scalars(select(HazardEvent).where(HazardEvent.kind == "reviewed")).all()
        assert {session.get(Hazard, e.hazard_id).number for e in events} == set(review["hazards"])
        for event in events:
            key = session.get(SigningKey, event.signer)
            assert key.inspector == SERVER_SIGNER and signature_valid(key.public_key, event.hash, event.signature)
        assert audit.verify(session).ok

    # The ledger exports name the principal's latest confirmation.
    for kind in ("xlsx", "pdf"):
        out = tmp_path / f"ledger.{kind}"
        assert main(["--db", str(path), "ledger", "export", "--format", kind, "--out", str(out)]) == 0
    from openpyxl import load_workbook

    subtitle = " ".join(str(c.value) for row in load_workbook(tmp_path / "ledger.xlsx").active.iter_rows(max_row=3)
                        for c in row if c.value)
    assert "张校长" in subtitle and "请后勤处本周内完成整改" in subtitle
    assert "张校长" in "".join(pdftotext(tmp_path / "ledger.pdf").split())


def test_a_new_sheet_ends_the_old_code_and_bad_posts_store_nothing(school_ledger, capsys, tmp_path):
    db, path, client, site_id = school_ledger
    with db.session() as session:
        reviews_before = len(session.scalars(select(Review)).all())
    old = _sheet(capsys, path, site_id, tmp_path / "a.pdf")
    assert client.post(old.replace(str(client.base_url).rstrip("/"), ""), data={"name": " "},
                       files={"remark": (None, "x")}).status_code == 400
    assert client.post(old.replace(str(client.base_url).rstrip("/"), ""), data={"name": "张校长"},
                       headers={"origin": "https://evil.example"}).status_code == 403
    new = _sheet(capsys, path, site_id, tmp_path / "b.pdf")
    assert httpx_get(client, old).status_code == 404 and httpx_get(client, new).status_code == 200
    assert httpx_get(client, old).content == httpx_get(client, url_of(client, "/p/" + "B" * 27)).content
    with db.session() as session:
        assert len(session.scalars(select(Review)).all()) == reviews_before


def url_of(client, path: str) -> str:
    return str(client.base_url).rstrip("/") + path


def httpx_get(client, url: str):
    return client.get(url.replace(str(client.base_url).rstrip("/"), ""))


def test_a_sheet_needs_an_address_a_phone_can_reach(tmp_path, catalogue, capsys):
    from inspector_app.core.db import open_database, sqlite_url

    path = tmp_path / "laptop.sqlite"
    db = open_database(sqlite_url(path))
    create_demo(db, catalogue, language="en")
    with db.session() as session:
        site_id = session.scalars(select(Site.id)).first()
    db.dispose()
    capsys.readouterr()
    assert main(["--db", str(path), "--lang", "en", "site", "review-sheet", str(site_id), "--out",
                 str(tmp_path / "s.pdf")]) != 0
    assert "public address" in capsys.readouterr().err
    assert not (tmp_path / "s.pdf").exists()
