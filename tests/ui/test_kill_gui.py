"""Never lose work, desktop program: a real process runs the program offscreen and types a burst of
edits into the hazard editor (tests/edit_burst.py); SIGKILL in the middle of it. Every edit it
acknowledged is in the ledger, PRAGMA integrity_check is ok and the history chain verifies."""

from __future__ import annotations

from inspector_app.core.audit import verify
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.queries import list_hazards
from tests.kill_test_helpers import expected_rooms, integrity, kill_in_burst, rooms_in_history


def test_sigkill_in_a_burst_of_gui_edits_keeps_every_acknowledged_edit(tmp_path, catalogue):
    ledger = tmp_path / "ledger.sqlite"
    db = open_database(sqlite_url(ledger))
    create_demo(db, catalogue)
    with db.session() as session:
        number = next(h.number for h in list_hazards(session) if h.status == "open")
    db.dispose()

    acked = kill_in_burst("gui", ledger, number, count=500, kill_after=25)
    assert len(acked) >= 25
    assert expected_rooms(acked) <= rooms_in_history(ledger)
    assert integrity(ledger) == ["ok"]
    db = open_database(sqlite_url(ledger), may_create=False)
    try:
        with db.session() as session:
            report = verify(session)
    finally:
        db.dispose()
    assert report.ok, report
