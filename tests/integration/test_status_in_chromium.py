"""The public status page behind a notice's QR code, in real Chromium as a phone's WeChat opens it:
readable without sideways scrolling, in the organisation's language with the switch to the other,
and the same page for a token that does not exist as for one that never did."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from inspector_app.core.demo import create_demo
from inspector_app.core.queries import list_hazards
from inspector_app.web.app import create_app
from tests.browser import chromium, overflows_sideways
from tests.live_server import live_server

SHOTS = os.environ.get("INSPECTOR_SHOTS")  # a folder to keep the screenshots in, for looking at them


@pytest.fixture
def status_site(db, catalogue):
    create_demo(db, catalogue, language="zh_CN")
    with db.session() as session:
        rows = [row for row in list_hazards(session) if row.status != "withdrawn"]
    with live_server(create_app(db, catalogue, rate_per_second=1000.0, burst=1000)) as client:
        yield str(client.base_url).rstrip("/"), rows


def _shot(driver, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / name))


def test_a_phone_reads_the_status_page_in_chinese_and_switches_to_english(status_site):
    base, rows = status_site
    overdue = next(row for row in rows if row.overdue)
    with chromium(phone=True) as driver:
        driver.get(f"{base}/h/{overdue.token}")
        body = driver.find_element(By.TAG_NAME, "body").text
        assert overdue.number in body and "已逾期" in body
        assert driver.execute_script("return window.innerWidth") == 390
        assert not overflows_sideways(driver)
        _shot(driver, "status-phone-zh.png")
        driver.find_element(By.LINK_TEXT, "English").click()
        WebDriverWait(driver, 20).until(lambda d: "Overdue by" in d.find_element(By.TAG_NAME, "body").text)
        body = driver.find_element(By.TAG_NAME, "body").text
        assert overdue.number in body
        assert not overflows_sideways(driver)
        _shot(driver, "status-phone-en.png")


def test_an_unknown_code_and_a_malformed_one_get_the_same_page_in_chromium(status_site):
    base, _rows = status_site
    with chromium(phone=True) as driver:
        driver.get(f"{base}/h/AAAAAAAAAAAAAAAAAAAAAAAAAA")
        unknown = driver.find_element(By.TAG_NAME, "body").text
        driver.get(f"{base}/h/%00%ff'<script>")
        malformed = driver.find_element(By.TAG_NAME, "body").text
        assert unknown == malformed and unknown.strip()
        assert not overflows_sideways(driver)
