"""`hazard list` reads a SQLite ledger through core.quick_read (no SQLAlchemy): its rows must be exactly
those of core.queries on the same ledger, for every filter; and whenever it cannot be sure it answers
None, so that the ordinary path (with its checks and messages) answers instead."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import uuid

import pytest

from inspector_app.core import quick_read, structure
from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import add_hazard
from inspector_app.core.queries import list_hazards
from inspector_app.core.workflow import Status

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def ledger(db, catalogue):
    """The demo school, plus the rows a join can get wrong: a second site that sorts first, a hazard on
    no floor, one without a deadline or position, text in Chinese."""
    create_demo(db, catalogue)
    with db.session() as session:
        codes = sorted(catalogue.categories)
        twin = structure.add_site(session, "A 第二中学", "TWIN")
        undated = add_hazard(session, catalogue, db.store, actor="李明", category=codes[0],
                             site_id=twin.id, description="配电箱前堆放杂物")
        undated.deadline = None  # a category's default deadline is filled in; a ledger may still lack one
        building = structure.add_building(session, twin.id, "实验楼")
        floor = structure.add_floor(session, building.id, "一层")
        add_hazard(session, catalogue, db.store, actor="李明", category=codes[1],
                   floor_id=floor.id, x=None, y=None, room="101", deadline=TODAY - dt.timedelta(days=3))
    return db


def _orm(db, status=None, floor_id=None):
    with db.session() as session:
        return list_hazards(session, status=status, floor_id=floor_id, today=TODAY)


def test_every_row_and_field_matches_the_ordinary_query(ledger):
    quick = quick_read.list_hazards(ledger.path, today=TODAY)
    assert quick is not None and len(quick) >= 42
    assert quick == _orm(ledger)
    assert any(row.floor_id is None for row in quick) and any(row.deadline is None for row in quick)
    assert any(row.overdue for row in quick) and any(not row.overdue for row in quick)


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_each_status_filter_matches(ledger, status):
    assert quick_read.list_hazards(ledger.path, status=status, today=TODAY) == _orm(ledger, status=status)


def test_floor_filter_matches_for_every_floor(ledger):
    floors = {row.floor_id for row in _orm(ledger) if row.floor_id}
    assert len(floors) >= 3
    for floor_id in floors:
        quick = quick_read.list_hazards(ledger.path, status="open", floor_id=str(floor_id), today=TODAY)
        assert quick == _orm(ledger, status="open", floor_id=floor_id)


@pytest.mark.parametrize("floor_id", ["not-an-id", str(uuid.UUID(int=0))])
def test_a_floor_that_names_nothing_is_left_to_the_ordinary_path(ledger, floor_id):
    assert quick_read.list_hazards(ledger.path, floor_id=floor_id) is None


def test_a_ledger_at_another_schema_is_left_to_the_ordinary_path(ledger, tmp_path):
    older = tmp_path / "older.sqlite"
    shutil.copyfile(ledger.path, older)
    with sqlite3.connect(older) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    assert quick_read.list_hazards(older) is None


def test_missing_empty_and_foreign_files_are_left_to_the_ordinary_path(tmp_path):
    empty, text = tmp_path / "empty.sqlite", tmp_path / "notes.sqlite"
    empty.touch()
    text.write_text("not a ledger", encoding="utf-8")
    with sqlite3.connect(tmp_path / "other.sqlite") as connection:
        connection.execute("CREATE TABLE t (x)")
    for path in (tmp_path / "absent.sqlite", empty, text, tmp_path / "other.sqlite"):
        assert quick_read.list_hazards(path) is None, path


def test_a_damaged_ledger_is_left_to_the_ordinary_path(ledger, tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(ledger.path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page):  # every page after the schema's: rows unreadable
        data[offset:offset + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    assert quick_read.list_hazards(damaged) is None


def test_the_shortcut_changes_nothing_in_the_ledger(ledger):
    before = ledger.path.read_bytes()
    assert quick_read.list_hazards(ledger.path)
    assert ledger.path.read_bytes() == before
