"""The bureau's overview page (issue 25, item 5) in real Chromium, at a desk and on a phone: an admin
signs in with a token and gets a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS,
expiring); the figures are the roll-up's (the workbook it offers says the same), the supervised
hazards link to their status pages, and signing out ends the session on the server."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from inspector_app.core import dates, structure
from inspector_app.core.accounts import create_token
from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import add_hazard
from inspector_app.core.models import Organisation
from inspector_app.core.queries import list_hazards
from inspector_app.core.rollup import rollup
from inspector_app.web.app import create_app
from tests.browser import chromium, overflows_sideways
from tests.live_server import live_server

SHOTS = os.environ.get("INSPECTOR_SHOTS")


@pytest.fixture
def bureau(db, catalogue):
    """The demo school, a second school with two late hazards, an admin's and an inspector's token."""
    create_demo(db, catalogue, language="zh_CN")
    with db.session() as session:
        org = session.query(Organisation).one()
        site = structure.create_site(session, org, "第二中学", code="LL2")
        floor = structure.create_floor(session, structure.create_building(session, site, "教学楼",
                                                                          "teaching_building"), "一层", 1)
        for days in (-3, -45):
            add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                       floor_id=floor.id, x=0.5, y=0.5, deadline=dates.today() + dt.timedelta(days=days))
        _admin, admin = create_token(session, "区教育局", role="admin")
        _inspector, inspector = create_token(session, "李伟", organisation_ids=[org.id])
        org_id = org.id
    with live_server(create_app(db, catalogue, rate_per_second=1000.0, burst=1000)) as client:
        yield str(client.base_url).rstrip("/"), admin, inspector, org_id


def _shot(driver, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / name))


def _sign_in(driver, base: str, token: str) -> None:
    driver.get(f"{base}/bureau/")
    form = driver.find_element(By.ID, "token")
    form.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 20).until(staleness_of(form))  # the answer to the form has replaced the page


def _table(driver) -> dict[str, dict[str, int]]:
    found = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        found[cells[0].text] = {cell.get_attribute("data-k"): int(cell.text) for cell in cells[1:-1]}
    return found


def test_an_admin_signs_in_sees_the_rollups_figures_and_signs_out(bureau, db, catalogue):
    base, admin, inspector, org_id = bureau
    with chromium(phone=False) as driver:
        _sign_in(driver, base, inspector)  # an inspector's token is no administrator's
        assert "not an administrator" in driver.find_element(By.TAG_NAME, "body").text or \
            "管理员" in driver.find_element(By.TAG_NAME, "body").text
        _sign_in(driver, base, admin)
        cookie = driver.get_cookie("bureau_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]
        assert cookie["path"] == "/bureau/" and cookie["expiry"] > dt.datetime.now(dt.UTC).timestamp() + 3600
        shown = _table(driver)
        _shot(driver, "bureau-desktop.png")
        with db.session() as session:
            figures = rollup(session, catalogue, by="site", organisation_id=org_id)
            rows = list_hazards(session)
        for group in figures.groups:
            line = shown[group.name]
            assert (line["overdue"], line["major_open"], line["total"]) == (
                group.figures.overdue, group.figures.major_open, group.figures.total)
            mine = [r for r in rows if r.site == group.name]
            assert line["open"] == sum(r.status not in ("closed", "withdrawn") for r in mine)
            assert line["supervised"] == sum(r.supervision_level >= 2 for r in mine)
        total = next(v for k, v in shown.items() if k in ("合计", "Total"))
        assert total["overdue"] == figures.totals.overdue == sum(g.figures.overdue for g in figures.groups)
        # The workbook it offers says the same as the page.
        link = driver.find_element(By.PARTIAL_LINK_TEXT, "XLSX").get_attribute("href")
        answer = httpx.get(link, cookies={"bureau_session": cookie["value"]})
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
        sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = next(r for r in values if "学校" in r)
        for group in figures.groups:
            row = next(r for r in values if group.name in r)
            assert row[header.index("逾期")] == shown[group.name]["overdue"]
        # A supervised hazard opens its status page.
        first = driver.find_element(By.CSS_SELECTOR, "li a")
        number = first.text
        first.click()
        WebDriverWait(driver, 20).until(staleness_of(first))
        assert number in driver.find_element(By.TAG_NAME, "body").text and "/h/" in driver.current_url
        driver.get(f"{base}/bureau/")
        sign_out = driver.find_element(By.CSS_SELECTOR, "form.inline button")
        sign_out.click()
        WebDriverWait(driver, 20).until(staleness_of(sign_out))
        assert driver.find_elements(By.ID, "token")  # the sign-in form again
        # The old cookie is dead on the server, not only forgotten by this browser.
        again = httpx.get(f"{base}/bureau/", cookies={"bureau_session": cookie["value"]})
        assert 'id="token"' in again.text


def test_the_overview_reads_on_a_phone_without_sideways_scrolling(bureau):
    base, admin, _inspector, _org = bureau
    with chromium(phone=True) as driver:
        _sign_in(driver, base, admin)
        assert driver.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert driver.execute_script("return window.innerWidth") == 390 and not overflows_sideways(driver)
        _shot(driver, "bureau-phone.png")
        driver.find_element(By.LINK_TEXT, "English").click()
        assert "Bureau overview" in driver.find_element(By.TAG_NAME, "body").text
        assert not overflows_sideways(driver)
        _shot(driver, "bureau-phone-en.png")


def test_the_session_cookie_is_secure_behind_tls_and_expires(bureau):
    base, admin, _inspector, _org = bureau
    with httpx.Client(base_url=base) as client:
        answer = client.post("/bureau/login", data={"token": admin}, headers={"x-forwarded-proto": "https"})
        assert answer.status_code == 303 and answer.headers["location"] == "/bureau/"
        flags = answer.headers["set-cookie"].lower()
        assert all(flag in flags for flag in ("httponly", "samesite=strict", "secure", "max-age=28800",
                                              "path=/bureau/"))
        secret = answer.cookies["bureau_session"]
        client.cookies.clear()  # a Secure cookie: this client would not send it over plain http, as a browser would not
        client.cookies.set("bureau_session", secret)  # sent by hand, to see the session on the server
        assert "Sign out" in client.get("/bureau/?lang=en").text
        with dates.fixed_clock(dates.now() + dt.timedelta(hours=8, minutes=1)):  # the session's end has passed
            assert 'id="token"' in client.get("/bureau/").text
        client.cookies.clear()
        assert client.post("/bureau/login", content=b"token=" + b"x" * 5000,
                           headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 413
        assert client.get("/bureau/rollup.xlsx?organisation=" + "0" * 32).status_code == 401
