"""What the public may see of a hazard, looked up by its QR token: no Qt, no HTTP, just the facts.

A token that is malformed, unknown, or belongs to a withdrawn hazard gives nothing at all (the
caller answers the same 404 for all three, so nobody can probe which tokens exist). A token printed
on an older notice (rotated since) says the notice was superseded. Personal names appear only when
the organisation turned that on. The public timeline holds at most one line per kind of event and
day: a notice reprinted three times on one day was issued once, as far as a parent can tell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.forms import Catalogue
from inspector_app.core.major_decision import listed
from inspector_app.core.models import Building, Floor, Hazard, HazardEvent, Organisation, Site, SupersededToken
from inspector_app.core.organisation import settings_for_site
from inspector_app.core.supervision import LevelReader
from inspector_app.core.workflow import Status, days_overdue

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# What the public timeline shows of the history; edits of wording or pins are the office's business.
PUBLIC_EVENTS = ("created", "notice_issued", "rectification_started", "rectification_reported",
                 "reinspection_passed", "reinspection_failed", "fixed_on_spot")


@dataclass(frozen=True)
class HistoryEntry:
    date: dt.date
    kind: str


@dataclass
class PublicStatus:
    number: str
    site: str
    building: str
    floor: str
    room: str
    category_code: str
    category_zh: str
    category_en: str
    severity: str
    status: str
    deadline: dt.date | None
    overdue_days: int
    fixed_on_spot: bool
    updated: dt.date
    responsible_person: str | None
    history: list[HistoryEntry] = field(default_factory=list)
    listed_supervision: bool = False  # a confirmed major hazard not yet fixed (core.major_hazards)
    # The supervision (督办) level, only where the organisation chose to show it (None: it did not).
    supervision_level: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number, "site": self.site, "building": self.building, "floor": self.floor,
            "room": self.room, "category": {"code": self.category_code, "zh": self.category_zh,
                                             "en": self.category_en},
            "severity": self.severity, "status": self.status,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue_days > 0, "overdue_days": self.overdue_days,
            "fixed_on_spot": self.fixed_on_spot, "last_update": self.updated.isoformat(),
            "responsible_person": self.responsible_person, "listed_supervision": self.listed_supervision,
            "history": [{"date": h.date.isoformat(), "event": h.kind} for h in self.history],
            **({"supervision_level": self.supervision_level} if self.supervision_level is not None else {}),
        }


@dataclass(frozen=True)
class Superseded:
    number: str


def _date(value: dt.datetime) -> dt.date:
    return dates.local_date(value)


def public_timeline(events: list[tuple[str, dt.datetime]]) -> list[HistoryEntry]:
    """The events in order, keeping the first of each kind on each day (a reprint is not news)."""
    seen: set[tuple[dt.date, str]] = set()
    entries = []
    for kind, at in events:
        entry = HistoryEntry(_date(at), kind)
        if (entry.date, kind) not in seen:
            seen.add((entry.date, kind))
            entries.append(entry)
    return entries


# Built once: the version is read on every request, and building the statement costs more than
# running it. It covers the organisations too (their newest change), because the page speaks the
# organisation's language: a change of it must not leave an old page in any worker's cache. It looks
# for the token among current and superseded tokens alike, so that every code costs this one query,
# and an answer of "nothing" is as certain (and as cheap) as a page. The page names the hazard's site,
# building and floor, so their last changes are part of it too (a renamed building showed its old
# name until the hazard itself changed): three look-ups by primary key.
_ORGANISATIONS_CHANGED = select(func.max(Organisation.sync_clock)).scalar_subquery()
_PLACES_CHANGED = (select(Site.sync_clock + "/" + func.coalesce(Building.sync_clock, "") + "/"
                          + func.coalesce(Floor.sync_clock, ""))
                   .select_from(Site).outerjoin(Floor, Floor.id == Hazard.floor_id)
                   .outerjoin(Building, Building.id == Floor.building_id)
                   .where(Site.id == Hazard.site_id).correlate(Hazard).scalar_subquery())
VERSION_QUERY = union_all(
    select(Hazard.id, Hazard.updated_at, Hazard.status, _ORGANISATIONS_CHANGED, literal("current"),
           _PLACES_CHANGED)
    .where(Hazard.public_token == bindparam("token")),
    select(Hazard.id, Hazard.updated_at, Hazard.status, _ORGANISATIONS_CHANGED, literal("superseded"),
           _PLACES_CHANGED)
    .join(SupersededToken, SupersededToken.hazard_id == Hazard.id)
    .where(SupersededToken.token == bindparam("token")))


def hazard_version(session: Session | Connection, token: str) -> tuple[Any, ...] | None:
    """A cheap fingerprint of what the page shows (changes whenever the hazard changes): the hazard's
    id, its last change, its status, the organisations' newest change, whether the token is the
    current one or superseded, and its places' last changes. None: no hazard has this token, nor had it."""
    if not TOKEN_PATTERN.match(token):
        return None
    row = session.execute(VERSION_QUERY, {"token": token}).first()
    return tuple(row) if row else None


