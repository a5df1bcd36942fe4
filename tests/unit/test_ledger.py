"""The ledger read side: every filter, each sort order and the search return exactly the right
hazards, checked against the same data filtered and sorted in plain Python. In every order the
confirmed major hazards not yet fixed (listed supervision) come first, each part in that order."""

from __future__ import annotations

import datetime as dt

import pytest

from inspector_app.core import dates, ledger
from inspector_app.core.demo import create_demo
from inspector_app.core.queries import list_hazards

# The clock is fixed for every test, so the demo's dates and the queries' "today" agree even when a
# test runs across midnight; at 01:00 in UTC+8 the UTC day is still the day before.
BEIJING = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 5, 11, 1, 0, tzinfo=BEIJING)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _fixed_clock():
    with dates.fixed_clock(NOW, BEIJING):
        yield


@pytest.fixture
def demo(db, catalogue):
    create_demo(db, catalogue)
    with db.session() as session:
        rows = list_hazards(session)
    return db, rows


def _ids(db, flt, sort="number", descending=False):
    with db.session() as session:
        return [ledger.as_uuid(raw) for raw in ledger.ledger_ids(session, flt, sort, descending, today=TODAY)]


def _listed(row) -> bool:
    return bool(row.major_rule) and row.status not in ("closed", "withdrawn")


def _parts(ordered, rows):
    """The ids in display order split into the heading (listed supervision) and the rest; the heading
    must be exactly the listed hazards, and come first."""
    by_id = {r.id: r for r in rows}
    heading = [i for i in ordered if _listed(by_id[i])]
    assert ordered[:len(heading)] == heading and heading
    assert set(heading) == {r.id for r in rows if _listed(r)}
    return heading, ordered[len(heading):]


def test_no_filter_lists_everything_in_number_order(demo):
    db, rows = demo
    assert _ids(db, ledger.LedgerFilter()) == [r.id for r in sorted(rows, key=lambda r: (not _listed(r), r.number))]


def test_confirmed_major_hazards_head_the_ledger_until_fixed(demo, catalogue):
    from inspector_app.core.hazards import change_status, find_hazard

    db, rows = demo
    confirmed = [r for r in rows if _listed(r)]
    assert [r.major_rule for r in confirmed] == ["edu2024.3.1.9"]
    for sort in ledger.SORT_COLUMNS:
        for descending in (False, True):
            assert _ids(db, ledger.LedgerFilter(), sort, descending)[0] == confirmed[0].id, (sort, descending)
    # A filter that leaves it out leaves it out; one that keeps it keeps it first.
    assert confirmed[0].id not in _ids(db, ledger.LedgerFilter(statuses=frozenset({"closed"})))
    assert _ids(db, ledger.LedgerFilter(statuses=frozenset({"open"})))[0] == confirmed[0].id
    with db.session() as session:
        change_status(session, db.store, find_hazard(session, str(confirmed[0].id)), "withdrawn", "t", note="moved")
    assert _ids(db, ledger.LedgerFilter()) == [r.id for r in sorted(rows, key=lambda r: r.number)]


@pytest.mark.parametrize("status", ["open", "in_progress", "closed"])
def test_status_filter(demo, status):
    db, rows = demo
    found = set(_ids(db, ledger.LedgerFilter(statuses=frozenset({status}))))
    assert found == {r.id for r in rows if r.status == status}


def test_overdue_filter_matches_the_derived_flag(demo):
    db, rows = demo
    expected = {r.id for r in rows if r.overdue}
    assert expected
    assert set(_ids(db, ledger.LedgerFilter(overdue_only=True))) == expected


def test_category_severity_and_responsible_filters(demo):
    db, rows = demo
    category = rows[0].category
    assert set(_ids(db, ledger.LedgerFilter(categories=frozenset({category})))) == {
        r.id for r in rows if r.category == category}
    person = rows[0].responsible_person
    assert set(_ids(db, ledger.LedgerFilter(responsible=person))) == {
        r.id for r in rows if person in r.responsible_person}
    assert set(_ids(db, ledger.LedgerFilter(severity="major"))) == {r.id for r in rows if r.severity == "major"}


