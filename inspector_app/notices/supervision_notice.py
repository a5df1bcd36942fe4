"""The supervision notice (隐患督办通知书, issue 25): to an organisation, listing the hazards of its own
sites (a notice belongs to one organisation, as the central server requires of every notice) under
supervision (督办) or listed supervision (挂牌督办) today, with what each is and how late, and a date
by which the organisation reports the corrections in writing.

Numbered in the notice register as a series of its own (the organisation's prefix and 督, e.g.
吕教安督〔2026〕第0001号; in English LLEB-S [2026] No. 0001), recorded with the PDF's hash and a
"notice_issued" event on every hazard it lists, like every notice; in the organisation's language;
A4 with the official margins, the embedded CJK font, "page N of M", the issuer's seal and the receipt
stub (回执).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import notice_register
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue
from inspector_app.core.models import Building, Floor, Hazard, Organisation, Site
from inspector_app.core.organisation import chain_of, effective_settings, get_organisation
from inspector_app.core.supervision import LevelReader
from inspector_app.core.supervision_rules import LEVEL_COLOURS, SUPERVISED, level_label
from inspector_app.i18n import DEFAULT_LANGUAGE, _, use_language
from inspector_app.notices import layout as L
from inspector_app.notices import official_pages

# Added to the organisation's notice prefix: supervision notices are numbered apart from rectification notices.
SERIES = {"zh": "督", "en": "-S"}
REPLY_DAYS = 7  # the default time to report the corrections in writing


@dataclass(frozen=True)
class SupervisedLine:
    id: uuid.UUID
    number: str
    place: str
    category: str
    description: str
    deadline: dt.date | None
    days_late: int
    level: int


def supervised_lines(session: Session, catalogue: Catalogue, org: Organisation, today: dt.date,
                     language: str) -> list[SupervisedLine]:
    """The hazards of the organisation's sites at supervision level 2 or 3 today, listed supervision
    first, then the longest overdue, then by number."""
    rows = session.execute(
        select(Hazard, Site.name, Building.name, Floor.name).join(Site, Hazard.site_id == Site.id)
        .outerjoin(Floor, Hazard.floor_id == Floor.id).outerjoin(Building, Floor.building_id == Building.id)
        .where(Site.organisation_id == org.id, Hazard.status.not_in(("closed", "withdrawn")))).all()
    reader = LevelReader(session, today, [row[0].id for row in rows])
    lines = []
    for hazard, site, building, floor in rows:
        level = reader.level(hazard)
        if level < SUPERVISED:
            continue
        category = catalogue.categories.get(hazard.category)
        late = (today - hazard.deadline).days if hazard.deadline and hazard.deadline < today else 0
        lines.append(SupervisedLine(
            id=hazard.id, number=hazard.number, place=" / ".join(p for p in (site, building, floor, hazard.room) if p),
            category=category.name.get(language) if category else hazard.category,
            description=hazard.description, deadline=hazard.deadline, days_late=late, level=level))
    lines.sort(key=lambda line: (-line.level, -line.days_late, line.number))
    return lines


def supervision_notice_pdf(lines: list[SupervisedLine], addressee: str, issuer: str, number: str,
                           issued: dt.date, reply_by: dt.date) -> bytes:
    out = io.BytesIO()
    doc = official_pages.document(out, _("Hazard Supervision Notice"))
    body, small, head = L.style(10.5, indent=21 if L.is_chinese() else 0), L.style(9), L.style(9, align=L.CENTER)
    listed = sum(1 for line in lines if line.level > SUPERVISED)
    story: list[Flowable] = [
        official_pages.RedHeading(_("Hazard Supervision Notice"), number),
        L.para(_("{unit}:").format(unit=addressee), L.style(12)), Spacer(1, 2 * mm),
        L.para(_("The {count} fire hazards of your unit listed below were not corrected by their deadlines, or are "
                 "major hazards still unfixed. {issuer} places them under supervision; {listed} of them under listed "
                 "supervision. Correct each at once, keep interim safeguards in place until then, and report the "
                 "corrections in writing by {date}. Listed hazards are closed only after acceptance.").format(
            count=len(lines), issuer=issuer, listed=listed, date=L.long_date(reply_by)), body),
        Spacer(1, 4 * mm),
    ]
    titles = (_("No."), _("Hazard No. and location"), _("Hazard"), _("Deadline"), _("Days overdue"),
              _("Supervision"))
    rows: list[list[object]] = [[L.para(t, head) for t in titles]]
    for index, line in enumerate(lines, start=1):
        finding = L.markup_para(f"<b>{L.escape_text(line.category)}</b><br/>{L.escape_text(line.description)}", small)
        rows.append([L.para(str(index), head), L.para(f"{line.number}\n{line.place}", small), finding,
                     L.para(L.long_date(line.deadline) or "—", head), L.para(str(line.days_late or "—"), head),
                     L.markup_para(f'<font color="{LEVEL_COLOURS[line.level]}"><b>'
                                   f"{L.escape_text(level_label(line.level))}</b></font>", head)])
    widths = [9 * mm, 38 * mm, 0, 26 * mm, 15 * mm, 20 * mm]
    widths[2] = L.BLOCK_W - sum(widths)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(official_pages.ruled_table(((0, 0), (-1, 0)), 1.5 * mm))  # the header row shaded
    story += [table, Spacer(1, 8 * mm), KeepTogether([official_pages.SealAndReceipt(issuer, issued, _(
        "We have received the Hazard Supervision Notice {number} listing {count} hazards and will report their "
        "correction by the date it gives.").format(number=number, count=len(lines)), inspectors_sign=False)])]
    doc.build(story, canvasmaker=L.numbered_canvas(official_pages.running_furniture(addressee, number, L.page_of)))
    return out.getvalue()


def print_supervision_notice(db: Database, catalogue: Catalogue, organisation_id: uuid.UUID | str, out: Path, *,
                             actor: str, reply_by: dt.date | None = None, language: str | None = None) -> \
        tuple[str, int, str]:
    """Issue the notice for the organisation's supervised hazards today; (number, hazards, language)."""
    today = notice_register.today()
    reply_by = reply_by or today + dt.timedelta(days=REPLY_DAYS)
    if reply_by < today:
        raise InspectorError(_("The reply date {date} is before today {today}.").format(
            date=reply_by.isoformat(), today=today.isoformat()))
    with db.session() as session:
        org = get_organisation(session, organisation_id)
        settings = effective_settings(session, org)
        language = language or settings.language or DEFAULT_LANGUAGE
        chain = chain_of(session, org)
        issuer = chain[1].name if len(chain) > 1 else org.name
        with use_language(language):
            lines = supervised_lines(session, catalogue, org, today, language)
        if not lines:  # in the user's language, not the document's
            raise InspectorError(_("{name} has no hazard under supervision today.").format(name=org.name))
        with use_language(language):

            def render(notices: list[notice_register.IssuedNotice]) -> bytes:
                return supervision_notice_pdf(lines, org.name, issuer, notices[0].number, today, reply_by)

            prefix = settings.notice_prefix + SERIES.get(language[:2], "")
            notices, _digest = notice_register.issue(
                session, [[line.id for line in lines]], prefix=prefix, kind="supervision",
                language=language, actor=actor, render=render, out=out)
        return notices[0].number, len(lines), language
