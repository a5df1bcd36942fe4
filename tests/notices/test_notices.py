"""Printed notices, labels and the PDF ledger, checked as a reader would: every QR decoded by a real
decoder from a 150-dpi render, the font embedded, the Chinese extractable, the register and the
history written."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.core import audit, rectification_links
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard, HazardEvent, Notice
from inspector_app.core.notice_register import format_number
from inspector_app.i18n import use_language
from inspector_app.notices.facts import gather
from inspector_app.notices.labels import labels_pdf
from inspector_app.notices.printing import print_labels, print_notices

BASE = "http://192.168.1.20:8470"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, catalogue):
    path = tmp_path_factory.mktemp("demo") / "ledger.sqlite"
    db = open_database(sqlite_url(path))
    with use_language("zh_CN"):
        create_demo(db, catalogue)  # dated today: notices are issued today, for deadlines still ahead
    yield db, path
    db.dispose()


def open_hazards(db, count: int) -> list[Hazard]:
    """Open hazards whose deadline is still ahead (a notice for an overdue one needs a new deadline)."""
    with db.session() as session:
        return list(session.scalars(select(Hazard).where(Hazard.status == "open", Hazard.deadline >= dt.date.today())
                                    .order_by(Hazard.seq)).all())[:count]


def decoded_qr_per_page(pdf: Path) -> list[list[str]]:
    document = pypdfium2.PdfDocument(str(pdf))
    pages = []
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        pages.append(sorted(r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)))
    return pages


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_per_hazard_notices_scan_embed_their_font_and_are_recorded(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    hazards = open_hazards(db, 3)
    out = tmp_path / "notices.pdf"
    printed = print_notices(db, catalogue, [h.id for h in hazards], out, language="zh_CN", actor="tester",
                            base_url=BASE, prefix="吕教安")
    assert printed.pages == 6
    # A notice page per hazard carrying exactly its own hazard's status URL, each followed by its unit's
    # report slip, whose private link opens that hazard's report page and no other.
    pages = decoded_qr_per_page(out)
    assert pages[0::2] == [[f"{BASE}/h/{h.public_token}"] for h in hazards]
    with db.session() as session:
        for hazard, slip in zip(hazards, pages[1::2], strict=True):
            assert len(slip) == 1 and slip[0].startswith(f"{BASE}/r/")
            link = rectification_links.open_link(session, slip[0].removeprefix(f"{BASE}/r/"))
            assert link is not None and link.hazard_id == hazard.id
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
    font_lines = fonts.splitlines()[2:]
    assert font_lines and all(" yes yes " in line for line in font_lines), fonts
    assert any("WenQuanYi" in line or "YaHei" in line or "Sim" in line for line in font_lines)
    text = pdftotext(out)
    year = dt.datetime.now().astimezone().year
    for word in ("火灾隐患整改通知书", "回", "签收人", "整改期限", "隐患编号", "检查日期", hazards[0].number,
                 hazards[0].short_code, format_number("吕教安", year, 1)):
        assert word in text, word
    with db.session() as session:
        notices = session.scalars(select(Notice).order_by(Notice.seq)).all()
        assert [n.number for n in notices] == list(printed.numbers)
        assert all(n.pdf_hash == printed.pdf_hash and n.kind == "per_hazard" for n in notices)
        events = session.scalars(select(HazardEvent).where(HazardEvent.kind == "notice_issued")).all()
        assert {e.hazard_id for e in events} == {h.id for h in hazards}
        assert {e.data["notice_number"] for e in events} == set(printed.numbers)
        assert all(e.data["changes"] == {} and e.data["pdf_hash"] == printed.pdf_hash for e in events)
        assert audit.verify(session).ok


def test_numbers_continue_the_yearly_register(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    hazard = open_hazards(db, 1)[0]
    first = print_notices(db, catalogue, [hazard.id], tmp_path / "a.pdf", actor="t", base_url=BASE, prefix="测试")
    second = print_notices(db, catalogue, [hazard.id], tmp_path / "b.pdf", actor="t", base_url=BASE, prefix="测试")
    year = dt.datetime.now().astimezone().year
    assert first.numbers == (f"测试〔{year}〕第0001号",)
    assert second.numbers == (f"测试〔{year}〕第0002号",)


def test_per_unit_notice_in_english_lists_every_hazard_with_its_qr(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    hazards = open_hazards(db, 8)
    out = tmp_path / "unit.pdf"
    printed = print_notices(db, catalogue, [h.id for h in hazards], out, per_unit=True, language="en", actor="t",
                            base_url=BASE)
    assert len(printed.numbers) == 1
    found = [url for page in decoded_qr_per_page(out) for url in page]
    assert sorted(u for u in found if "/h/" in u) == sorted(f"{BASE}/h/{h.public_token}" for h in hazards)
    reports = [u.removeprefix(f"{BASE}/r/") for u in found if u.startswith(f"{BASE}/r/")]
    with db.session() as session:  # one slip code per hazard, four to a sheet after the notice
        assert sorted(str(rectification_links.open_link(session, r).hazard_id) for r in reports) == sorted(
            str(h.id) for h in hazards)
    text = pdftotext(out)
    assert "Fire Hazard Rectification Notice" in text and "Receipt" in text
    assert all(h.number in text for h in hazards)


def test_label_sheet_has_one_scannable_label_per_hazard(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    hazards = open_hazards(db, 5)
    out = tmp_path / "labels.pdf"
    print_labels(db, catalogue, [h.id for h in hazards], out, grid=(3, 8), base_url=BASE)
    assert decoded_qr_per_page(out) == [sorted(f"{BASE}/h/{h.public_token}" for h in hazards)]
    assert all(h.short_code in pdftotext(out) for h in hazards)


def test_a_grid_too_dense_for_a_20mm_code_is_refused(demo_db, catalogue):
    db, _path = demo_db
    with db.session() as session:
        facts = gather(session, catalogue, db.store, [open_hazards(db, 1)[0].id], BASE)
    with pytest.raises(InspectorError, match="20 mm"):
        labels_pdf(facts, (6, 14))


def test_closed_hazards_get_no_notice(demo_db, catalogue, tmp_path):
    db, _path = demo_db
    with db.session() as session:
        closed = session.scalars(select(Hazard).where(Hazard.status == "closed")).first()
        assert closed is not None
    with pytest.raises(InspectorError, match=closed.number):
        print_notices(db, catalogue, [closed.id], tmp_path / "x.pdf", actor="t", base_url=BASE)
    assert not (tmp_path / "x.pdf").exists()


def test_cli_prints_notices_labels_and_the_pdf_ledger(demo_db, tmp_path, capsys):
    _db, path = demo_db
    hazard = open_hazards(_db, 1)[0]
    assert main(["--db", str(path), "--lang", "zh", "notice", hazard.short_code, "--out", str(tmp_path / "n.pdf")]) == 0
    assert main(["--db", str(path), "labels", hazard.number, "--grid", "2x5", "--out", str(tmp_path / "l.pdf")]) == 0
    assert main(["--db", str(path), "--lang", "zh", "ledger", "export", "--format", "pdf",
                 "--out", str(tmp_path / "ledger.pdf")]) == 0
    text = pdftotext(tmp_path / "ledger.pdf")
    assert "安全隐患整改台账" in text and "校长（签字）" in text and hazard.number in text
    assert decoded_qr_per_page(tmp_path / "l.pdf") == [[f"{hazard_url_of(hazard)}"]]
    assert main(["--db", str(path), "audit", "verify"]) == 0
    capsys.readouterr()


def hazard_url_of(hazard: Hazard) -> str:
    from inspector_app.core.settings import Settings

    return f"{Settings().public_base_url}/h/{hazard.public_token}"


@pytest.mark.parametrize("argv, message", [
    (["notice", "NO-SUCH-HAZARD", "--out", "{tmp}/x.pdf"], "NO-SUCH-HAZARD"),
    (["notice", "{hazard}", "--out", "/no/such/folder/x.pdf"], "/no/such/folder"),
    (["labels", "{hazard}", "--out", "{tmp}"], "folder"),
    (["labels", "{hazard}", "--grid", "banana", "--out", "{tmp}/x.pdf"], "3x8"),
])
def test_bad_input_gives_one_clear_line(demo_db, tmp_path, capsys, argv, message):
    _db, path = demo_db
    hazard = open_hazards(_db, 1)[0]
    args = [a.format(tmp=tmp_path, hazard=hazard.number) for a in argv]
    try:
        code = main(["--db", str(path), "--lang", "en", *args])
    except SystemExit as exc:  # argparse rejects a bad --grid itself
        code = exc.code
    assert code != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_no_report_slip_when_the_codes_could_only_point_at_this_laptop(demo_db, catalogue, tmp_path):
    """Without an address a phone can reach (the organisation's public base URL), a unit's code would
    lead nowhere: the notices print alone and no link is made."""
    from inspector_app.core.models import RectificationLink
    from inspector_app.core.organisation import FALLBACK_BASE_URL

    db, _path = demo_db
    hazards = open_hazards(db, 2)
    with db.session() as session:
        links_before = session.scalars(select(RectificationLink)).all()
        before = [(link.id, link.ended_at) for link in links_before]
    printed = print_notices(db, catalogue, [h.id for h in hazards], tmp_path / "n.pdf", actor="t",
                            base_url=FALLBACK_BASE_URL)
    assert printed.pages == 2
    assert all("/h/" in url for page in decoded_qr_per_page(printed.out) for url in page)
    with db.session() as session:  # no link made, none ended
        assert [(link.id, link.ended_at) for link in session.scalars(select(RectificationLink))] == before
