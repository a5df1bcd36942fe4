"""The daily digest's content (issue 25): for an organisation and every organisation below it, on one
day, what is overdue, what falls due in the next days, what waits for re-inspection, and what was
escalated since the day before (its supervision level rose: derived for both days, nothing stored).

Rendered as markdown (WeCom and DingTalk group robots), plain text (e-mail) and JSON (a plain
webhook), in the organisation's language, and split into parts no longer than a service accepts.
Sending it is web/digest's; this module only reads. No Qt, no HTTP.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.due import due_items
from inspector_app.core.models import Hazard, Organisation, Site
from inspector_app.core.organisation import effective_settings, get_organisation
from inspector_app.core.supervision import LevelReader
from inspector_app.core.supervision_rules import level_label
from inspector_app.i18n import DEFAULT_LANGUAGE, N_, _, use_language

DUE_DAYS = 3  # "falls due soon" in a digest: the next three days
LISTED_LINES = 10  # hazards named per section; the counts say how many more


@dataclass(frozen=True)
class DigestLine:
    number: str
    site: str
    deadline: str
    level: int
    description: str

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "site": self.site, "deadline": self.deadline, "level": self.level,
                "description": self.description}


@dataclass
class Digest:
    organisation_id: uuid.UUID
    organisation: str
    day: dt.date
    language: str
    counts: dict[str, int] = field(default_factory=dict)  # overdue, due, reinspection, escalated, listed
    sections: dict[str, list[DigestLine]] = field(default_factory=dict)  # escalated, overdue, due, reinspection

    def as_json(self) -> dict[str, Any]:
        return {"organisation": {"id": str(self.organisation_id), "name": self.organisation},
                "day": self.day.isoformat(), "counts": self.counts,
                "sections": {k: [line.as_json() for line in v] for k, v in self.sections.items()}}

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


def _scope(session: Session, org_id: uuid.UUID) -> set[uuid.UUID]:
    parents = {oid: parent for oid, parent in session.execute(select(Organisation.id, Organisation.parent_id))}
    scope = {org_id}
    changed = True
    while changed:
        below = {oid for oid, parent in parents.items() if parent in scope} - scope
        scope |= below
        changed = bool(below)
    return scope


def build_digest(session: Session, organisation_id: uuid.UUID, day: dt.date) -> Digest:
    org = get_organisation(session, organisation_id)
    language = effective_settings(session, org).language or DEFAULT_LANGUAGE
    scope = _scope(session, org.id)
    sites = {sid for sid, oid in session.execute(select(Site.id, Site.organisation_id)) if oid in scope}
    digest = Digest(org.id, org.name, day, language)
    items = [i for site in sites for i in due_items(session, DUE_DAYS, day, site)]
    items.sort(key=lambda i: (i.deadline is None, i.deadline or day, i.number))
    hazards = list(session.scalars(select(Hazard).where(Hazard.site_id.in_(list(sites)),
                                                         Hazard.status.in_(("open", "in_progress",
                                                                            "awaiting_reinspection")))))
    reader = LevelReader(session, day, [h.id for h in hazards])
    site_names = {sid: name for sid, name in session.execute(select(Site.id, Site.name))}
    escalated = [h for h in hazards if reader.level(h) > reader.level(h, day - dt.timedelta(days=1))]

    def line(number: str, site: str, deadline: dt.date | None, level: int, description: str) -> DigestLine:
        return DigestLine(number, site, deadline.isoformat() if deadline else "", level, description)

    digest.sections["escalated"] = [line(h.number, site_names.get(h.site_id, ""), h.deadline, reader.level(h),
                                         h.description) for h in sorted(escalated, key=lambda h: h.number)]
    for why in ("overdue", "due", "reinspection"):
        digest.sections[why] = [line(i.number, i.site, i.deadline, i.level, i.description)
                                for i in items if i.why == why]
    digest.counts = {key: len(value) for key, value in digest.sections.items()}
    digest.counts["listed"] = sum(1 for h in hazards if reader.level(h) == 3)
    return digest


SECTION_TITLES = {"escalated": N_("Escalated since yesterday"), "overdue": N_("Overdue"),
                  "due": N_("Due within {days} days"), "reinspection": N_("Waiting for re-inspection")}


def _title(key: str) -> str:
    return _(SECTION_TITLES[key]).format(days=DUE_DAYS)


def heading(digest: Digest) -> str:
    with use_language(digest.language):
        return _("Fire hazards of {organisation} on {day}").format(organisation=digest.organisation,
                                                                  day=digest.day.isoformat())


def markdown_lines(digest: Digest) -> list[str]:
    """The digest as markdown lines (the subset both group robots render: headings, bold, lists)."""
    with use_language(digest.language):
        lines = [f"### {heading(digest)}",
                 _("**{overdue}** overdue · **{due}** due within {days} days · **{reinspection}** waiting for "
                   "re-inspection · **{escalated}** escalated · **{listed}** under listed supervision").format(
                     days=DUE_DAYS, **digest.counts)]
        if digest.empty:
            lines.append(_("Nothing is overdue or due."))
        for key, entries in digest.sections.items():
            if not entries:
                continue
            lines.append(f"#### {_title(key)} ({len(entries)})")
            for entry in entries[:LISTED_LINES]:
                level = f" · {level_label(entry.level)}" if entry.level else ""
                lines.append(f"- **{entry.number}** {entry.site} {entry.deadline}{level} · {entry.description}")
            if len(entries) > LISTED_LINES:
                lines.append(_("- … and {count} more").format(count=len(entries) - LISTED_LINES))
    return lines


def plain_text(digest: Digest) -> str:
    return "\n".join(line.replace("**", "").lstrip("#").strip() for line in markdown_lines(digest)) + "\n"


def split_parts(lines: list[str], limit: int) -> list[str]:
    """The lines joined into parts of at most ``limit`` UTF-8 bytes each (a line longer than that is
    cut), so that a long digest goes as several messages instead of being refused or cut off."""
    parts: list[str] = []
    current = ""
    for raw in lines:
        text = raw
        while len(text.encode("utf-8")) > limit:  # one line alone too long: cut it at a character
            text = text.encode("utf-8")[:limit - 3].decode("utf-8", "ignore") + "…"
        candidate = f"{current}\n{text}" if current else text
        if len(candidate.encode("utf-8")) > limit:
            parts.append(current)
            current = text
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
