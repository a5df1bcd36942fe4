"""A notice and the ledger speak one language, their organisation's, down to the texts taken from forms/
(issue 22, item 10): a hazard is filled in that language whatever the screen speaks, and a legal basis
or requirement still exactly as the catalogue gave it is printed in the document's language even when
it was stored in the other (a hazard recorded before the organisation chose Chinese, or printed with
``--lang``). What the inspector wrote is printed as written. Read back with pdftotext and openpyxl."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.core.hazards import add_hazard, update_hazard
from inspector_app.core.models import Hazard, Organisation

BASE = "http://192.168.1.20:8470"
WIRING = "electrical.aging_wiring"
EXIT = "evacuation.locked_exit"


def flat_text(pdf: Path) -> str:
    """The PDF's text in drawing order, without the line breaks and spaces a narrow cell adds."""
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", raw)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def set_language(db, language: str) -> None:
    with db.session() as session:
        for org in session.scalars(select(Organisation)):
            org.language = language


@pytest.fixture
def recorded_in_english(db, floor, catalogue, english) -> tuple[str, str]:
    """Two hazards recorded while the organisation printed in English; on the second the inspector
    wrote a legal basis of their own. Then the organisation chose Chinese for its documents."""
    set_language(db, "en")
    with db.session() as session:
        prefilled = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=floor,
                               x=0.5, y=0.5, description="Cable")
        own = add_hazard(session, catalogue, db.store, actor="li", category=EXIT, floor_id=floor, x=0.2, y=0.2,
                         description="Door")
        update_hazard(session, own, "li", legal_basis="School rule 12, as the principal signed it")
        ids = (str(prefilled.id), str(own.id))
    set_language(db, "zh_CN")
    return ids


def test_an_english_screen_records_a_hazard_for_chinese_notices_in_chinese(db, floor, catalogue, english):
    """No organisation chose a language: notices are Chinese (the program's first language), so the
    hazard's legal basis and requirement are too, whatever the screen speaks."""
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=floor, x=0.5, y=0.5)
        category = catalogue.category(WIRING)
        assert (hazard.legal_basis, hazard.required_measures) == (category.legal_basis.zh, category.requirement.zh)


def test_a_chinese_notice_prints_the_catalogues_texts_in_chinese_and_the_inspectors_as_written(
        db, catalogue, recorded_in_english, tmp_path):
    from inspector_app.notices.printing import print_notices

    ids = [uuid.UUID(i) for i in recorded_in_english]
    out = tmp_path / "notices.pdf"
    print_notices(db, catalogue, ids, out, actor="li", base_url=BASE)  # the organisation's language: Chinese
    text = flat_text(out)
    wiring, exit_ = catalogue.category(WIRING), catalogue.category(EXIT)
    assert squeezed(wiring.legal_basis.zh) in text and squeezed(wiring.requirement.zh) in text
    assert squeezed(exit_.requirement.zh) in text
    assert squeezed("School rule 12, as the principal signed it") in text  # the inspector's own words
    assert "FireProtectionLaw" not in text and squeezed(wiring.requirement.en) not in text


def test_the_pdf_ledger_and_the_xlsx_print_the_requirement_in_the_documents_language(
        db, catalogue, recorded_in_english, tmp_path, capsys):
    url = str(db.url).removeprefix("sqlite:///")
    wiring = catalogue.category(WIRING)
    assert main(["--db", url, "ledger", "export", "--format", "pdf", "--out", str(tmp_path / "l.pdf")]) == 0
    text = flat_text(tmp_path / "l.pdf")
    assert squeezed(wiring.requirement.zh) in text and squeezed(wiring.requirement.en) not in text
    assert main(["--db", url, "ledger", "export", "--format", "xlsx", "--out", str(tmp_path / "l.xlsx")]) == 0
    capsys.readouterr()
    sheet = load_workbook(tmp_path / "l.xlsx").active
    header = [c.value for c in sheet[3]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    with db.session() as session:
        number = session.get(Hazard, uuid.UUID(recorded_in_english[0])).number
    assert rows[number][header.index("整改措施")] == wiring.requirement.zh


def test_lang_en_prints_a_chinese_hazards_catalogue_texts_in_english(db, floor, catalogue, tmp_path, capsys):
    set_language(db, "zh_CN")
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=floor, x=0.5, y=0.5)
        number = hazard.number
    url = str(db.url).removeprefix("sqlite:///")
    out = tmp_path / "en.pdf"
    assert main(["--db", url, "--lang", "en", "notice", number, "--out", str(out)]) == 0
    capsys.readouterr()
    text = flat_text(out)
    wiring = catalogue.category(WIRING)
    assert squeezed(wiring.legal_basis.en) in text and squeezed(wiring.requirement.en) in text
    assert squeezed(wiring.legal_basis.zh) not in text


def test_the_command_line_says_which_language_it_printed_in(db, floor, catalogue, tmp_path, capsys):
    """An English command line printing for an organisation that chose no language gets a Chinese
    notice, and its answer says so."""
    with db.session() as session:
        number = add_hazard(session, catalogue, db.store, actor="li", category=WIRING, floor_id=floor,
                            x=0.5, y=0.5).number
    url = str(db.url).removeprefix("sqlite:///")
    assert main(["--db", url, "--lang", "en", "labels", number, "--out", str(tmp_path / "l.pdf")]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "en"  # --lang: for this run
    assert main(["--db", url, "notice", number, "--out", str(tmp_path / "n.pdf")]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "zh_CN"
