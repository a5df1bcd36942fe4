"""The bureau's overview (issue 25, item 5), server side: an admin's sessions, and the figures of every
organisation and school under the admin's.

Sessions: an admin signs in with a token (core.accounts.authenticate, admins only); the cookie holds a
new random secret whose SHA-256 is a BureauSession row with its end (SESSION_HOURS). A session ends
when it expires, when it is signed out, or when its token is revoked. Kept in the database, so every
server process knows every session.

Figures come from core.rollup (by school, for each organisation the admin reaches), so the page and the
roll-up workbook cannot disagree; the page adds what is supervised (levels derived, core.supervision)
and a trend: each school's open and overdue hazards at the end of each of the last weeks, from each
hazard's history (its status then; the deadline is today's). No HTTP here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.accounts import Principal, authenticate, granted_organisations
from inspector_app.core.forms import Catalogue
from inspector_app.core.models import ApiToken, BureauSession, Hazard, HazardEvent, Organisation, Site, utcnow
from inspector_app.core.rollup import GroupRow, organisation_and_below, rollup
from inspector_app.core.supervision import LevelReader
from inspector_app.core.workflow import FINAL_STATES, OVERDUE_STATES, Status

SESSION_HOURS = 8
TREND_WEEKS = 6
UNFINISHED = (Status.OPEN.value, Status.IN_PROGRESS.value, Status.AWAITING_REINSPECTION.value)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sign_in(session: Session, token: str) -> tuple[str, Principal] | None:
    """A new session for an admin's token: (cookie secret, principal), or None (unknown, revoked, not an admin)."""
    principal = authenticate(session, token.strip(), touch=True)
    if principal is None or not principal.is_admin:
        return None
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(BureauSession(id=_digest(secret), token_id=principal.token_id, created_at=now,
                              expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
    session.flush()
    return secret, principal


def session_principal(session: Session, secret: str | None) -> Principal | None:
    """Who a cookie's session is, while it lasts and its token is not revoked."""
    if not secret:
        return None
    row = session.execute(
        select(BureauSession.expires_at, BureauSession.ended_at, ApiToken.id, ApiToken.inspector, ApiToken.role,
               ApiToken.revoked_at).join(ApiToken, ApiToken.id == BureauSession.token_id)
        .where(BureauSession.id == _digest(secret))).first()
    if row is None or row.ended_at is not None or row.revoked_at is not None or row.role != "admin":
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
    if expires <= utcnow():
        return None
    return Principal(token_id=row.id, inspector=row.inspector, role=row.role,
                     granted=frozenset(granted_organisations(session, row.id)))


def sign_out(session: Session, secret: str | None) -> None:
    if secret:
        session.execute(update(BureauSession).where(BureauSession.id == _digest(secret),
                                                    BureauSession.ended_at.is_(None)).values(ended_at=utcnow()))


# --- the figures ------------------------------------------------------------------------------------


@dataclass
class SchoolLine:
    group: GroupRow  # the roll-up's line: its figures are the workbook's
    open: int = 0  # unfinished: open, in progress or awaiting re-inspection
    supervised: int = 0  # at supervision level 2 or 3 today
    trend: list[tuple[int, int]] = field(default_factory=list)  # (open, overdue) at each week's end, oldest first


@dataclass(frozen=True)
class SupervisedHazard:
    number: str
    school: str
    level: int
    deadline: dt.date | None
    token: str


@dataclass
class OrganisationOverview:
    organisation: Organisation
    schools: list[SchoolLine]
    totals: SchoolLine
    supervised: list[SupervisedHazard]


@dataclass
class Overview:
    today: dt.date
    weeks: list[dt.date]  # the end of each week of the trend, oldest first (the last is today)
    organisations: list[OrganisationOverview]


def roots_of(session: Session, principal: Principal) -> list[Organisation]:
    """The organisations an admin's page shows: those its token names, else every top-level one."""
    if principal.granted:
        found = [session.get(Organisation, oid) for oid in sorted(principal.granted)]
        return sorted((o for o in found if o is not None), key=lambda o: o.name)
    return list(session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))
                                .order_by(Organisation.name)))


def _status_on(session: Session, hazard_ids: list[uuid.UUID], days: list[dt.date]) -> dict[uuid.UUID, list[str]]:
    """Each hazard's status at the end of each day, from its history (None before it was recorded)."""
    changes: dict[uuid.UUID, list[tuple[dt.date, str]]] = {}
    for hazard_id, at, data in session.execute(
            select(HazardEvent.hazard_id, HazardEvent.at, HazardEvent.data)
            .where(HazardEvent.hazard_id.in_(hazard_ids)).order_by(HazardEvent.hazard_id, HazardEvent.seq)):
        status = ((data or {}).get("changes") or {}).get("status") if isinstance(data, dict) else None
        if isinstance(status, list) and len(status) == 2:
            changes.setdefault(hazard_id, []).append((dates.local_date(at), str(status[1])))
    result: dict[uuid.UUID, list[str]] = {}
    for hazard_id in hazard_ids:
        steps = changes.get(hazard_id, [])
        result[hazard_id] = [next((s for d, s in reversed(steps) if d <= day), "") for day in days]
    return result


def overview(session: Session, catalogue: Catalogue, principal: Principal, today: dt.date | None = None,
             weeks: int = TREND_WEEKS) -> Overview:
    today = today or dates.today()
    ends = [today - dt.timedelta(days=7 * back) for back in range(weeks - 1, -1, -1)]
    organisations = {o.id: o for o in session.scalars(select(Organisation))}
    result = Overview(today, ends, [])
    for root in roots_of(session, principal):
        figures = rollup(session, catalogue, by="site", organisation_id=root.id, today=today)
        scope = organisation_and_below(root.id, organisations)
        hazards = list(session.scalars(select(Hazard).join(Site, Hazard.site_id == Site.id)
                                       .where(Site.organisation_id.in_(list(scope)))))
        reader = LevelReader(session, today, [h.id for h in hazards])
        history = _status_on(session, [h.id for h in hazards], ends)
        lines = {g.id: SchoolLine(g, trend=[(0, 0)] * len(ends)) for g in figures.groups}
        totals = SchoolLine(GroupRow(id=root.id, name=root.name, figures=figures.totals),
                            trend=[(0, 0)] * len(ends))
        names = {g.id: g.name for g in figures.groups}
        supervised = []
        for hazard in hazards:
            line = lines.get(hazard.site_id)
            if line is None:
                continue
            level = reader.level(hazard)
            unfinished = hazard.status in UNFINISHED
            line.open += unfinished
            line.supervised += level >= 2
            if level >= 2:
                supervised.append(SupervisedHazard(hazard.number, names[hazard.site_id], level, hazard.deadline,
                                                   hazard.public_token))
            for index, (day, status) in enumerate(zip(ends, history[hazard.id], strict=True)):
                late = status in OVERDUE_STATES and hazard.deadline is not None and hazard.deadline < day
                counted = bool(status) and status not in FINAL_STATES
                before = line.trend[index]
                line.trend[index] = (before[0] + counted, before[1] + late)
        for line in lines.values():
            totals.open += line.open
            totals.supervised += line.supervised
            totals.trend = [(a + c, b + d) for (a, b), (c, d) in zip(totals.trend, line.trend, strict=True)]
        supervised.sort(key=lambda s: (-s.level, s.deadline or today, s.number))
        result.organisations.append(OrganisationOverview(root, [lines[g.id] for g in figures.groups], totals,
                                                         supervised))
    return result
