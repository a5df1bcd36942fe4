"""The ledger file's costs: opening a current ledger (without Alembic) against opening it with Alembic
loaded as before, one committed edit with synchronous=FULL against NORMAL, and a checked backup.

    .venv/bin/python benchmarks/ledger_file.py [--hazards 20000] [--runs 5] [--edits 100]

Prints medians in ms and the ratios. No budget is asserted; a person reads the figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ledger import fill  # benchmarks/ledger.py: a ledger of N realistic hazards
from sqlalchemy import event, select
from timing import median_ms

from inspector_app.core import backups
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.hazards import update_hazard
from inspector_app.core.models import Hazard

OPEN_NOW = ("import time; t = time.perf_counter(); from inspector_app.core.db import open_database, sqlite_url; "
            "open_database(sqlite_url({path!r}), may_create=False).dispose(); print(time.perf_counter() - t)")
# What opening cost before: Alembic imported and asked for the current revision and the heads.
OPEN_WITH_ALEMBIC = ("import time; t = time.perf_counter(); from inspector_app.core import db; "
                     "from alembic.runtime.migration import MigrationContext; "
                     "e = db.make_engine(db.sqlite_url({path!r})); db.migration_heads(); "
                     "c = e.connect(); MigrationContext.configure(c).get_current_revision(); c.close(); "
                     "db.open_database(db.sqlite_url({path!r}), may_create=False).dispose(); "
                     "print(time.perf_counter() - t)")


ALEMBIC_ALONE = ("import time; import sqlalchemy.orm; t = time.perf_counter(); import alembic.command, "
                 "alembic.config, alembic.script, alembic.runtime.migration; print(time.perf_counter() - t)")


def _in_fresh_process(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(done.stdout.strip()) * 1000)
    return sorted(times)[len(times) // 2]


def _edit_ms(path: Path, synchronous: str, edits: int) -> float:
    db = open_database(sqlite_url(path), may_create=False)
    db.engine.dispose()  # new connections get the setting below after the program's own pragmas
    event.listen(db.engine, "connect", lambda conn, _rec: conn.execute(f"PRAGMA synchronous={synchronous}"))
    with db.session() as session:
        hazard_id = session.scalars(select(Hazard.id).where(Hazard.status == "open").limit(1)).one()
    start = time.perf_counter()
    for i in range(edits):
        with db.session() as session:
            update_hazard(session, session.get(Hazard, hazard_id), "bench", None, room=f"r{synchronous}{i}")
    elapsed = (time.perf_counter() - start) * 1000 / edits
    db.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edits", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        fill(path, args.hazards)
        size_mb = path.stat().st_size / 1e6
        print(f"ledger: {args.hazards} hazards, {size_mb:.1f} MB")

        now = _in_fresh_process(OPEN_NOW.format(path=str(path)), args.runs)
        before = _in_fresh_process(OPEN_WITH_ALEMBIC.format(path=str(path)), args.runs)
        print(f"open a current ledger in a fresh process: {now:.0f} ms without Alembic, {before:.0f} ms with it "
              f"(ratio {before / now:.2f}); importing Alembic alone: "
              f"{_in_fresh_process(ALEMBIC_ALONE, args.runs):.0f} ms")

        normal = _edit_ms(path, "NORMAL", args.edits)
        full = _edit_ms(path, "FULL", args.edits)
        print(f"one edit committed (update_hazard + its event): {full:.1f} ms with synchronous=FULL, "
              f"{normal:.1f} ms with NORMAL (ratio {full / normal:.2f})")

        copy = Path(tmp) / "copy.sqlite"
        backup_ms = median_ms(lambda: backups.copy_ledger(path, copy), args.runs)
        check_ms = median_ms(lambda: backups.check_ledger_file(copy), args.runs)
        print(f"checked backup: {backup_ms:.0f} ms for {size_mb:.1f} MB ({size_mb / backup_ms * 1000:.0f} MB/s), "
              f"of which the quick_check {check_ms:.0f} ms")


if __name__ == "__main__":
    main()
