"""The responsible unit's report page in real Chromium at a phone's size, as WeChat opens it from the
slip's QR code: the form is filled and photos attached through the file input as a phone user does,
the report is sent, the page says it was received, and the hazard awaits re-inspection."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from inspector_app.core import rectification_links
from inspector_app.core.demo import create_demo
from inspector_app.core.models import Attachment, Hazard
from inspector_app.web.app import create_app
from tests.browser import chromium, overflows_sideways, phone_screenshot
from tests.live_server import live_server
from tests.phone_photos import phone_photo


def test_a_phone_reports_the_fix_with_photos_from_its_gallery(db, catalogue, tmp_path):
    create_demo(db, catalogue, language="zh_CN")
    with db.session() as session:
        hazard = session.scalars(select(Hazard).where(Hazard.status == "in_progress")).first()
        secret = rectification_links.issue(session, hazard.id, "li")
        hazard_id = hazard.id
        session.commit()
    photos = []
    for number in range(2):
        path = tmp_path / f"IMG_{number}.jpg"
        path.write_bytes(phone_photo())
        photos.append(str(path))
    with live_server(create_app(db, catalogue, rate_per_second=1000.0, burst=1000)) as client, \
            chromium(phone=True) as driver:
        base = str(client.base_url).rstrip("/")
        driver.get(f"{base}/r/{secret}")
        assert "整改" in driver.title and not overflows_sideways(driver)
        assert driver.find_elements(By.CSS_SELECTOR, ".photos img"), "the inspector's photos are shown"
        phone_screenshot(driver, "report-phone-zh.png")
        driver.find_element(By.ID, "text-r").send_keys("已更换为穿管敷设的新电线")
        driver.find_element(By.ID, "photos-r").send_keys("\n".join(photos))
        driver.find_element(By.ID, "name-r").send_keys("王强")
        driver.find_element(By.ID, "role-r").send_keys("后勤处")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        # The click starts a navigation: wait for the answer page, not the form still on screen.
        banner = WebDriverWait(driver, 20).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".sent"))).text
        assert "已收到" in banner
        assert "等待检查人员复查" in driver.find_element(By.TAG_NAME, "body").text
        assert not overflows_sideways(driver)
        phone_screenshot(driver, "report-phone-sent-zh.png")
        driver.find_element(By.LINK_TEXT, "English").click()
        WebDriverWait(driver, 20).until(lambda d: "waits for the inspector's re-inspection" in d.find_element(
            By.TAG_NAME, "body").text)
        phone_screenshot(driver, "report-phone-sent-en.png")
    with db.session() as session:
        assert session.get(Hazard, hazard_id).status == "awaiting_reinspection"
        units = session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id,
                                                         Attachment.role == "unit")).all()
        assert len(units) == 2
