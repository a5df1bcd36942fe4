"""What the unit tests share: a ledger per test made fast, and the CLI run in-process against a ledger file."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

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


# The migrated template of this process, kept across pytest sessions: mutmut (scripts/mutation.sh)
# forks every mutant's session from the process that ran the tests first, so each fork finds it made.
_TEMPLATE: dict[str, Path] = {}


@pytest.fixture(scope="session")
def _migrated_ledger():
    """One empty ledger migrated to the newest schema, copied for each test: running every migration
    costs one to two seconds, a copy a few milliseconds, which is what makes mutation testing affordable
    (made once per process, not per session; removed when the process that made it ends)."""
    from inspector_app.core.db import open_database, sqlite_url

    made = _TEMPLATE.get("ledger")
    if made is not None and made.exists():
        return made
    folder = Path(tempfile.mkdtemp(prefix="inspector-template-"))
    path = folder / "ledger.sqlite"
    open_database(sqlite_url(path)).dispose()
    _TEMPLATE["ledger"] = path
    maker = os.getpid()
    atexit.register(lambda: os.getpid() == maker and shutil.rmtree(folder, ignore_errors=True))
    return path


@pytest.fixture
def db(tmp_path, _migrated_ledger):
    from inspector_app.core.db import open_database, sqlite_url

    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(_migrated_ledger, path)
    database = open_database(sqlite_url(path))
    yield database
    database.dispose()
