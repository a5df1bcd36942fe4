"""A bundle double-clicked on the desktop (the installer's .fribundle association runs
`FireRiskInspector.exe FILE`): the program asks, merges it into the ledger it opens, and says what
came in; declining or a damaged file leaves that ledger as it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from inspector_app.app.context import AppContext
from inspector_app.cli import main
from inspector_app.core.models import Hazard
from inspector_app.core.settings import Settings
from inspector_app.paths import default_database_path
from inspector_app.ui.bundle_open import is_bundle_argument, offer_bundle


@pytest.fixture
def bundle(floor, db, tmp_path, capsys):
    """A bundle from another laptop's ledger with one hazard on it."""
    ledger = db.url.removeprefix("sqlite:///")
    db.dispose()
    assert main(["--db", ledger, "--lang", "en", "hazard", "add", "--floor", str(floor), "--x", "0.3", "--y", "0.4",
                 "--category", "electrical.aging_wiring", "--description", "插线板放在床上"]) == 0
    path = tmp_path / "school.fribundle"
    assert main(["--db", ledger, "--lang", "en", "bundle", "export", "--out", str(path)]) == 0
    capsys.readouterr()
    return path


def answer(*buttons: QMessageBox.StandardButton) -> list[str]:
    """Press these buttons in the message boxes as they open, as the user would; returns their texts."""
    pending, seen = list(buttons), []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and pending:
            seen.append(box.text())
            box.button(pending.pop(0)).click()
        if pending:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen


def hazards_in_default_ledger() -> list[str]:
    from inspector_app.core.db import open_database, sqlite_url

    database = open_database(sqlite_url(default_database_path()))
    try:
        with database.session() as session:
            return list(session.scalars(select(Hazard.description)))
    finally:
        database.dispose()


@pytest.fixture
def context():
    made = AppContext(settings=Settings(), actor="李伟")
    yield made
    made.close()


def test_yes_merges_the_bundle_into_the_default_ledger_and_says_what_came(qapp, bundle, context, english):
    seen = answer(QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Ok)
    assert offer_bundle(context, bundle) is True
    assert seen[0] == f"Merge the bundle school.fribundle into this ledger?\n\n{default_database_path()}"
    assert "records merged." in seen[1]
    context.close()
    assert hazards_in_default_ledger() == ["插线板放在床上"]


def test_no_leaves_the_ledger_untouched(qapp, bundle, context, english):
    answer(QMessageBox.StandardButton.No)
    assert offer_bundle(context, bundle) is False
    context.close()
    assert hazards_in_default_ledger() == []


def test_a_damaged_bundle_is_refused_with_its_reason(qapp, tmp_path, context, english):
    damaged = tmp_path / "broken.fribundle"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    seen = answer(QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Ok)
    assert offer_bundle(context, damaged) is False
    assert "broken.fribundle is not a usable bundle" in seen[1] and "Nothing was imported" in seen[1]


def test_only_one_existing_bundle_path_counts_as_a_double_click(bundle, tmp_path):
    assert is_bundle_argument([str(bundle)])
    assert not is_bundle_argument([str(tmp_path / "missing.fribundle")])
    assert not is_bundle_argument([str(bundle), "gui"])
    assert not is_bundle_argument(["hazard"])


def test_a_double_click_merges_then_opens_the_program_on_that_ledger(qapp, bundle, monkeypatch, english):
    """gui_main with the bundle's path alone, as Explorer starts it: the question, the report, then the
    main window; closing that window ends the program."""
    from inspector_app.core.settings import save_settings
    from inspector_app.launcher import gui_main
    from inspector_app.ui.main_window import MainWindow

    save_settings(Settings(language="en"))  # the program takes its language from the user's settings
    monkeypatch.setattr("sys.argv", ["FireRiskInspector.exe", str(bundle)])
    seen = answer(QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Ok)
    opened: list[MainWindow] = []

    def close_the_program_once_open() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            opened.extend(windows)
            windows[0].close()
        else:
            QTimer.singleShot(50, close_the_program_once_open)

    QTimer.singleShot(0, close_the_program_once_open)
    assert gui_main() == 0
    assert len(seen) == 2 and "records merged." in seen[1]
    assert opened and opened[0].context.db_path is None  # the default ledger, the one merged into
    assert hazards_in_default_ledger() == ["插线板放在床上"]
