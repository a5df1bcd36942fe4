"""What the XLSX ledger's photo thumbnails cost: seconds and megabytes for N ledger rows written with
thumbnails, beside the same rows without photos (the ratio is what the thumbnails add). Rows are
the demo's lines repeated, each with its before- (and, when closed, after-) photo.

    PYTHONPATH=. python benchmarks/ledger_xlsx.py [--rows 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_ms

from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.forms import load_catalogue
from inspector_app.exports.ledger_table import ledger_lines
from inspector_app.exports.ledger_xlsx import write_ledger_xlsx
from inspector_app.i18n import use_language


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp_name, use_language("zh_CN"):
        tmp = Path(tmp_name)
        db = open_database(sqlite_url(tmp / "demo.sqlite"))
        create_demo(db, catalogue, language="zh_CN")
        with db.session() as session:
            demo_lines = ledger_lines(session, catalogue, None, store=db.store)
        lines = [demo_lines[i % len(demo_lines)] for i in range(args.rows)]
        bare = [dataclasses.replace(line, photos=()) for line in lines]
        day = dt.date.today()

        def write(rows: list, name: str) -> None:
            write_ledger_xlsx(rows, tmp / name, organisation="吕梁市教育局", scope="全部", printed_on=day)

        with_ms = median_ms(lambda: write(lines, "with.xlsx"), args.runs)
        without_ms = median_ms(lambda: write(bare, "without.xlsx"), args.runs)
        with_mb = (tmp / "with.xlsx").stat().st_size / 1e6
        without_mb = (tmp / "without.xlsx").stat().st_size / 1e6
        thumbnails = sum(1 for line in lines for role in ("before", "after")
                         if any(p.role == role and p.path for p in line.photos))
        db.dispose()
    print(f"{args.rows} ledger rows, {thumbnails} thumbnails, median of {args.runs} runs")
    print(f"  with thumbnails   : {with_ms / 1000:6.2f} s  {with_mb:6.2f} MB")
    print(f"  without photos    : {without_ms / 1000:6.2f} s  {without_mb:6.2f} MB")
    print(f"  ratio             : {with_ms / without_ms:6.2f} time, {with_mb / without_mb:6.2f} size")
    print(f"  per thumbnail     : {(with_mb - without_mb) * 1e3 / max(thumbnails, 1):6.2f} KB")


if __name__ == "__main__":
    main()
