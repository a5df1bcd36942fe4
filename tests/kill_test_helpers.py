"""What the kill tests share: start a burst of edits (tests/edit_burst.py) in a real process, SIGKILL
it in the middle, and read back what the ledger kept."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.edit_burst import value

REPO_ROOT = Path(__file__).resolve().parents[1]


def kill_in_burst(mode: str, ledger: Path, hazard: str, count: int, kill_after: int) -> list[int]:
    """Run the burst, SIGKILL it right after ``kill_after`` acknowledgements (plus a random few ms, so the
    kill lands at different points of the next edit); the acknowledged edit numbers."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    process = subprocess.Popen([sys.executable, "-m", "tests.edit_burst", mode, str(ledger), hazard, str(count)],
                               cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acked: list[int] = []
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("ack "):
                acked.append(int(line.split()[1]))
            if len(acked) >= kill_after:
                break
        time.sleep(random.uniform(0, 0.03))
        process.send_signal(signal.SIGKILL)
        # What the process printed after the break is acknowledged too: it said so before it died.
        rest, errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    acked += [int(line.split()[1]) for line in rest.splitlines() if line.startswith("ack ")]
    assert process.returncode == -signal.SIGKILL, f"the burst ended before the kill: {errors[-2000:]}"
    return acked


def rooms_in_history(ledger: Path) -> set[str]:
    with sqlite3.connect(ledger) as connection:
        rows = connection.execute("SELECT data FROM hazard_events WHERE kind = 'edited'").fetchall()
    return {text for (data,) in rows for text in _burst_values(data)}


def _burst_values(data: str) -> list[str]:
    return re.findall(r"burst-\d{4}", data)


def integrity(ledger: Path) -> list[str]:
    with sqlite3.connect(ledger) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def expected_rooms(acked: list[int]) -> set[str]:
    return {value(i) for i in acked}
