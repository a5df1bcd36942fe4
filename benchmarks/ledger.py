"""Ledger speed with 100,000 hazards: filter, sort and full-text search through core.ledger, and the
time until the ledger view (LedgerModel in a QTableView, offscreen) first shows its rows.

    .venv/bin/python benchmarks/ledger.py [--hazards 100000] [--runs 5]

Budget (issue 4): filter, sort and search < 100 ms each. Prints medians of several runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

from timing import median_ms  # benchmarks/timing.py, beside this script

from inspector_app.core import ledger, structure
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.forms import load_catalogue
from inspector_app.core.hazards import new_public_token, new_short_code
from inspector_app.core.models import Hazard

WORDS = ["电线", "插座", "热得快", "通道", "堵塞", "灭火器", "过期", "应急灯", "损坏", "煤气", "wiring", "exit"]


def fill(db_path: Path, count: int) -> None:
    catalogue = load_catalogue()
    codes = sorted(catalogue.categories)
    db = open_database(sqlite_url(db_path))
    rng = random.Random(1)
    with db.session() as session:
        org = structure.create_organisation(session, "Bench bureau")
        site = structure.create_site(session, org, "Bench school", code="B1")
        floors = []
        for b in range(10):
            building = structure.create_building(session, site, f"Building {b}")
            floors += [structure.create_floor(session, building, f"{f}F", f).id for f in range(1, 6)]
        site_id = site.id
    statuses = ["open", "in_progress", "awaiting_reinspection", "closed", "withdrawn"]
    today = dt.date.today()
    rows = []
    for seq in range(1, count + 1):
        found = today - dt.timedelta(days=rng.randint(0, 700))
        rows.append({
            "id": uuid.uuid4(), "site_id": site_id, "seq": seq, "number": f"B1-{seq:06d}",
            "floor_id": rng.choice(floors), "page": 0, "x": rng.random(), "y": rng.random(),
            "room": f"{rng.randint(1, 5)}{rng.randint(1, 30):02d}", "area_type": "dormitory",
            "category": rng.choice(codes), "severity": "major" if rng.random() < 0.1 else "general",
            "description": " ".join(rng.choice(WORDS) for _ in range(4)), "legal_basis": "", "required_measures": "",
            "interim_safeguards": "", "responsible_unit": "后勤处",
            "responsible_person": rng.choice(["王", "李", "张"]),
            "funding": "", "deadline": found + dt.timedelta(days=rng.randint(1, 60)), "fixed_on_spot": False,
            "status": rng.choice(statuses), "public_token": new_public_token(), "short_code": new_short_code(),
            "found_at": dt.datetime.combine(found, dt.time(10)), "updated_at": dt.datetime.now(),
        })
    with db.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(Hazard.__table__.insert(), rows[start:start + 5000])
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        start = time.perf_counter()
        fill(path, args.hazards)
        print(f"filled {args.hazards} hazards in {time.perf_counter() - start:.1f} s")
        db = open_database(sqlite_url(path))
        cases = {
            "all, by number": (ledger.LedgerFilter(), "number"),
            "filter status=open": (ledger.LedgerFilter(statuses=frozenset({"open"})), "number"),
            "filter overdue": (ledger.LedgerFilter(overdue_only=True), "number"),
            "filter severity=major + responsible": (ledger.LedgerFilter(severity="major", responsible="王"), "number"),
            "sort by deadline": (ledger.LedgerFilter(), "deadline"),
            "sort by location": (ledger.LedgerFilter(), "location"),
            "sort by description": (ledger.LedgerFilter(), "description"),
            "search '热得快'": (ledger.LedgerFilter(search="热得快"), "number"),
            "search '通道 堵塞'": (ledger.LedgerFilter(search="通道 堵塞"), "number"),
        }
        print(f"{'case':40} {'median ms':>10} {'rows':>8}  budget 100 ms")
        for name, (flt, sort) in cases.items():
            found: list[uuid.UUID] = []

            def run(flt: ledger.LedgerFilter = flt, sort: str = sort, found: list[uuid.UUID] = found) -> None:
                with db.session() as session:
                    found[:] = ledger.ledger_ids(session, flt, sort)

            ms = median_ms(run, args.runs)
            print(f"{name:40} {ms:10.1f} {len(found):8d}  {'ok' if ms < 100 else 'OVER'}")

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication, QTableView

        from inspector_app.ui.ledger_model import LedgerModel

        app = QApplication.instance() or QApplication([])
        catalogue = load_catalogue()
        start = time.perf_counter()
        model = LedgerModel(db, catalogue)
        model.reload()
        view = QTableView()
        view.resize(1200, 800)
        view.setModel(model)
        view.show()
        app.processEvents()
        view.grab()
        print(f"ledger view first shown with {model.rowCount()} rows: {(time.perf_counter() - start) * 1000:.0f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
