"""Never lose work, command line: SIGKILL a process in the middle of a burst of `hazard edit`s; every
edit it acknowledged is in the ledger, the database passes PRAGMA integrity_check and the history
chain verifies."""

from __future__ import annotations

import json

from inspector_app.cli import main
from tests.kill_test_helpers import expected_rooms, integrity, kill_in_burst, rooms_in_history


def test_sigkill_in_a_burst_of_cli_edits_keeps_every_acknowledged_edit(tmp_path, capsys):
    ledger = tmp_path / "ledger.sqlite"
    assert main(["--db", str(ledger), "--lang", "en", "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", str(ledger), "--lang", "en", "hazard", "list", "--status", "open"]) == 0
    number = json.loads(capsys.readouterr().out)[0]["number"]
    for kill_after in (2, 5):  # two kills into the same ledger: the second burst starts on the first's wreck
        acked = kill_in_burst("cli", ledger, number, count=200, kill_after=kill_after)
        assert len(acked) >= kill_after
        assert expected_rooms(acked) <= rooms_in_history(ledger)
        assert integrity(ledger) == ["ok"]
    assert main(["--db", str(ledger), "--lang", "en", "audit", "verify"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
