"""Opening a ledger file: a missing path is refused (or created only by the commands that may), and
what cannot be opened (not a ledger, damaged, newer schema) is one clear line, never a traceback."""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys

import pytest

from inspector_app.cli import build_parser, main
from inspector_app.core import db as dbmod

CREATING = {"init", "demo", "bundle import", "sync", "restore", "site add"}


def _cli(*args: str, lang: str = "en") -> tuple[int, str, str]:
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--lang", lang, "--as", "tester", *args])
    return code, out.getvalue(), err.getvalue()


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix}{name} ")
                found.update(nested or {f"{prefix}{name}": sub})
    return found


def test_head_revision_constant_is_the_migrations_folders_head():
    assert dbmod.migration_heads() == (dbmod.HEAD_REVISION,)


def test_exactly_the_creating_commands_may_create_a_ledger():
    commands = _commands(build_parser())
    assert set(commands) >= CREATING
    creating = {name for name, sub in commands.items() if sub.get_default("creates_ledger")}
    assert creating == CREATING


@pytest.mark.parametrize("command", [
    ["hazard", "list"], ["hazard", "show", "LL1-0001"], ["audit", "verify"], ["org", "show"],
    ["conflicts", "list"], ["backup"], ["ledger", "export", "--format", "csv", "--out", "x.csv"], ["backups"],
])
def test_a_mistyped_path_is_refused_and_nothing_is_made(tmp_path, command):
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    code, out, err = _cli("--db", str(missing), *command)
    assert code == 1 and out == ""
    assert err.strip() == f"error: no ledger at {missing}"
    assert not (tmp_path / "no").exists()


def test_the_refusal_is_translated(tmp_path):
    missing = tmp_path / "x.db"
    code, _out, err = _cli("--db", str(missing), "hazard", "list", lang="zh")
    assert code == 1 and str(missing) in err and "no ledger" not in err
    assert not missing.exists()


def test_init_makes_an_empty_ledger_once_and_says_so(tmp_path):
    path = tmp_path / "new" / "ledger.sqlite"
    code, out, err = _cli("--db", str(path), "init")
    assert code == 0 and json.loads(out)["schema"] == dbmod.HEAD_REVISION
    assert err.strip() == f"Created a new, empty ledger at {path}"
    assert _cli("--db", str(path), "hazard", "list")[1:] == ("[]\n", "")
    code, _out, err = _cli("--db", str(path), "init")
    assert code == 1 and "already a ledger" in err


def test_demo_may_create_and_says_so_on_stderr(tmp_path):
    path = tmp_path / "d.sqlite"
    code, _out, err = _cli("--db", str(path), "demo")
    assert code == 0 and f"Created a new, empty ledger at {path}" in err


def test_an_empty_file_is_not_filled_by_a_reading_command(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    code, _out, err = _cli("--db", str(path), "hazard", "list")
    assert (code, err.strip()) == (1, f"error: no ledger at {path}") and path.stat().st_size == 0


def test_a_file_that_is_not_a_database_is_named(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("minutes of the meeting\n" * 50)
    code, _out, err = _cli("--db", str(path), "hazard", "list")
    assert code == 1 and err.strip() == f"error: {path} is not a ledger: it is not an SQLite database file."


def test_another_programs_sqlite_database_is_not_a_ledger(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    code, _out, err = _cli("--db", str(path), "demo")
    assert code == 1 and "is a database but not a ledger" in err
    with sqlite3.connect(path) as connection:  # untouched
        assert [r[0] for r in connection.execute("SELECT name FROM sqlite_master")] == ["recipes"]


def test_a_newer_schema_says_so_in_words(tmp_path):
    path = tmp_path / "newer.sqlite"
    assert _cli("--db", str(path), "init")[0] == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    code, _out, err = _cli("--db", str(path), "hazard", "list")
    assert code == 1 and err.count("\n") == 1
    assert "written by a newer version of Fire-Risk Inspector (schema 0099" in err
    assert "Can't locate revision" not in err


def test_a_damaged_ledger_is_one_line_without_library_links(tmp_path):
    path = tmp_path / "damaged.sqlite"
    assert _cli("--db", str(path), "demo")[0] == 0
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page, behind the intact header
    path.write_bytes(bytes(data))
    code, out, err = _cli("--db", str(path), "hazard", "list")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert str(path) in err and "Traceback" not in err and "Background on this error" not in err
    assert "sqlalche.me" not in err


def test_damage_found_after_opening_is_one_line_too(tmp_path):
    path = tmp_path / "late.sqlite"
    assert _cli("--db", str(path), "demo")[0] == 0
    with sqlite3.connect(path) as connection:  # the hazards table's pages, not the schema
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name='hazards'").fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start:start + page_size] = b"\x5a" * page_size
    path.write_bytes(bytes(data))
    code, _out, err = _cli("--db", str(path), "hazard", "list")
    warning, error = err.splitlines()  # the daily backup refused to copy damage, then the command failed
    assert warning.startswith(f"warning: no automatic backup of {path}: The ledger {path} is damaged")
    assert code == 1 and error.startswith(f"error: The ledger {path} could not be read or written: ")
    assert "malformed" in error and "Background on this error" not in err
    assert not list((tmp_path / "late-backups").glob("*.sqlite"))  # no damaged copy among the backups


def test_a_current_ledger_opens_without_importing_alembic(tmp_path):
    path = tmp_path / "current.sqlite"
    dbmod.open_database(dbmod.sqlite_url(path)).dispose()
    probe = ("import sys; from inspector_app.core.db import open_database, sqlite_url; "
             f"open_database(sqlite_url({str(path)!r}), may_create=False).dispose(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_older_schema_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.sqlite"
    engine = dbmod.make_engine(dbmod.sqlite_url(path))
    dbmod.upgrade(engine, "0001")
    engine.dispose()
    database = dbmod.open_database(dbmod.sqlite_url(path), may_create=False)
    try:
        assert dbmod.current_revision(database.engine) == dbmod.HEAD_REVISION and not database.created
    finally:
        database.dispose()


def test_a_database_error_inside_a_unit_of_work_is_one_line_naming_the_ledger(tmp_path):
    from sqlalchemy import text

    from inspector_app.core.errors import InspectorError

    path = tmp_path / "ledger.sqlite"
    database = dbmod.open_database(dbmod.sqlite_url(path))
    try:
        with pytest.raises(InspectorError) as caught, database.session() as session:
            session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    finally:
        database.dispose()
    message = str(caught.value)
    assert message == f"The ledger {path} could not be read or written: no such table: no_such_table"


def test_an_older_ledger_is_backed_up_before_the_cli_upgrades_it(tmp_path):
    from inspector_app.core import backups

    path = tmp_path / "old.sqlite"
    engine = dbmod.make_engine(dbmod.sqlite_url(path))
    dbmod.upgrade(engine, "0001")
    engine.dispose()
    assert _cli("--db", str(path), "hazard", "list")[0:2] == (0, "[]\n")
    made = backups.list_backups(path)
    assert len(made) == 1 and backups.check_ledger_file(made[0].path) == "0001"
    engine = dbmod.make_engine(dbmod.sqlite_url(path))
    try:
        assert dbmod.current_revision(engine) == dbmod.HEAD_REVISION
    finally:
        engine.dispose()
