"""The XLSX ledger as a principal prints and sums it, read back with openpyxl: real date and number
cells, A4 landscape fitted to the width with the header row repeated, a title naming organisation,
scope and date, photo thumbnails, and a summary sheet whose counts match the ledger."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector_app.cli import main
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import Hazard
from inspector_app.core.notice_register import today
from inspector_app.core.queries import list_hazards
from inspector_app.i18n import set_language


def test_xlsx_cells_print_settings_thumbnails_and_summary(capsys, tmp_path):
    db = tmp_path / "l.sqlite"
    assert main(["--db", str(db), "--lang", "zh", "demo"]) == 0
    out = tmp_path / "ledger.xlsx"
    assert main(["--db", str(db), "ledger", "export", "--format", "xlsx", "--status", "in_progress",
                 "--out", str(tmp_path / "scoped.xlsx")]) == 0
    capsys.readouterr()
    # The organisation is Chinese: the file is Chinese whatever language the program speaks.
    set_language("en")
    assert main(["--db", str(db), "ledger", "export", "--format", "xlsx", "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "zh_CN"

    book = load_workbook(out)
    sheet = book["台账"]
    assert sheet["A1"].value == "安全隐患整改台账"
    assert "吕梁市教育局" in sheet["A2"].value and today().isoformat() in sheet["A2"].value
    assert "吕梁市第一实验中学" in sheet["A2"].value
    scoped = load_workbook(tmp_path / "scoped.xlsx")["台账"]
    assert "整改中" in scoped["A2"].value

    header = [c.value for c in sheet[3]]
    column = {name: index for index, name in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=4))
    database = open_database(sqlite_url(db))
    with database.session() as session:
        hazards = {r.number: r for r in list_hazards(session)}
        on_spot = session.scalar(select(func.count()).where(Hazard.fixed_on_spot.is_(True)))
    database.dispose()
    assert len(rows) == len(hazards)
    for row in rows:
        found, deadline = row[column["发现日期"]], row[column["整改期限"]]
        assert isinstance(found.value, dt.datetime) and found.number_format == "yyyy-mm-dd"
        assert deadline.value.date() == hazards[row[0].value].deadline
        funding = row[column["整改资金"]]
        assert funding.value is None or (isinstance(funding.value, (int, float)) and "元" in funding.number_format)
    assert any(row[column["整改资金"]].value == 15000.0 for row in rows)

    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.print_title_rows == "$3:$3"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    # One thumbnail per hazard with a before-photo, one more for each after-photo.
    assert len(sheet._images) >= len(rows)

    summary = book["汇总"]
    values = {row[0].value: row[1].value for row in summary.iter_rows(min_row=4) if row[0].value}
    assert values["隐患总数"] == len(hazards)
    assert values["逾期"] == sum(1 for h in hazards.values() if h.overdue)
    assert values["当场整改"] == on_spot and abs(values["当场整改率"] - on_spot / len(hazards)) < 1e-9
    assert values["已销号"] == sum(1 for h in hazards.values() if h.status == "closed")
    assert values["教学楼"] == sum(1 for h in hazards.values() if h.building == "教学楼")
