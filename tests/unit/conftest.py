"""What the unit tests of the command line share: a ledger file and the CLI run in-process against it."""

from __future__ import annotations

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
