"""Pages per second for 500 per-hazard notices (photo, plan excerpt, QR) as one PDF, beside reportlab
drawing the same pages from inputs prepared beforehand (the ratio is what our pipeline adds:
reading the ledger, cutting plan excerpts, building QR codes). Budget: >= 30 pages/s, ratio <= 1.5.

    PYTHONPATH=. python benchmarks/notices.py [--pages 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_ms

from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.forms import load_catalogue
from inspector_app.core.models import Hazard
from inspector_app.i18n import use_language
from inspector_app.notices.facts import HazardFacts, PlanRef, gather
from inspector_app.notices.fonts import cjk_font
from inspector_app.notices.notice_pdf import (
    draw_hazard_notice,
    hazard_notices_pdf,
    new_canvas,
    prepare_images,
)
from inspector_app.notices.qr import hazard_url, qr_matrix

BASE = "http://192.168.1.20:8470"


def variants(facts: list[HazardFacts], pages: int) -> list[HazardFacts]:
    """`pages` distinct notices: each its own token (so its own QR) and its own pin (own excerpt)."""
    out = []
    for index in range(pages):
        f = facts[index % len(facts)]
        plan = f.plan
        if plan is not None:
            plan = PlanRef(plan.path, plan.page, 0.1 + (index * 0.037) % 0.8, 0.15 + (index * 0.053) % 0.7)
        out.append(dataclasses.replace(f, url=hazard_url(BASE, secrets.token_urlsafe(18)), plan=plan))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp, use_language("zh_CN"):
        db = open_database(sqlite_url(Path(tmp) / "ledger.sqlite"))
        create_demo(db, catalogue)
        with db.session() as session:
            ids = [h.id for h in session.query(Hazard).filter(Hazard.status == "open")]
        cjk_font()  # registering the font is a one-off per process, not a per-page cost
        today = dt.date.today()

        def full() -> bytes:
            qr_matrix.cache_clear()
            with db.session() as session:
                facts = gather(session, catalogue, db.store, ids, BASE)
            items = variants(facts, args.pages)
            return hazard_notices_pdf([(f, f"吕教安〔2026〕第{i:04d}号") for i, f in enumerate(items)], today)

        with db.session() as session:
            prepared_facts = variants(gather(session, catalogue, db.store, ids, BASE), args.pages)
        prepared = [(f, f"吕教安〔2026〕第{i:04d}号", prepare_images(f)) for i, f in enumerate(prepared_facts)]

        def bare() -> bytes:
            out = io.BytesIO()
            canvas = new_canvas(out, "bare")
            for facts, number, images in prepared:
                draw_hazard_notice(canvas, facts, number, today, images)
                canvas.showPage()
            canvas.save()
            return out.getvalue()

        full()  # warm: plan documents opened, photo cached, as after the first notice of a session
        full_ms = median_ms(full, args.runs)
        bare_ms = median_ms(bare, args.runs)
        db.dispose()
    print(f"{args.pages} per-hazard notices, median of {args.runs} runs")
    print(f"  full pipeline : {full_ms / 1000:6.2f} s  {args.pages / full_ms * 1000:6.1f} pages/s  (budget >= 30)")
    print(f"  reportlab only: {bare_ms / 1000:6.2f} s  {args.pages / bare_ms * 1000:6.1f} pages/s")
    print(f"  ratio         : {full_ms / bare_ms:6.2f}  (budget <= 1.5)")


if __name__ == "__main__":
    main()