def shows_nothing(version: tuple[Any, ...] | None) -> bool:
    """The token's page is the one "no status" answer: no such token, or a withdrawn hazard's."""
    return version is None or version[2] == Status.WITHDRAWN


def organisation_language(session: Session, token: str) -> str:
    """The language the hazard's organisation speaks (inherited from its parents), "" when unknown:
    the page's default, so that it reads like the notice it was scanned from."""
    if not TOKEN_PATTERN.match(token):
        return ""
    site_id = session.scalar(select(Hazard.site_id).where(Hazard.public_token == token))
    if site_id is None:
        site_id = session.scalar(select(Hazard.site_id).join(SupersededToken, SupersededToken.hazard_id == Hazard.id)
                                 .where(SupersededToken.token == token))
    return settings_for_site(session, site_id).language if site_id is not None else ""


def lookup(session: Session, catalogue: Catalogue, token: str,
           today: dt.date | None = None) -> PublicStatus | Superseded | None:
    if not TOKEN_PATTERN.match(token):
        return None
    row = session.execute(
        select(Hazard, Site.name, Building.name, Floor.name, Organisation.show_personal_data)
        .join(Site, Hazard.site_id == Site.id)
        .join(Organisation, Site.organisation_id == Organisation.id)
        .outerjoin(Floor, Hazard.floor_id == Floor.id)
        .outerjoin(Building, Floor.building_id == Building.id)
        .where(Hazard.public_token == token)
    ).first()
    if row is None:
        old = session.execute(select(Hazard.number, Hazard.status).join(
            SupersededToken, SupersededToken.hazard_id == Hazard.id).where(SupersededToken.token == token)).first()
        if old is None or old.status == Status.WITHDRAWN:
            return None
        return Superseded(old.number)
    hazard, site, building, floor, personal = row
    if hazard.status == Status.WITHDRAWN:
        return None
    category = catalogue.categories.get(hazard.category)
    reader = LevelReader(session, today, [hazard.id])
    shown = reader.rules_of(hazard.site_id).show_on_status_page
    events = session.execute(select(HazardEvent.kind, HazardEvent.at).where(
        HazardEvent.hazard_id == hazard.id, HazardEvent.kind.in_(PUBLIC_EVENTS)).order_by(HazardEvent.seq)).all()
    return PublicStatus(
        number=hazard.number, site=site, building=building or "", floor=floor or "", room=hazard.room,
        category_code=hazard.category,
        category_zh=category.name.zh if category else hazard.category,
        category_en=category.name.en if category else hazard.category,
        severity=hazard.severity, status=hazard.status, deadline=hazard.deadline,
        overdue_days=days_overdue(hazard.status, hazard.deadline, today),
        fixed_on_spot=hazard.fixed_on_spot, updated=_date(hazard.updated_at),
        responsible_person=hazard.responsible_person if personal else None,
        history=public_timeline([(kind, at) for kind, at in events]),
        listed_supervision=listed(hazard.major_rule, hazard.status),
        supervision_level=reader.level(hazard) if shown else None,
    )
