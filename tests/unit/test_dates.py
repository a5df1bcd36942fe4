"""Dates in China: every date a person reads is the local (UTC+8) day of its instant, at any hour.

The clock is fixed at hours where the UTC day and the Beijing day differ (00:30, 05:10, 07:59) and at
hours where they agree (08:00, 12:00, 23:59), and each date the program shows is checked: the day a
hazard was found and the day its deadline counts from, overdue, the notice's dates and number year,
the ledger's columns, and the public status page and its history.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from inspector_app.core import dates
from inspector_app.core.hazards import add_hazard, change_status
from inspector_app.core.models import Hazard
from inspector_app.core.notice_register import reserve_notices
from inspector_app.core.queries import list_hazards
from inspector_app.exports.ledger_table import ledger_lines
from inspector_app.notices.facts import gather
from inspector_app.web.public.status import lookup

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")  # China has one zone and no daylight saving
CATEGORY = "electrical.aging_wiring"
# Local hours on 2026-05-11: the first three are still 2026-05-10 in UTC.
HOURS = [(0, 30), (5, 10), (7, 59), (8, 0), (12, 0), (23, 59)]


def beijing(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


DAY = dt.date(2026, 5, 11)


@pytest.mark.parametrize(("hour", "minute"), HOURS)
def test_a_hazard_found_at_any_hour_is_found_today_and_its_deadline_counts_from_today(
        db, catalogue, floor, jpeg_photo, hour, minute):
    days = catalogue.category(CATEGORY).deadline_days
    with dates.fixed_clock(beijing(DAY, hour, minute), BEIJING):
        assert dates.today() == DAY
        with db.session() as session:
            hazard = add_hazard(session, catalogue, db.store, actor="t", category=CATEGORY, floor_id=floor,
                                x=0.5, y=0.5)
            hazard_id, token = hazard.id, hazard.public_token
        with db.session() as session:
            stored = session.get(Hazard, hazard_id)
            assert dates.local_date(stored.found_at) == DAY
            assert stored.deadline == DAY + dt.timedelta(days=days)
            [row] = list_hazards(session)
            assert dates.local_date(row.found_at) == DAY and not row.overdue
            [facts] = gather(session, catalogue, db.store, [hazard_id], "https://x.example")
            assert facts.found_at == DAY and facts.inspection_date == DAY
            [line] = ledger_lines(session, catalogue)
            assert line.values["found"] == DAY
            public = lookup(session, catalogue, token)
            assert public.updated == DAY
            assert [h.date for h in public.history] == [DAY]
            change_status(session, db.store, stored, "closed", "t", note="unplugged", photos=[jpeg_photo])
        with db.session() as session:
            [facts] = gather(session, catalogue, db.store, [hazard_id], "https://x.example")
            assert facts.closed_at == DAY
            [line] = ledger_lines(session, catalogue)
            assert line.values["closed"] == DAY


@pytest.mark.parametrize(("hour", "minute"), HOURS)
def test_overdue_turns_at_beijing_midnight(db, catalogue, floor, hour, minute):
    """A deadline of 10 May is overdue from 00:00 on 11 May in Beijing, though UTC still says 10 May."""
    with db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="t", category=CATEGORY, floor_id=floor,
                            x=0.5, y=0.5, deadline=DAY - dt.timedelta(days=1))
        token = hazard.public_token
    with dates.fixed_clock(beijing(DAY, hour, minute), BEIJING), db.session() as session:
        [row] = list_hazards(session)
        assert row.overdue
        public = lookup(session, catalogue, token)
        assert public.overdue_days == 1 and public.as_json()["overdue"] is True
        [line] = ledger_lines(session, catalogue)
        assert line.overdue
    with dates.fixed_clock(beijing(DAY, 0, 0) - dt.timedelta(minutes=1), BEIJING), db.session() as session:
        [row] = list_hazards(session)
        assert not row.overdue  # 23:59 on the deadline day itself
        assert lookup(session, catalogue, token).overdue_days == 0


def test_a_notice_issued_in_the_small_hours_of_new_year_is_numbered_in_the_new_year(db, catalogue, floor):
    new_year = beijing(dt.date(2027, 1, 1), 3, 0)  # 2026-12-31 19:00 UTC
    with dates.fixed_clock(new_year, BEIJING), db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="t", category=CATEGORY, floor_id=floor,
                            x=0.5, y=0.5)
        [notice] = reserve_notices(session, [[hazard.id]], prefix="X", kind="per_hazard", language="zh_CN",
                                   actor="t")
    assert "〔2027〕" in notice.number


def test_the_history_dates_each_event_by_its_own_local_day(db, catalogue, floor, jpeg_photo):
    with dates.fixed_clock(beijing(DAY, 7, 30), BEIJING) as clock:
        with db.session() as session:
            hazard = add_hazard(session, catalogue, db.store, actor="t", category=CATEGORY, floor_id=floor,
                                x=0.5, y=0.5)
            hazard_id, token = hazard.id, hazard.public_token
        clock.advance(dt.timedelta(days=1))  # 12 May, 07:30: UTC still 11 May
        with db.session() as session:
            change_status(session, db.store, session.get(Hazard, hazard_id), "in_progress", "t")
        clock.advance(dt.timedelta(hours=17))  # 13 May, 00:30
        with db.session() as session:
            change_status(session, db.store, session.get(Hazard, hazard_id), "awaiting_reinspection", "t")
        with db.session() as session:
            public = lookup(session, catalogue, token)
    assert [(h.kind, h.date.day) for h in public.history] == [
        ("created", 11), ("rectification_started", 12), ("rectification_reported", 13)]
    assert public.updated == dt.date(2026, 5, 13)


def test_local_date_reads_naive_instants_as_utc_and_aware_ones_as_they_are():
    with dates.fixed_clock(beijing(DAY, 12, 0), BEIJING):
        assert dates.local_date(dt.datetime(2026, 5, 10, 16, 30)) == DAY  # naive = UTC (SQLite)
        assert dates.local_date(dt.datetime(2026, 5, 10, 15, 59)) == DAY - dt.timedelta(days=1)
        assert dates.local_date(dt.datetime(2026, 5, 10, 16, 30, tzinfo=dt.UTC)) == DAY
        assert dates.now().tzinfo is not None and dates.now() == beijing(DAY, 12, 0)


def test_without_a_fixed_zone_the_machine_zone_decides(monkeypatch):
    """The program reads dates in the laptop's own zone: what a TZ=Asia/Shanghai machine calls today."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        with dates.fixed_clock(dt.datetime(2026, 5, 10, 21, 10, tzinfo=dt.UTC)):
            assert dates.today() == DAY  # 05:10 in Beijing
        assert dates.local_date(dt.datetime(2026, 5, 10, 16, 0)) == DAY
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_fixed_clock_needs_an_aware_instant():
    with pytest.raises(ValueError, match="aware"), dates.fixed_clock(dt.datetime(2026, 5, 11, 8, 0)):
        pass


