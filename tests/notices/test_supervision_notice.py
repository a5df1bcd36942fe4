"""The supervision notice (督办通知书, issue 25) on the demo ledger, checked with pdftotext and pdffonts:
it lists exactly the organisation's hazards under supervision today, listed supervision first; it is
numbered in a series of its own, recorded in every listed hazard's history, speaks the organisation's
language, numbers its pages "N of M" and embeds its font."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.core import dates
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import HazardEvent, Notice, Organisation
from inspector_app.core.queries import list_hazards
from inspector_app.notices.supervision_notice import print_supervision_notice

BEIJING = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 9, 14, 9, 0, tzinfo=BEIJING)


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize(("language", "title", "number", "pages"), [
    ("zh_CN", "隐患督办通知书", "吕教安督〔2026〕第0001号", r"第 ?(\d+) ?页 ?共 ?(\d+) ?页"),
    ("en", "Hazard Supervision Notice", "LLEB-S [2026] No. 0001", r"Page (\d+) of (\d+)"),
])
def test_the_notice_lists_the_supervised_hazards_numbered_and_recorded(tmp_path, catalogue, language, title, number,
                                                                       pages):
    db = open_database(sqlite_url(tmp_path / "demo.sqlite"))
    try:
        with dates.fixed_clock(NOW, BEIJING):
            create_demo(db, catalogue, language=language)
            with db.session() as session:
                supervised = {row.number: row.supervision_level for row in list_hazards(session)
                              if row.supervision_level >= 2}
                org = session.scalars(select(Organisation)).one().id
            out = tmp_path / "supervision.pdf"
            issued, count, spoken = print_supervision_notice(db, catalogue, org, out, actor="bureau")
        assert (issued, count, spoken) == (number, len(supervised), language) and count >= 5
        text = pdftotext(out)
        assert title in text and number in text
        listed = re.findall(r"LL1-\d{4}", text)
        assert sorted(listed) == sorted(supervised)  # each supervised hazard once, no other
        # Listed supervision (3) before supervision (2).
        levels = [supervised[n] for n in listed]
        assert levels == sorted(levels, reverse=True)
        numbered = re.findall(pages, text)
        assert [int(page) for page, _total in numbered] == list(range(1, len(numbered) + 1))
        assert {int(total) for _page, total in numbered} == {len(numbered)}
        fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
        assert all(" yes yes " in row for row in fonts.splitlines()[2:])
        with db.session() as session:
            notice = session.scalars(select(Notice).where(Notice.kind == "supervision")).one()
            assert notice.number == number and notice.pdf_hash
            recorded = session.scalars(select(HazardEvent).where(HazardEvent.kind == "notice_issued")).all()
            assert sum(1 for e in recorded if e.data.get("notice_number") == number) == count
    finally:
        db.dispose()


def test_no_notice_without_supervised_hazards(db, floor, catalogue, english, tmp_path):
    from inspector_app.core.hazards import add_hazard

    with dates.fixed_clock(NOW, BEIJING), db.session() as session:
        add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring", floor_id=floor,
                   x=0.5, y=0.5, deadline=NOW.date())  # due today: a reminder, not yet supervised
        org = session.scalars(select(Organisation)).one().id
    with dates.fixed_clock(NOW, BEIJING), pytest.raises(InspectorError, match="no hazard under supervision"):
        print_supervision_notice(db, catalogue, org, tmp_path / "none.pdf", actor="bureau")
    assert not (tmp_path / "none.pdf").exists()
