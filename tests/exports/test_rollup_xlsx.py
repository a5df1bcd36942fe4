"""The roll-up workbook read back with openpyxl: the figures of hazards made here, stored as numbers
and dates with their formats, in the chosen language, set up to print A4 landscape one page wide."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from inspector_app.cli import main
from inspector_app.core import structure
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import add_hazard, change_status
from inspector_app.core.rollup import rollup
from inspector_app.exports.rollup_xlsx import write_rollup_xlsx
from inspector_app.i18n import current_language, set_language

TODAY = dt.date(2026, 3, 2)
WIRING, EXIT = "electrical.aging_wiring", "evacuation.locked_exit"


@pytest.fixture
def ledger(tmp_path, catalogue, jpeg_photo):
    """County 离石 with two schools, county 交城 with one; 7 hazards whose figures are written out below."""
    path = tmp_path / "central.sqlite"
    database = open_database(sqlite_url(path))
    with database.session() as session:
        lishi = structure.create_organisation(session, "离石区教育局", kind="county")
        jiaocheng = structure.create_organisation(session, "交城县教育局", kind="county")
        a1 = structure.create_site(session, lishi, "离石区第一中学", code="A1")
        a2 = structure.create_site(session, lishi, "离石区实验小学", code="A2")
        b1 = structure.create_site(session, jiaocheng, "交城县第二中学", code="B1")

        def hazard(site, category, severity, days, *steps, photo=False):
            h = add_hazard(session, catalogue, database.store, actor="t", category=category, site_id=site.id,
                           severity=severity, deadline=TODAY + dt.timedelta(days=days), today=TODAY)
            for step in steps:
                change_status(session, database.store, h, step, "t", note="说明",
                              photos=[jpeg_photo] if step == "closed" else [])

        hazard(a1, WIRING, "major", -3)                        # overdue, major open
        hazard(a1, EXIT, "general", 5, "closed")               # fixed on the spot
        hazard(a1, EXIT, "general", -1, "withdrawn")           # not counted in the rate
        hazard(a2, WIRING, "general", -2, "in_progress")       # overdue
        hazard(b1, WIRING, "major", 4, "in_progress")          # major open, earliest deadline TODAY+4
        hazard(b1, EXIT, "major", 9)                           # major open
        hazard(b1, EXIT, "general", 1, "closed")               # fixed on the spot
    database.dispose()
    return path


def _cli(capsys, path, *args):
    """Run the command line; --lang switches the process-wide language, so put it back afterwards."""
    before = current_language()
    try:
        code = main(["--db", str(path), *args])
    finally:
        set_language(before)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_county_workbook_in_chinese_holds_numbers_dates_and_print_setup(ledger, tmp_path, capsys):
    out = tmp_path / "汇总.xlsx"
    printed = _cli(capsys, ledger, "--lang", "zh", "summary", "--by", "county", "--date", TODAY.isoformat(),
                   "--xlsx", str(out))
    assert printed["xlsx"] == str(out)
    book = load_workbook(out)
    assert book.sheetnames == ["汇总", "重大隐患未销号", "按类别"]
    sheet = book["汇总"]
    assert sheet["A1"].value == "火灾隐患排查整治汇总表（按县区）"
    assert sheet["A2"].value == "数据截至" and sheet["B2"].value.date() == TODAY
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["县（区）", "学校数", "隐患总数", "未整改"] and "逾期" in header
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    assert set(rows) == {"离石区教育局", "交城县教育局", "合计"}
    col = {name: header.index(name) for name in header}
    # 离石: 4 hazards (1 withdrawn), 2 overdue, 1 fixed on the spot of 3 counted, 1 major open.
    lishi = rows["离石区教育局"]
    assert [lishi[col[h]].value for h in ("学校数", "隐患总数", "逾期", "当场整改", "已撤销")] == [2, 4, 2, 1, 1]
    rate = lishi[col["当场整改率"]]
    assert isinstance(rate.value, float) and rate.value == pytest.approx(1 / 3) and rate.number_format == "0.0%"
    total = rows["合计"]
    assert [total[col[h]].value for h in ("学校数", "隐患总数", "逾期", "当场整改")] == [3, 7, 2, 2]
    assert total[col["当场整改率"]].value == pytest.approx(2 / 6)
    for row in rows.values():
        for cell in row[1:]:
            assert isinstance(cell.value, int | float), (cell.coordinate, cell.value)
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, int(setup.paperSize), int(setup.fitToWidth), int(setup.fitToHeight)) \
            == ("landscape", 9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows.replace("$", "") == "1:3" and ws.freeze_panes == "A4"
        assert ws.oddHeader.center.text == ws["A1"].value
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
        assert all(ws.column_dimensions[letter].width >= 6 for letter in "ABCD")


def test_major_and_category_sheets(ledger, tmp_path, catalogue):
    database = open_database(sqlite_url(ledger))
    with database.session() as session, _english():
        figures = rollup(session, catalogue, by="site", today=TODAY)
    database.dispose()
    out = tmp_path / "rollup.xlsx"
    write_rollup_xlsx(figures, out, language="en")
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Major hazards open", "By category"]
    summary = book["Summary"]
    assert [c.value for c in summary[3]][:4] == ["County", "School", "Code", "Hazards"]
    # By county, then school name (交 < 离, 实 < 第 in code-point order), the totals row last.
    assert [r[2].value for r in summary.iter_rows(min_row=4)] == ["B1", "A2", "A1", None]
    assert summary.cell(row=summary.max_row, column=2).value == "3 schools"
    major = book["Major hazards open"]
    body = [[c.value for c in row] for row in major.iter_rows(min_row=4)]
    assert [row[2] for row in body] == ["B1", "A1", None]  # most major hazards first, then the total
    b1 = body[0]
    assert b1[3:5] == [2, 0] and b1[5].date() == TODAY + dt.timedelta(days=4)
    assert major.cell(row=4, column=6).number_format == "yyyy-mm-dd"
    assert body[1][3:5] == [1, 1] and body[2][3:5] == [3, 1]
    categories = book["By category"]
    lines = {row[1].value: row for row in categories.iter_rows(min_row=4)}
    wiring = lines[catalogue.categories[WIRING].name.en]
    assert [c.value for c in wiring[2:3]] == [3] and wiring[3].value == pytest.approx(3 / 7)
    assert wiring[3].number_format == "0.0%" and wiring[0].value == "Electrical"
    exit_line = lines[catalogue.categories[EXIT].name.en]
    assert exit_line[2].value == 4 and exit_line[4].value == 1  # 4 recorded; 2 closed, 1 withdrawn
    assert exit_line[7].value == pytest.approx(2 / 3)


def test_the_workbook_replaces_the_old_file_atomically(ledger, tmp_path, catalogue):
    database = open_database(sqlite_url(ledger))
    with database.session() as session:
        figures = rollup(session, catalogue, by="county", today=TODAY)
    database.dispose()
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "r.xlsx"
    target.write_text("an older export")
    write_rollup_xlsx(figures, target, language="zh_CN")
    assert load_workbook(target).sheetnames[0] == "汇总"
    assert [p.name for p in folder.iterdir()] == ["r.xlsx"]  # no temporary file left behind
    with pytest.raises(InspectorError, match="does not exist"):
        write_rollup_xlsx(figures, tmp_path / "missing" / "r.xlsx", language="en")


def _english():
    from inspector_app.i18n import use_language

    return use_language("en")
