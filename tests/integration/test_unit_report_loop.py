"""The whole loop of a responsible unit's report, on `serve --workers 2` over PostgreSQL (issue 24):
a notice is printed on a laptop, the unit's code is decoded from the PDF's slip, a report with a
photo is sent from Chromium at a phone's size, the laptop syncs and the inspector rejects it with a
reason from the command line, the unit's page shows the reason, a second report comes, a second
laptop accepts it, and the public status page shows the hazard closed; `audit verify`, signatures
included, passes on the server and on both laptops."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.core import audit, hazards
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.models import Hazard, Organisation
from inspector_app.core.signatures import SERVER_SIGNER
from inspector_app.core.sync.run import synchronise
from inspector_app.notices.printing import print_notices
from inspector_app.web.sync.client import HttpTransport
from tests.browser import chromium
from tests.integration.sync_server import Central, central_server
from tests.live_server import after_the_status_bound
from tests.notices.test_notices import decoded_qr_per_page
from tests.phone_photos import phone_photo
from tests.sync.conftest import Laptop, school

pytestmark = pytest.mark.postgres


def _sync(db: Database, central: Central, token: str) -> None:
    transport = HttpTransport(central.base, token)
    try:
        report = synchronise(db, transport, "李伟", central.base)
    finally:
        transport.close()
    assert report.refused == [] and report.problems == [], (report.refused, report.problems)


def _cli(capsys, db_path: Path, *args: str) -> object:
    capsys.readouterr()
    assert main(["--db", str(db_path), "--as", "李伟", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _verified(db: Database) -> audit.AuditReport:
    with db.session() as session:
        report = audit.verify(session)
    assert report.ok, report.as_dict()
    return report


def test_a_units_report_goes_round_the_whole_loop(tmp_path, catalogue, capsys):
    with central_server(tmp_path / "central-files", "--workers", "2") as central:
        a_path, b_path = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
        a = open_database(sqlite_url(a_path), store_dir=tmp_path / "a-files")
        places = school(Laptop("a", a, "李伟"))
        with a.session() as session:
            session.get(Organisation, places["org"]).public_base_url = central.base
            hazard = hazards.add_hazard(session, catalogue, a.store, actor="李伟", category="electrical.aging_wiring",
                                        floor_id=places["floor"], x=0.3, y=0.4, description="插座松动",
                                        photos=[_photo(tmp_path, "before.jpg")])
            hazards.change_status(session, a.store, hazard, "in_progress", "李伟")
            hazard_id, token = hazard.id, hazard.public_token
        token_a, token_b = central.token("李伟", places["org"]), central.token("王芳", places["org"])
        _sync(a, central, token_a)

        # The notice, and the unit's code read off its slip as a phone would.
        printed = print_notices(a, catalogue, [hazard_id], tmp_path / "notice.pdf", actor="李伟", base_url=central.base)
        pages = decoded_qr_per_page(printed.out)
        assert pages[0] == [f"{central.base}/h/{token}"]
        report_url = pages[1][0]
        assert report_url.startswith(f"{central.base}/r/")
        _sync(a, central, token_a)  # the link's hash reaches the server

        with chromium(phone=True) as driver:
            driver.get(report_url)
            driver.find_element(By.ID, "text-r").send_keys("已拧紧插座并更换面板")
            driver.find_element(By.ID, "photos-r").send_keys(str(_photo(tmp_path, "after-1.jpg", phone=True)))
            driver.find_element(By.ID, "name-r").send_keys("王强")
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR,
                                                                                            ".sent")))

            # The inspector syncs, sees the report waiting, and rejects it with a reason.
            _sync(a, central, token_a)
            waiting = _cli(capsys, a_path, "reports", "list", "--waiting")
            assert [(r["kind"], r["status"], r["number"]) for r in waiting] == [("rectification", "waiting",
                                                                                 "LL1-0001")]
            assert waiting[0]["reporter"]["name"] == "王强" and len(waiting[0]["photos"]) == 1
            with a.session() as session:
                assert session.get(Hazard, hazard_id).status == "awaiting_reinspection"
            rejected = _cli(capsys, a_path, "reports", "reject", waiting[0]["id"], "--note", "面板仍有裂缝，请更换")
            assert rejected["status"] == "rejected"
            _sync(a, central, token_a)

            driver.get(report_url)
            WebDriverWait(driver, 20).until(
                lambda d: "面板仍有裂缝，请更换" in d.find_element(By.TAG_NAME, "body").text)
            driver.find_element(By.ID, "text-r").send_keys("已更换新面板")
            driver.find_element(By.ID, "photos-r").send_keys(str(_photo(tmp_path, "after-2.jpg", phone=True)))
            driver.find_element(By.ID, "name-r").send_keys("王强")
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR,
                                                                                            ".sent")))

        # A second laptop of the same organisation accepts the second report: the hazard closes.
        b = open_database(sqlite_url(b_path), store_dir=tmp_path / "b-files")
        _sync(b, central, token_b)
        waiting = _cli(capsys, b_path, "reports", "list", "--waiting")
        assert len(waiting) == 1 and waiting[0]["text"] == "已更换新面板"
        accepted = _cli(capsys, b_path, "reports", "accept", waiting[0]["id"], "--note", "复查通过")
        assert accepted["status"] == "accepted"
        _sync(b, central, token_b)
        changed = time.monotonic()
        _sync(a, central, token_a)
        after_the_status_bound(changed)
        status = httpx.get(f"{central.base}/h/{token}", headers={"accept-language": "zh-CN"})
        assert "已销号" in status.text
        assert httpx.get(report_url).status_code == 404  # the link ended with the hazard

        server = central.open()
        try:
            report = _verified(server)
            assert report.signatures_checked == report.events_checked
            with server.session() as session:
                from inspector_app.core.models import HazardEvent, SigningKey

                signers = {session.get(SigningKey, e.signer).inspector for e in session.scalars(
                    select(HazardEvent).where(HazardEvent.hazard_id == hazard_id))}
            assert signers == {"李伟", "王芳", SERVER_SIGNER}
        finally:
            server.dispose()
        for laptop in (a, b):
            report = _verified(laptop)
            assert report.unsigned_events == 0
            with laptop.session() as session:
                assert session.get(Hazard, hazard_id).status == "closed"
        a.dispose()
        b.dispose()


def _photo(folder: Path, name: str, phone: bool = False) -> Path:
    from PIL import Image

    path = folder / name
    if phone:
        path.write_bytes(phone_photo())
    else:
        Image.new("RGB", (320, 240), (200, 60, 40)).save(path, "JPEG")
    return path