def test_place_filters(demo):
    db, rows = demo
    floor_id = rows[0].floor_id
    assert set(_ids(db, ledger.LedgerFilter(floor_id=floor_id))) == {r.id for r in rows if r.floor_id == floor_id}
    from inspector_app.core.models import Floor

    with db.session() as session:
        building_id = session.get(Floor, floor_id).building_id
        floors = {f.id for f in session.query(Floor).filter(Floor.building_id == building_id)}
    assert set(_ids(db, ledger.LedgerFilter(building_id=building_id))) == {r.id for r in rows if r.floor_id in floors}


def test_date_range_filter(demo):
    db, rows = demo
    start, end = TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=10)
    expected = {r.id for r in rows if start <= dates.local_date(r.found_at) <= end}
    assert expected
    assert set(_ids(db, ledger.LedgerFilter(found_from=start, found_to=end))) == expected


def test_search_words_all_must_match(db, catalogue, floor):
    from inspector_app.core.hazards import add_hazard

    def add(description, room, person=""):
        with db.session() as session:
            return add_hazard(session, catalogue, db.store, actor="t", category="evacuation.blocked_route",
                              floor_id=floor, x=0.5, y=0.5, description=description, room=room,
                              responsible_person=person)

    bikes = add("楼梯间停放自行车", "201")
    boxes = add("走廊堆放纸箱", "201", person="王老师")
    other = add("楼梯间堆放杂物", "305")
    assert set(_ids(db, ledger.LedgerFilter(search="楼梯间"))) == {bikes.id, other.id}
    assert _ids(db, ledger.LedgerFilter(search="楼梯间 201")) == [bikes.id]
    assert _ids(db, ledger.LedgerFilter(search="王老师")) == [boxes.id]
    assert _ids(db, ledger.LedgerFilter(search=other.number)) == [other.id]
    assert _ids(db, ledger.LedgerFilter(search=boxes.short_code.lower())) == [boxes.id]
    by_category = ledger.LedgerFilter(search="nothing-like-this",
                                      search_categories=frozenset({"evacuation.blocked_route"}))
    assert set(_ids(db, by_category)) == {bikes.id, boxes.id, other.id}


def test_search_wildcards_are_literal(demo):
    db, _rows = demo
    assert _ids(db, ledger.LedgerFilter(search="%")) == []
    assert _ids(db, ledger.LedgerFilter(search="_")) == []


@pytest.mark.parametrize("key", ["deadline", "status", "category", "responsible_person", "found_at"])
def test_sort_orders(demo, key):
    db, rows = demo
    values = {r.id: getattr(r, key) for r in rows}
    for descending in (False, True):
        for part in _parts(_ids(db, ledger.LedgerFilter(), key, descending), rows):
            keys = [values[i] for i in part]
            assert keys == sorted(keys, reverse=descending)


def test_severity_sorts_major_first(demo):
    """Not "general" before "major" as the words sort: the graver level first, each in number order."""
    db, rows = demo
    by_id = {r.id: r for r in rows}
    rank = {"major": 0, "general": 1}
    ids = _ids(db, ledger.LedgerFilter(), "severity")
    assert len(ids) == len(rows)
    for part in _parts(ids, rows):
        ordered = [(rank[by_id[i].severity], by_id[i].number) for i in part]
        assert ordered == sorted(ordered) and ordered[0][0] == 0
    for part in _parts(_ids(db, ledger.LedgerFilter(), "severity", descending=True), rows):
        backwards = [(rank[by_id[i].severity], by_id[i].number) for i in part]
        assert backwards == sorted(backwards, reverse=True)


def test_location_sort_groups_by_building_then_floor_level(demo):
    db, rows = demo
    from inspector_app.core.models import Building, Floor

    with db.session() as session:
        place = {f.id: (b.name, f.level) for f, b in session.query(Floor, Building).join(
            Building, Floor.building_id == Building.id)}
    by_id = {r.id: r for r in rows}
    for part in _parts(_ids(db, ledger.LedgerFilter(), "location"), rows):
        keys = [place[by_id[i].floor_id] for i in part]
        assert keys == sorted(keys)


def test_rows_by_id_and_count(demo):
    db, rows = demo
    with db.session() as session:
        raw = ledger.ledger_ids(session, ledger.LedgerFilter(statuses=frozenset({"open"})), today=TODAY)
        loaded = ledger.rows_by_id(session, raw[:5], today=TODAY)
        total = ledger.count(session, ledger.LedgerFilter(statuses=frozenset({"open"})), today=TODAY)
    assert total == len(raw) == sum(1 for r in rows if r.status == "open")
    assert all(row.status == "open" for row in loaded.values()) and len(loaded) == 5
