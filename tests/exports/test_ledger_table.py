"""Ledger exports: the XLSX has the 台账 headers under its title, frozen and filtered, one row per
hazard matching the database; the CSV opens in Excel (UTF-8 with BOM); bad output paths are named."""

from __future__ import annotations

import csv
import json

from openpyxl import load_workbook

from inspector_app.cli import main
from inspector_app.core.queries import list_hazards


def _run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_xlsx_in_chinese_matches_the_ledger(capsys, tmp_path):
    db = str(tmp_path / "l.sqlite")
    assert _run(capsys, "--db", db, "--lang", "zh", "demo")[0] == 0
    out = tmp_path / "台账.xlsx"
    code, printed, err = _run(capsys, "--db", db, "--lang", "zh", "ledger", "export", "--format", "xlsx",
                              "--out", str(out))
    assert code == 0, err
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[3]]  # under the title and the organisation · scope · date line
    assert header[:3] == ["编号", "发现日期", "检查类型"] and "整改期限" in header and "状态" in header
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:")
    from inspector_app.core.db import open_database, sqlite_url

    database = open_database(sqlite_url(tmp_path / "l.sqlite"))
    with database.session() as session:
        rows = {r.number: r for r in list_hazards(session)}
    database.dispose()
    body = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(body) == set(rows) and json.loads(printed)["hazards"] == len(rows)
    deadline, status = header.index("整改期限"), header.index("状态")
    for number, row in rows.items():
        assert body[number][deadline].date() == row.deadline
    closed = next(n for n, r in rows.items() if r.status == "closed")
    assert body[closed][status] == "已销号"
    assert body[closed][header.index("销号日期")]


def test_csv_has_a_bom_and_filters(capsys, tmp_path):
    db = str(tmp_path / "l.sqlite")
    _run(capsys, "--db", db, "--lang", "en", "demo")
    out = tmp_path / "overdue.csv"
    code, printed, err = _run(capsys, "--db", db, "--lang", "en", "ledger", "export", "--format", "csv",
                              "--out", str(out), "--overdue")
    assert code == 0, err
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and len(rows) == json.loads(printed)["hazards"]
    assert {r["Status"] for r in rows} <= {"Open", "In progress"}


def test_missing_output_folder_is_named(capsys, tmp_path):
    db = str(tmp_path / "l.sqlite")
    code, _out, err = _run(capsys, "--db", db, "--lang", "en", "ledger", "export", "--format", "xlsx",
                           "--out", str(tmp_path / "nowhere" / "x.xlsx"))
    assert code == 1 and "nowhere" in err and "Traceback" not in err
