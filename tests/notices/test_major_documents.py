"""The documents of a confirmed major hazard, checked as a reader would: the determination record and
the major-hazard notice embed their font, say "page N of M" with their number, carry the rule as the
basis word for word, and their QR code, read by a real decoder from a 150-dpi render, is the hazard's."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard
from inspector_app.i18n import use_language
from inspector_app.notices.printing import print_determination, print_notices
from tests.notices.test_notices import decoded_qr_per_page, pdftotext

BASE = "https://fire.example.edu.cn"
WINDOWS_TEXT = "校园内人员密集场所的门窗设置影响逃生和灭火救援的障碍物的"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, catalogue):
    path = tmp_path_factory.mktemp("major") / "ledger.sqlite"
    db = open_database(sqlite_url(path))
    with use_language("zh_CN"):
        create_demo(db, catalogue)  # the barred dormitory windows are confirmed under item 9
    yield db, path
    db.dispose()


def confirmed(db) -> Hazard:
    with db.session() as session:
        return session.scalars(select(Hazard).where(Hazard.major_rule != "")).one()


def fonts_embedded(pdf: Path) -> bool:
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    return bool(lines) and all(" yes yes " in line for line in lines)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_determination_record_passes_the_documents_checks(demo_db, catalogue, tmp_path, language):
    db, _path = demo_db
    hazard = confirmed(db)
    out = tmp_path / f"record-{language}.pdf"
    printed = print_determination(db, catalogue, hazard.id, out, language=language, base_url=BASE)
    number = f"{hazard.number}-ZD01"
    assert printed.numbers == (number,) and printed.language == language
    assert fonts_embedded(out)
    text = pdftotext(out)
    pages = printed.pages
    assert text.count(number) >= pages + 1  # under the title, and at the foot of every page
    flat = "".join(text.split())
    for page in range(1, pages + 1):
        assert (f"第{page}页共{pages}页" if language == "zh_CN" else f"Page{page}of{pages}") in flat
    assert WINDOWS_TEXT in flat  # the rule word for word, in either language
    assert "教发厅函" in flat and "〔2024〕20号" in flat and "education_2024.yaml" in flat
    for name in ("王建国", "李秀英", "张伟"):
        assert name in flat  # who decided, each with a line to sign
    if language == "zh_CN":
        for word in ("重大事故隐患判定记录", "集体讨论", "判定依据", "第三条（一）第9项", "文本不完整",
                     "未组织专家论证"):
            assert word in flat, word
    else:
        for word in ("Major Accident Hazard Determination Record", "Group decision", "Art. 3 (1), item 9",
                     "Text incomplete", "No expert review was held"):
            assert "".join(word.split()) in flat, word
    assert [url for page in decoded_qr_per_page(out) for url in page] == [f"{BASE}/h/{hazard.public_token}"]


def test_the_notice_of_a_confirmed_major_hazard_prints_its_rule_as_the_basis(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    hazard = confirmed(db)
    out = tmp_path / "notice.pdf"
    printed = print_notices(db, catalogue, [hazard.id], out, language="zh_CN", actor="tester", base_url=BASE,
                            prefix="吕教安", deadline=dt.date.today() + dt.timedelta(days=30))
    assert printed.pages == 2 and fonts_embedded(out)  # the notice, and the unit's report slip
    text = pdftotext(out)
    flat = "".join(text.split())
    assert "重大事故隐患整改通知书" in flat and "火灾隐患整改通知书" not in flat
    assert "判定依据" in flat and WINDOWS_TEXT in flat and "第三条（一）第9项" in flat
    assert "挂牌督办" in flat and "《重大事故隐患整改通知书》" in flat  # the receipt names the notice it is for
    assert f"{printed.numbers[0]}第1页共1页" in flat
    notice, slip = decoded_qr_per_page(out)
    assert notice == [f"{BASE}/h/{hazard.public_token}"] and slip[0].startswith(f"{BASE}/r/")


def test_an_english_major_notice_fits_its_page_and_still_scans(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    hazard = confirmed(db)
    out = tmp_path / "notice-en.pdf"
    printed = print_notices(db, catalogue, [hazard.id], out, language="en", actor="tester", base_url=BASE,
                            deadline=dt.date.today() + dt.timedelta(days=30))
    text = pdftotext(out)
    assert printed.pages == 2 and "Major Accident Hazard Rectification Notice" in text and "Page 1 of 1" in text
    assert "official text" in text and "Receipt" in text
    assert decoded_qr_per_page(out)[0] == [f"{BASE}/h/{hazard.public_token}"]  # page 2: the unit's slip


def test_a_general_hazard_keeps_the_ordinary_notice_and_has_no_record(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    with db.session() as session:
        other = session.scalars(select(Hazard).where(Hazard.major_rule == "", Hazard.status == "open")
                                .order_by(Hazard.seq)).first()
    out = tmp_path / "plain.pdf"
    print_notices(db, catalogue, [other.id], out, language="zh_CN", actor="t", base_url=BASE,
                  deadline=dt.date.today() + dt.timedelta(days=30))
    flat = "".join(pdftotext(out).split())
    assert "火灾隐患整改通知书" in flat and "重大事故隐患整改通知书" not in flat and "判定依据" not in flat
    with pytest.raises(InspectorError, match=other.number):
        print_determination(db, catalogue, other.id, tmp_path / "none.pdf", base_url=BASE)
    assert not (tmp_path / "none.pdf").exists()


def test_the_command_prints_the_record_in_the_organisations_language(demo_db, tmp_path, capsys):
    db, path = demo_db
    hazard = confirmed(db)
    out = tmp_path / "cli-record.pdf"
    assert main(["--db", str(path), "determination", hazard.short_code, "--out", str(out)]) == 0
    assert "重大事故隐患判定记录" in "".join(pdftotext(out).split())
    assert main(["--db", str(path), "--lang", "en", "determination", "NO-SUCH", "--out", str(out)]) == 1
    assert "NO-SUCH" in capsys.readouterr().err
