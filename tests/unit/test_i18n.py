"""One translation mechanism: Chinese catalogues load, languages switch per process and per thread."""

from __future__ import annotations

import threading

from inspector_app.core.workflow import status_label
from inspector_app.i18n import normalise_language, use_language


def test_status_words_in_both_languages():
    with use_language("zh_CN"):
        assert [status_label(s) for s in ("open", "in_progress", "awaiting_reinspection", "closed")] == [
            "未整改", "整改中", "待复查", "已销号"]
    with use_language("en"):
        assert status_label("closed") == "Closed"


def test_language_of_one_thread_does_not_leak_into_another():
    seen: dict[str, str] = {}

    def other() -> None:
        with use_language("en"):
            seen["other"] = status_label("closed")

    with use_language("zh_CN"):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        seen["main"] = status_label("closed")
    assert seen == {"other": "Closed", "main": "已销号"}


def test_language_tags_from_browsers_and_systems():
    assert normalise_language("zh-CN") == "zh_CN"
    assert normalise_language("zh") == "zh_CN"
    assert normalise_language("zh-CN,zh;q=0.9") == "zh_CN"  # a whole Accept-Language value still reads as Chinese
    assert normalise_language("EN-us") == "en"
    assert normalise_language("") is None and normalise_language(None) is None
    assert normalise_language("zh_Hans_CN.UTF-8") == "zh_CN"
    assert normalise_language("en-GB") == "en"
    assert normalise_language("fr_FR") is None