def test_the_ledger_date_filter_cuts_at_local_midnight(db, catalogue, floor):
    from inspector_app.core import ledger

    with dates.fixed_clock(beijing(DAY, 7, 0), BEIJING):  # 10 May 23:00 UTC
        with db.session() as session:
            early = add_hazard(session, catalogue, db.store, actor="t", category=CATEGORY, floor_id=floor,
                               x=0.5, y=0.5).id
        with db.session() as session:
            def found(start: dt.date, end: dt.date) -> list:
                flt = ledger.LedgerFilter(found_from=start, found_to=end)
                return [ledger.as_uuid(raw) for raw in ledger.ledger_ids(session, flt)]

            assert found(DAY, DAY) == [early]
            assert found(DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=1)) == []


def test_the_command_lines_history_gives_local_times_with_their_offset(run):
    """`hazard show` prints each event at the laptop's time, with the offset that makes it exact."""
    import json

    assert run("demo")[0] == 0
    hazard = next(h for h in json.loads(run("hazard", "list")[1]) if h["status"] == "open")
    with dates.fixed_clock(beijing(DAY, 5, 10), BEIJING):  # 21:10 UTC the day before
        assert run("hazard", "status", hazard["number"], "--to", "in_progress")[0] == 0
        code, out, err = run("hazard", "show", hazard["id"])
    assert code == 0, err
    history = json.loads(out)["history"]
    assert history[-1]["kind"] == "rectification_started"
    assert history[-1]["at"].startswith("2026-05-11T05:10:00") and history[-1]["at"].endswith("+08:00")
    assert all(dt.datetime.fromisoformat(e["at"]).utcoffset() == dt.timedelta(hours=8) for e in history)
