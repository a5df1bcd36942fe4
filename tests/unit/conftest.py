"""What the unit tests share: a ledger per test made fast, and the CLI run in-process against a ledger file."""

from __future__ import annotations

import shutil

import pytest

from inspector_app.cli import main


@pytest.fixture
def run(capsys, tmp_path):
    db = tmp_path / "ledger.sqlite"

    def _run(*args: str, lang: str = "en") -> tuple[int, str, str]:
        code = main(["--db", str(db), "--lang", lang, "--as", "tester", *args])
        out, err = capsys.readouterr()
        return code, out, err

    _run.db = db  # type: ignore[attr-defined]
    return _run


@pytest.fixture(scope="session")
def _migrated_ledger(tmp_path_factory):
    """One empty ledger migrated to the newest schema, copied for each test: running every migration
    costs about a second, a copy a few milliseconds, which is what makes mutation testing affordable."""
    from inspector_app.core.db import open_database, sqlite_url

    path = tmp_path_factory.mktemp("template") / "ledger.sqlite"
    open_database(sqlite_url(path)).dispose()
    return path


@pytest.fixture
def db(tmp_path, _migrated_ledger):
    from inspector_app.core.db import open_database, sqlite_url

    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(_migrated_ledger, path)
    database = open_database(sqlite_url(path))
    yield database
    database.dispose()
