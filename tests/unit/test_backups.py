"""Backups of a ledger file: a copy made while the ledger is written holds exactly what was committed,
the rotation keeps what it promises, and restore refuses what is not a ledger and keeps the replaced
one aside. Through the CLI where a person would use it."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from inspector_app.cli import main
from inspector_app.core import backups
from inspector_app.core.db import LedgerError, open_database, sqlite_url


def _cli(capsys, ledger, *args: str) -> tuple[int, object, str]:
    code = main(["--db", str(ledger), "--lang", "en", "--as", "tester", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def _rooms(ledger) -> list[str]:
    with sqlite3.connect(ledger) as connection:
        return sorted(r[0] for r in connection.execute("SELECT room FROM hazards"))


@pytest.fixture
def demo_ledger(tmp_path, capsys):
    ledger = tmp_path / "ledger.sqlite"
    assert _cli(capsys, ledger, "demo")[0] == 0
    return ledger


def test_backup_and_restore_round_trip_keeps_the_replaced_ledger(demo_ledger, tmp_path, capsys):
    copy = tmp_path / "usb" / "copy.sqlite"
    code, shown, _err = _cli(capsys, demo_ledger, "backup", "--out", str(copy))
    assert code == 0 and shown["backup"] == str(copy) and shown["bytes"] == copy.stat().st_size
    before = _rooms(demo_ledger)
    number = _cli(capsys, demo_ledger, "hazard", "list")[1][0]["number"]
    assert _cli(capsys, demo_ledger, "hazard", "edit", number, "--room", "after the backup")[0] == 0

    code, shown, err = _cli(capsys, demo_ledger, "restore", str(copy))
    assert code == 0 and _rooms(demo_ledger) == before
    kept = shown["replaced_kept_at"]
    assert f"the ledger it replaced is kept at {kept}" in err
    assert "after the backup" in _rooms(kept)  # the replaced ledger, whole, beside it
    code, report, _err = _cli(capsys, demo_ledger, "audit", "verify")
    assert code == 0 and report["ok"]


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04 a zip, not a ledger" * 40, "is not a ledger: it is not an SQLite database file"),
    (b"", "no ledger at"),
])
def test_restore_refuses_a_file_that_is_not_a_ledger_and_changes_nothing(demo_ledger, tmp_path, capsys,
                                                                          content, words):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    before = demo_ledger.read_bytes()
    code, out, err = _cli(capsys, demo_ledger, "restore", str(bad))
    assert code == 1 and out is None and words in err and err.count("\n") == 1
    assert demo_ledger.read_bytes() == before and not list(tmp_path.glob("*.replaced-*"))


def test_restore_refuses_another_database_a_damaged_copy_and_a_newer_ledger(demo_ledger, tmp_path, capsys):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE songs (title TEXT)")
    assert "is a database but not a ledger" in _cli(capsys, demo_ledger, "restore", str(other))[2]

    damaged = tmp_path / "damaged.sqlite"
    backups.copy_ledger(demo_ledger, damaged)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = b"\x00\xff" * 4096
    damaged.write_bytes(bytes(data))
    assert "is damaged" in _cli(capsys, demo_ledger, "restore", str(damaged))[2]

    newer = tmp_path / "newer.sqlite"
    backups.copy_ledger(demo_ledger, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    assert "written by a newer version" in _cli(capsys, demo_ledger, "restore", str(newer))[2]
    assert not list(tmp_path.glob("*.replaced-*"))


def test_restore_latest_uses_the_newest_automatic_backup_and_restore_may_create(demo_ledger, tmp_path, capsys):
    code, made, _err = _cli(capsys, demo_ledger, "backup")
    assert code == 0 and made["backup"].startswith(str(tmp_path / "ledger-backups"))
    listed = _cli(capsys, demo_ledger, "backups")[1]
    assert listed[0]["backup"] == made["backup"]
    demo_ledger.write_bytes(b"\x00" * 5000)  # destroyed
    code, shown, _err = _cli(capsys, demo_ledger, "restore", "--latest")
    assert code == 0 and shown["restored_from"] == made["backup"] and len(_rooms(demo_ledger)) > 40

    elsewhere = tmp_path / "new-laptop" / "ledger.sqlite"
    code, shown, err = _cli(capsys, elsewhere, "restore", made["backup"])
    assert code == 0 and shown["replaced_kept_at"] is None and f"Created a new ledger at {elsewhere}" in err


def test_a_backup_made_during_an_open_write_holds_only_what_was_committed(demo_ledger, tmp_path):
    writer = sqlite3.connect(demo_ledger, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE hazards SET room = 'not committed'")
        copy = backups.copy_ledger(demo_ledger, tmp_path / "copy.sqlite")
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert "not committed" not in _rooms(copy) and set(_rooms(demo_ledger)) == {"not committed"}
    assert backups.check_ledger_file(copy)  # a whole ledger on its own: one file, no -wal needed
    assert not (tmp_path / "copy.sqlite-wal").exists()


def test_the_rotation_keeps_recent_copies_and_one_a_day_for_the_days_set(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    open_database(sqlite_url(ledger)).dispose()
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    # Three starts a day for 30 days.
    for day in range(30):
        for hour in (8, 12, 17):
            backups.make_backup(ledger, keep_days=14, now=start + timedelta(days=day, hours=hour - 8))
    now = start + timedelta(days=29, hours=9)  # the last backup: day 30, 17:00
    kept = backups.list_backups(ledger)
    days = {b.made_at.date() for b in kept}
    assert kept[0].made_at == now
    # The newest five are all kept (the last day's three and the day before's last two) ...
    recent = [start + timedelta(days=29, hours=h) for h in (9, 4, 0)] + [
        start + timedelta(days=28, hours=h) for h in (9, 4)]
    assert [b.made_at for b in kept[:backups.KEEP_RECENT]] == recent
    # ... and beyond them one a day, the day's last.
    assert all(b.made_at.hour == 17 for b in kept[backups.KEEP_RECENT:])
    assert min(days) >= (now - timedelta(days=14)).date()  # nothing older than the setting
    assert len(days) == 14  # one for each of the 14 days
    assert all(now - b.made_at < timedelta(days=14) for b in kept)


def test_a_daily_backup_is_due_once_a_day_and_a_damaged_ledger_never_enters_the_rotation(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    open_database(sqlite_url(ledger)).dispose()
    now = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert backups.backup_if_due(ledger, 14, now) is not None
    assert backups.backup_if_due(ledger, 14, now + timedelta(hours=23)) is None
    assert backups.backup_if_due(ledger, 14, now + timedelta(hours=25)) is not None
    good = backups.list_backups(ledger)
    data = bytearray(ledger.read_bytes())
    data[4096:12288] = b"\x77" * 8192
    ledger.write_bytes(bytes(data))
    with pytest.raises(LedgerError, match="damaged"):
        backups.backup_if_due(ledger, 14, now + timedelta(days=3))
    assert backups.list_backups(ledger) == good


def test_a_ledger_whose_name_has_uri_characters_backs_up(tmp_path):
    ledger = tmp_path / "school #2 draft%20 [v1].sqlite"  # names Windows allows
    open_database(sqlite_url(ledger)).dispose()
    made = backups.make_backup(ledger, keep_days=14)
    assert backups.check_ledger_file(made.path) == backups.HEAD_REVISION
