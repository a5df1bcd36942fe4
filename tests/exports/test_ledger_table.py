"""Ledger exports: the XLSX has the 台账 headers under its title, frozen and filtered, one row per
hazard matching the database; the CSV opens in Excel (UTF-8 with BOM); bad output paths are named."""

from __future__ import annotations

import csv
import json
import subprocess

from openpyxl import load_workbook
from sqlalchemy import select

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


def test_a_hazard_outside_an_inspection_names_who_found_it_and_what_was_done(db, floor, catalogue, english,
                                                                            jpeg_photo, tmp_path, capsys):
    """Pinned outside an inspection: the check kind says so and the inspector is whoever recorded it;
    what was fixed on the spot and why a hazard was withdrawn are in the rectification column of the
    CSV, the XLSX and the PDF (issue 22, item 13)."""
    from inspector_app.core.hazards import add_hazard, change_status
    from inspector_app.core.models import Organisation

    with db.session() as session:
        for org in session.scalars(select(Organisation)):
            org.language = "en"
        fixed = add_hazard(session, catalogue, db.store, actor="Wang Fang", category="electrical.aging_wiring",
                           floor_id=floor, x=0.5, y=0.5, description="Heater under a bed")
        change_status(session, db.store, fixed, "closed", "Wang Fang", note="Unplugged the heater and took it away",
                      photos=[jpeg_photo])
        dropped = add_hazard(session, catalogue, db.store, actor="Li Lei", category="electrical.aging_wiring",
                             floor_id=floor, x=0.2, y=0.2)
        change_status(session, db.store, dropped, "withdrawn", "Li Lei", note="Recorded twice by mistake")
        numbers = (fixed.number, dropped.number)
    url = str(db.url).removeprefix("sqlite:///")
    for kind in ("csv", "xlsx", "pdf"):
        code, _out, err = _run(capsys, "--db", url, "ledger", "export", "--format", kind,
                               "--out", str(tmp_path / f"l.{kind}"))
        assert code == 0, err
    rows = {r["Number"]: r for r in csv.DictReader((tmp_path / "l.csv").open(encoding="utf-8-sig"))}
    on_spot, withdrawn = rows[numbers[0]], rows[numbers[1]]
    assert (on_spot["Check kind"], on_spot["Inspectors"]) == ("Outside an inspection", "Wang Fang")
    assert withdrawn["Inspectors"] == "Li Lei"
    assert "fixed on the spot: Unplugged the heater and took it away" in on_spot["Rectification and notes"]
    assert "withdrawn: Recorded twice by mistake" in withdrawn["Rectification and notes"]
    sheet = load_workbook(tmp_path / "l.xlsx").active
    header = [c.value for c in sheet[3]]
    body = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert "Unplugged the heater" in body[numbers[0]][header.index("Rectification and notes")]
    assert body[numbers[0]][header.index("Inspectors")] == "Wang Fang"
    pdf = subprocess.run(["pdftotext", "-raw", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert "Unplugged the heater and" in " ".join(pdf.split())
