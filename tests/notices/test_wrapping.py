"""Latin words are never cut inside in the printed documents (issue 22, item 17): a Chinese ledger's
narrow "responsible" cell printed "General Affair" and "s Office". Chinese still breaks between any two
characters, and no line starts with a full-width comma. Checked on the lines reportlab lays out and on
the text of a real ledger PDF."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from inspector_app.core.hazards import add_hazard, update_hazard
from inspector_app.core.models import Organisation
from inspector_app.i18n import use_language
from inspector_app.notices import layout as L
from inspector_app.notices.printing import print_ledger

WORDS = ("General", "Affairs", "Office", "LL1-0001", "2026-10-27")


def laid_out(text: str, width: float, language: str, size: float = 9) -> list[str]:
    with use_language(language):
        paragraph = L.para(text, L.style(size))
        paragraph.wrap(width, 1000)
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return [" ".join(words) for _space, words in lines]
    return ["".join(frag.text for frag in line.words) for line in lines]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("width", [50, 60, 70, 90])
def test_a_latin_word_is_never_cut_inside_in_either_language(language, width):
    text = "总务处 General Affairs Office，编号 LL1-0001，发现于 2026-10-27"
    lines = laid_out(text, width, language)
    tokens = [token for line in lines for token in re.split(r"[\s，]+|(?<=[\u4e00-\u9fff])|(?=[\u4e00-\u9fff])", line)]
    for word in WORDS:
        assert word in tokens, (word, lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost, nothing doubled
    assert not any(line.startswith("，") for line in lines), lines


def test_chinese_still_breaks_anywhere_and_commas_stay_behind():
    text = "立即拆除串接使用的插线板，插线板不得放置在床铺、被褥等可燃物上；应使用符合国家标准的合格产品。"
    for width in range(40, 120, 7):
        lines = laid_out(text, width, "zh_CN")
        assert "".join(lines) == text
        assert not any(line[0] in "，、；。" for line in lines), (width, lines)
        assert all(len(line) >= 2 for line in lines[:-1])  # a line is filled, not broken early


def test_a_word_at_a_hyphen_but_never_a_number(english):
    lines = laid_out("No residual-current protection on LL1-0001", 48, "en")
    assert "residual-current" in " ".join(lines).replace("- ", "-") and "LL1-0001" in lines[-1], lines
    assert not any(line.endswith(("residu", "LL1-", "LL1")) for line in lines), lines


def test_the_chinese_ledger_pdf_keeps_an_english_office_name_whole(db, floor, catalogue, tmp_path):
    with db.session() as session:
        for org in session.scalars(select(Organisation)):
            org.language = "zh_CN"
        for index in range(3):
            hazard = add_hazard(session, catalogue, db.store, actor="li", category="electrical.aging_wiring",
                                floor_id=floor, x=0.1 * (index + 1), y=0.5)
            update_hazard(session, hazard, "li", responsible_unit="General Affairs Office",
                          responsible_person="Zhang Wei", description="Cable laid in the residual-current box")
    out = tmp_path / "ledger.pdf"
    print_ledger(db, catalogue, None, out, unit="离石区第一中学")
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], check=True, capture_output=True, text=True).stdout
    lines = text.splitlines()
    for word in ("General", "Affairs", "Office", "Zhang", "residual-current"):
        # Each drawn line holds a word whole or not at all (a hyphenated word may end a line at its hyphen).
        parts = [line for line in lines if re.search(r"\b" + re.escape(word[:4]), line)]
        assert parts and all(word in line or (word.endswith("current") and line.rstrip().endswith("residual-"))
                             for line in parts), (word, parts)
