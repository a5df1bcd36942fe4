"""What is due (issue 25), under a fixed clock: overdue, waiting for re-inspection and due within N days,
most pressing first, each with its supervision level; the walk's order (site, building, floor, room);
`inspector-app due [--days N] [--pdf]` as JSON; and the printed day list, to the notices' standard."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest

from inspector_app.core import dates, structure
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.due import due_items, route_order
from inspector_app.core.hazards import add_hazard, change_status, find_hazard

BEIJING = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 10)
NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=BEIJING)


@pytest.fixture
def ledger(run, catalogue):
    """Hazards in two buildings and floors, recorded out of the walk's order, with deadlines around TODAY."""
    database = open_database(sqlite_url(run.db))
    with dates.fixed_clock(NOW - dt.timedelta(days=30), BEIJING), database.session() as session:
        org = structure.create_organisation(session, "Bureau", kind="county")
        site = structure.create_site(session, org, "Campus", code="SC")
        canteen = structure.create_building(session, site, "Canteen", "canteen")
        dorm = structure.create_building(session, site, "Dormitory", "dormitory")
        floors = {"D2": structure.create_floor(session, dorm, "2F", 2), "D1": structure.create_floor(session, dorm,
                                                                                                      "1F", 1),
                  "C1": structure.create_floor(session, canteen, "1F", 1)}
        plan = [  # floor, room, days from TODAY to the deadline, severity
            ("D2", "201", -40, "general"),  # SC-0001 overdue 40 days: listed
            ("D1", "105", 2, "general"),  # SC-0002 due in 2 days: reminder
            ("C1", "K1", 6, "major"),  # SC-0003 due in 6 days
            ("D1", "101", 20, "general"),  # SC-0004 not due within 7 days: not listed
            ("C1", "K2", -2, "general"),  # SC-0005 overdue 2 days: supervised
            ("D2", "210", 30, "general"),  # SC-0006 reported fixed: waits for re-inspection
            ("D1", "102", 0, "general"),  # SC-0007 due today
        ]
        for floor, room, days, severity in plan:
            add_hazard(session, catalogue, database.store, actor="wang", category="electrical.aging_wiring",
                       floor_id=floors[floor].id, x=0.5, y=0.5, room=room, severity=severity,
                       deadline=TODAY + dt.timedelta(days=days))
        change_status(session, database.store, find_hazard(session, "SC-0006"), "awaiting_reinspection", "li")
    yield database
    database.dispose()


def test_what_is_due_most_pressing_first_with_its_level(ledger):
    with dates.fixed_clock(NOW, BEIJING), ledger.session() as session:
        items = due_items(session, days=7)
    assert [(i.number, i.why, i.level) for i in items] == [
        ("SC-0001", "overdue", 3), ("SC-0005", "overdue", 2), ("SC-0006", "reinspection", 0),
        ("SC-0007", "due", 1), ("SC-0002", "due", 1), ("SC-0003", "due", 0)]
    # The day's walk: building by building (Canteen before Dormitory), floor by floor, room by room.
    assert [i.number for i in route_order(items)] == ["SC-0003", "SC-0005", "SC-0007", "SC-0002", "SC-0001",
                                                      "SC-0006"]
    with dates.fixed_clock(NOW, BEIJING), ledger.session() as session:
        assert [i.number for i in due_items(session, days=0) if i.why == "due"] == ["SC-0007"]
        assert "SC-0004" in [i.number for i in due_items(session, days=20)]


def test_the_due_command_prints_json_and_the_day_list(run, ledger, tmp_path):
    with dates.fixed_clock(NOW, BEIJING):
        code, out, err = run("due", "--days", "3", "--pdf", str(tmp_path / "day.pdf"))
    assert code == 0, err
    listed = json.loads(out)
    assert [(r["number"], r["why"], r["level"], r["deadline"]) for r in listed] == [
        ("SC-0001", "overdue", 3, "2026-05-01"), ("SC-0005", "overdue", 2, "2026-06-08"),
        ("SC-0006", "reinspection", 0, "2026-07-10"), ("SC-0007", "due", 1, "2026-06-10"),
        ("SC-0002", "due", 1, "2026-06-12")]
    assert {"id", "number", "deadline", "why", "level"} <= set(listed[0])
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "day.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    # In the organisation's language (Chinese, as it chose none), the walk's order, page N of M.
    assert "2026年6月10日复查路线" in text and "第1页共1页" in text
    assert [m for m in re.findall(r"SC-000\d", text)] == ["SC-0005", "SC-0007", "SC-0002", "SC-0001", "SC-0006"]
    fonts = subprocess.run(["pdffonts", str(tmp_path / "day.pdf")], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes " in row for row in fonts)
    code, _out, err = run("due", "--days", "-1")
    assert code != 0 and "--days takes 0 to 366" in err


def test_a_units_report_waiting_for_an_answer_is_due_before_re_inspections(ledger):
    """SC-0004 is due in 20 days, so not listed; once its unit asks for more time through its link, the
    request waits for the inspector's answer and the hazard is listed as "report"; answered, it is not."""
    import io
    import uuid

    from PIL import Image

    from inspector_app.core import rectification_links, unit_reports
    from inspector_app.core.unit_report_answers import reject

    def send(number: str, kind: str, text: str, photos: tuple[bytes, ...] = ()) -> str:
        with dates.fixed_clock(NOW, BEIJING), ledger.session() as session:
            hazard = find_hazard(session, number)
            link = rectification_links.open_link(session, rectification_links.issue(session, hazard.id, "li"))
            events = unit_reports.submit(session, ledger.store, link, unit_reports.UnitSubmission(
                kind, text, "Wang", photos=photos), TODAY, dates.start_of_day(TODAY))
            return str(events[-1].id)

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (9, 99, 9)).save(out, "JPEG")
    extension = send("SC-0004", "extension", "parts are late")
    send("SC-0002", "report", "fixed", (out.getvalue(),))
    with dates.fixed_clock(NOW, BEIJING), ledger.session() as session:
        items = due_items(session, days=7)
        assert [(i.number, i.why) for i in items if i.why in ("report", "reinspection")] == [
            ("SC-0002", "report"), ("SC-0004", "report"), ("SC-0006", "reinspection")]
        assert [i.why for i in items][:3] == ["overdue", "overdue", "report"]
        reject(session, ledger.store, uuid.UUID(extension), "li", "no more time")
    with dates.fixed_clock(NOW, BEIJING), ledger.session() as session:
        assert "SC-0004" not in [i.number for i in due_items(session, days=7)]
