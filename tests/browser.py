"""Real Chromium for the server's pages: Debian's chromium and chromium-driver (installed by
scripts/lib.sh), driven by Selenium, headless, as a phone sees a page (390x844 CSS pixels, a WeChat
user agent) or as a desktop does. The flags keep Chromium off the network beyond loopback, which this
machine's closed network would otherwise refuse many times a second."""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (390, 844)
# The in-app browser people open QR codes with in China: WeChat's, on an Android phone.
WECHAT_ANDROID = ("Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300289 "
                  "MMWEBSDK/20241103 MicroMessenger/8.0.55.2780(0x28003737) WeChat/arm64 Weixin NetType/WIFI "
                  "Language/zh_CN ABI/arm64")


@contextmanager
def chromium(phone: bool = True, language: str = "zh-CN") -> Iterator[webdriver.Chrome]:
    options = Options()
    options.binary_location = CHROMIUM
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--lang={language}"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        if phone:
            options.add_experimental_option("mobileEmulation", {
                "deviceMetrics": {"width": PHONE[0], "height": PHONE[1], "pixelRatio": 2.0},
                "userAgent": WECHAT_ANDROID})
        else:
            options.add_argument("--window-size=1366,768")
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        try:
            driver.set_page_load_timeout(30)
            yield driver
        finally:
            driver.quit()


def overflows_sideways(driver: webdriver.Chrome) -> bool:
    """Whether the page is wider than the screen (a phone user would have to scroll sideways)."""
    return bool(driver.execute_script(
        "return document.scrollingElement.scrollWidth > window.innerWidth + 1"))


def phone_screenshot(driver: webdriver.Chrome, name: str) -> None:
    """The whole page at a phone's width, into the folder INSPECTOR_SHOTS names (if it is set), for
    looking at it and for the docs' pictures; nothing otherwise."""
    folder = os.environ.get("INSPECTOR_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    # Through the DevTools protocol: a headless window cannot grow past its screen to hold the page.
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 4000), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": clip})
    (Path(folder) / name).write_bytes(base64.b64decode(shot["data"]))
