"""Documents a bureau can sign, checked with the real tools (pdftotext, pdffonts, openpyxl): the
organisation's language wins over the process's, no notice orders the past, multi-page documents
number their pages and carry the notice number, every font is embedded, files get the user's normal
permissions, and the public timeline does not repeat a reprint."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.core import audit
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.models import Hazard, HazardEvent, Inspection
from inspector_app.core.notice_register import NORMAL_FILE_MODE, today
from inspector_app.i18n import set_language, use_language
from inspector_app.notices.printing import PastDeadlineError, print_labels, print_ledger, print_notices
from inspector_app.web.public.pages import not_found_page, status_page
from inspector_app.web.public.status import lookup

BASE = "http://192.168.1.20:8470"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def unembedded_fonts(pdf: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    return [row for row in rows if " yes yes " not in row]


def make_demo(tmp_path: Path, catalogue, language: str) -> Database:
    db = open_database(sqlite_url(tmp_path / f"demo-{language}.sqlite"))
    create_demo(db, catalogue, language=language)
    return db


def unfinished_in_time(db: Database, count: int) -> list[Hazard]:
    """Open or in-progress hazards whose deadline is still ahead (a notice may be issued for them)."""
    with db.session() as session:
        return list(session.scalars(select(Hazard).where(
            Hazard.status.in_(("open", "in_progress")), Hazard.deadline >= today()).order_by(Hazard.seq)))[:count]


def overdue(db: Database) -> list[Hazard]:
    with db.session() as session:
        return list(session.scalars(select(Hazard).where(
            Hazard.status.in_(("open", "in_progress")), Hazard.deadline < today()).order_by(Hazard.seq)))


@pytest.fixture
def chinese_demo(tmp_path, catalogue):
    db = make_demo(tmp_path, catalogue, "zh_CN")
    yield db
    db.dispose()


@pytest.fixture
def english_demo(tmp_path, catalogue):
    db = make_demo(tmp_path, catalogue, "en")
    yield db
    db.dispose()


def test_a_chinese_organisations_notice_is_all_chinese_in_an_english_process(chinese_demo, catalogue, tmp_path,
                                                                             monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    set_language("en")
    hazards = unfinished_in_time(chinese_demo, 2)
    out = tmp_path / "notice.pdf"
    print_notices(chinese_demo, catalogue, [h.id for h in hazards], out, actor="t", base_url=BASE)
    text = pdftotext(out)
    assert "火灾隐患整改通知书" in text and "台账检索码" in text and "吕梁市教育局" in text
    # The only Latin letters left are codes: hazard numbers, short codes, standard numbers (GB ...).
    allowed = {"GB", *(h.short_code for h in hazards), *(h.number for h in hazards)}
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9-]*", text)
    leftovers = {word for word in words if re.search("[A-Za-z]", word) and word not in allowed}
    assert not leftovers, leftovers


def test_an_english_organisations_per_unit_notice_is_all_english_in_a_chinese_process(english_demo, catalogue,
                                                                                      tmp_path):
    set_language("zh_CN")
    hazards = unfinished_in_time(english_demo, 6)
    out = tmp_path / "unit.pdf"
    printed = print_notices(english_demo, catalogue, [h.id for h in hazards], out, per_unit=True, actor="t",
                            base_url=BASE)
    text = pdftotext(out)
    assert "Fire Hazard Rectification Notice" in text and "Lüliang Education Bureau" in text
    assert printed.numbers[0].startswith("LLEB [") and printed.numbers[0] in text
    assert not CJK.findall(text), sorted(set(CJK.findall(text)))


def test_lang_on_the_command_overrides_the_organisation_for_one_run(chinese_demo, tmp_path, capsys):
    hazard = unfinished_in_time(chinese_demo, 1)[0]
    url = str(chinese_demo.url).removeprefix("sqlite:///")
    assert main(["--db", url, "--lang", "en", "notice", hazard.number, "--out", str(tmp_path / "en.pdf")]) == 0
    assert main(["--db", url, "notice", hazard.number, "--out", str(tmp_path / "zh.pdf")]) == 0
    capsys.readouterr()
    assert "Fire Hazard Rectification Notice" in pdftotext(tmp_path / "en.pdf")
    assert "火灾隐患整改通知书" in pdftotext(tmp_path / "zh.pdf")


def test_a_notice_for_an_overdue_hazard_is_refused_without_a_new_deadline(chinese_demo, catalogue, tmp_path,
                                                                          capsys):
    late = overdue(chinese_demo)[:2]
    assert len(late) == 2
    with pytest.raises(PastDeadlineError) as refused:  # what the program's dialog is built on
        print_notices(chinese_demo, catalogue, [h.id for h in late], tmp_path / "x.pdf", actor="t", base_url=BASE)
    assert refused.value.hazards == [(h.number, h.deadline) for h in late]
    url = str(chinese_demo.url).removeprefix("sqlite:///")
    out = tmp_path / "late.pdf"
    numbers = [h.number for h in late]
    assert main(["--db", url, "--lang", "en", "notice", *numbers, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert all(n in err for n in numbers) and "--deadline" in err and "Traceback" not in err
    assert not out.exists()
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    assert main(["--db", url, "--lang", "en", "notice", *numbers, "--deadline", yesterday, "--out", str(out)]) == 1
    assert "before the issue date" in capsys.readouterr().err and not out.exists()

    new = today() + dt.timedelta(days=20)
    assert main(["--db", url, "notice", *numbers, "--deadline", new.isoformat(), "--out", str(out)]) == 0
    capsys.readouterr()
    assert pdftotext(out).count(f"{new.year}年{new.month}月{new.day}日") >= 2 * len(late)  # text and table
    with chinese_demo.session() as session:
        for hazard in late:
            events = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                     .order_by(HazardEvent.seq)).all()
            edited, issued = events[-2], events[-1]
            assert edited.kind == "edited" and edited.data["changes"]["deadline"] == [hazard.deadline.isoformat(),
                                                                                      new.isoformat()]
            assert issued.kind == "notice_issued"
            assert session.get(Hazard, hazard.id).deadline == new
        assert audit.verify(session).ok


def test_a_three_page_per_unit_notice_numbers_its_pages_and_repeats_its_number(chinese_demo, catalogue, tmp_path):
    with chinese_demo.session() as session:
        ids = list(session.scalars(select(Hazard.id).where(Hazard.status.in_(("open", "in_progress")))
                                   .order_by(Hazard.seq)))[:18]
    out = tmp_path / "unit.pdf"
    printed = print_notices(chinese_demo, catalogue, ids, out, per_unit=True, actor="t", base_url=BASE,
                            deadline=today() + dt.timedelta(days=30))
    assert printed.pages == 3 + 5  # the notice, then 18 report slips four to a sheet, numbered apart
    assert "第5页共5页" in re.sub(r"\s", "", pdftotext(out, 8))
    for page in (1, 2, 3):
        text = pdftotext(out, page)
        assert f"第{page}页共3页" in re.sub(r"\s", "", text), text[-300:]
        assert printed.numbers[0] in text
    # Headers and dates stay whole: "序号" and each "2026年12月5日" on one line of the table.
    first = pdftotext(out, 1)
    assert "序号" in first
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", first)
    assert not re.search(r"\d{4}年\d{1,2}月\s*\n", first)


def test_every_document_embeds_every_font_and_is_an_ordinary_file(chinese_demo, catalogue, tmp_path):
    hazards = unfinished_in_time(chinese_demo, 3)
    ids = [h.id for h in hazards]
    made = [
        print_notices(chinese_demo, catalogue, ids, tmp_path / "hazard.pdf", actor="t", base_url=BASE).out,
        print_notices(chinese_demo, catalogue, ids, tmp_path / "unit.pdf", per_unit=True, actor="t",
                      base_url=BASE).out,
        print_labels(chinese_demo, catalogue, ids, tmp_path / "labels.pdf", base_url=BASE).out,
        print_ledger(chinese_demo, catalogue, None, tmp_path / "ledger.pdf", unit="LL1").out,
    ]
    for pdf in made:
        assert unembedded_fonts(pdf) == [], pdf
        assert os.stat(pdf).st_mode & 0o777 == NORMAL_FILE_MODE
    assert NORMAL_FILE_MODE & 0o044  # readable by others, as any document the user saves


def test_the_ledger_pdf_says_page_n_of_m_and_money_has_its_unit(chinese_demo, catalogue, tmp_path):
    out = print_ledger(chinese_demo, catalogue, None, tmp_path / "ledger.pdf", unit="LL1").out
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                                                            check=True).stdout)[1])
    assert pages > 1
    assert f"第{pages}页共{pages}页" in re.sub(r"\s", "", pdftotext(out, pages))
    hazard = next(h for h in unfinished_in_time(chinese_demo, 20) if h.funding == "15000")
    notice = print_notices(chinese_demo, catalogue, [hazard.id], tmp_path / "n.pdf", actor="t", base_url=BASE).out
    assert "15,000元" in pdftotext(notice)


def test_two_reprints_make_one_timeline_line(chinese_demo, catalogue, tmp_path):
    hazard = unfinished_in_time(chinese_demo, 1)[0]
    for name in ("first.pdf", "reprint.pdf", "again.pdf"):
        print_notices(chinese_demo, catalogue, [hazard.id], tmp_path / name, actor="t", base_url=BASE)
    with chinese_demo.session() as session:
        issued = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                           HazardEvent.kind == "notice_issued")).all()
        view = lookup(session, catalogue, hazard.public_token)
    assert len(issued) == 3  # the register keeps every print...
    assert [h.kind for h in view.history].count("notice_issued") == 1  # ...the public sees one notice
    page = status_page(view, "zh_CN", f"/h/{hazard.public_token}").decode()
    assert page.count("下发整改通知书") == 1


def test_the_404_fits_a_withdrawn_notice_as_well_as_a_mistyped_code(chinese_demo, catalogue):
    with chinese_demo.session() as session:
        withdrawn = session.scalars(select(Hazard).where(Hazard.status == "withdrawn")).first()
        assert withdrawn is not None and lookup(session, catalogue, withdrawn.public_token) is None
    english = not_found_page("en").decode()
    assert "withdrawn" in english and "scan the QR code again" in english and "Check that" not in english
    chinese = not_found_page("zh_CN").decode()
    assert "撤销" in chinese and "下发单位" in chinese


def test_the_demo_history_is_plausible(chinese_demo):
    china = dt.timezone(dt.timedelta(hours=8))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with chinese_demo.session() as session:
        hazards = session.scalars(select(Hazard)).all()
        event_days = set()
        for hazard in hazards:
            found = hazard.found_at.replace(tzinfo=dt.UTC).astimezone(china).date()
            if hazard.inspection_id is not None:  # the recurring hazard was reported between inspections
                assert found == session.get(Inspection, hazard.inspection_id).date, hazard.number
            assert hazard.deadline > found, hazard.number
            events = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                     .order_by(HazardEvent.seq)).all()
            times = [e.at.replace(tzinfo=None) for e in events]
            assert times == sorted(times) and times[-1] <= now, hazard.number
            assert events[0].kind == "created" and events[0].at.date() == hazard.found_at.date()
            event_days.update(t.date() for t in times)
        assert len(event_days) > 10  # work started, reported and re-inspected on many different days
        assert sum(1 for h in hazards if h.inspection_id is None) == 1
        assert audit.verify(session).ok
        with use_language("zh_CN"):
            assert all(not re.search(r"[A-Za-z]{4,}", h.legal_basis + h.required_measures) for h in hazards)


def test_forms_texts_are_stored_in_the_organisations_language(chinese_demo, catalogue):
    from inspector_app.core.hazards import add_hazard

    with chinese_demo.session() as session:
        floor_id = session.scalars(select(Hazard.floor_id).where(Hazard.floor_id.is_not(None))).first()
        with use_language("en"):  # an inspector whose program speaks English
            hazard = add_hazard(session, catalogue, chinese_demo.store, actor="t", category="electrical.aging_wiring",
                                floor_id=floor_id, x=0.5, y=0.5)
        assert CJK.search(hazard.legal_basis) and CJK.search(hazard.required_measures)


def test_the_public_page_speaks_the_organisations_language_unless_the_reader_chooses(english_demo, catalogue):
    from starlette.testclient import TestClient

    from inspector_app.web.app import create_app

    hazard = unfinished_in_time(english_demo, 1)[0]
    client = TestClient(create_app(english_demo, catalogue))
    page = client.get(f"/h/{hazard.public_token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert page.status_code == 200 and '<html lang="en">' in page.text
    chosen = client.get(f"/h/{hazard.public_token}?lang=zh", headers={"Accept-Language": "en"})
    assert '<html lang="zh-CN">' in chosen.text
