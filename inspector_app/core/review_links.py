"""The principal's private link to the school's ledger (校长审阅台账): made when the review sheet is
printed (`site review-sheet`), kept only as its SHA-256 (core.rectification_links says why), one
open link per school; a new sheet replaces it.

Through it the principal sees the school's unfinished hazards and those closed in the last 90 days,
and confirms having reviewed them (校长已阅, 签字确认), with a remark if they like. The confirmation is
a principal review (core.reviews): a row naming who and when, linked to the hazards that were listed,
and a "reviewed" event in each of their histories, signed by the server's own key.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inspector_app.core import signatures
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard, HazardEvent, Review, ReviewLink, Site, review_hazards, utcnow
from inspector_app.core.rectification_links import REPLACED, SECRET_BYTES, secret_hash
from inspector_app.core.reviews import record_review
from inspector_app.core.store import FileStore
from inspector_app.core.workflow import Status, is_overdue
from inspector_app.i18n import _

RECENT_DAYS = 90  # closed hazards the page still lists
VIA = "principal_link"
MAX_REVIEWS_PER_DAY = 3


def review_url(base_url: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}/p/{secret}"


def issue(session: Session, site_id: uuid.UUID, actor: str) -> str:
    """A new link for the school's principal (the open one ends); the secret is returned, not stored."""
    if session.get(Site, site_id) is None:
        raise InspectorError(_("No school with the id {id}.").format(id=site_id))
    for link in session.scalars(select(ReviewLink).where(ReviewLink.site_id == site_id, ReviewLink.ended_at.is_(None))):
        link.ended_at, link.ended_reason = utcnow(), REPLACED
    secret = secrets.token_urlsafe(SECRET_BYTES)
    session.add(ReviewLink(site_id=site_id, secret_hash=secret_hash(secret), created_by=actor[:100]))
    session.flush()
    return secret


def open_link(session: Session, secret: str) -> ReviewLink | None:
    if not 16 <= len(secret) <= 64:
        return None
    link = session.scalars(select(ReviewLink).where(ReviewLink.secret_hash == secret_hash(secret))).first()
    return link if link is not None and link.ended_at is None else None


@dataclass(frozen=True)
class LedgerLine:
    id: uuid.UUID
    number: str
    category: str
    status: str
    responsible_person: str
    deadline: dt.date | None
    overdue: bool


def listed_hazards(session: Session, site_id: uuid.UUID, today: dt.date) -> list[Hazard]:
    """What the principal's page lists: every unfinished hazard, and those closed in the last 90 days."""
    since = dt.datetime.combine(today - dt.timedelta(days=RECENT_DAYS), dt.time.min, tzinfo=dt.UTC)
    return list(session.scalars(select(Hazard).where(
        Hazard.site_id == site_id, Hazard.status != Status.WITHDRAWN.value,
        or_(Hazard.status != Status.CLOSED.value, Hazard.closed_at >= since)).order_by(Hazard.seq)))


def ledger_lines(hazards: list[Hazard], today: dt.date) -> list[LedgerLine]:
    return [LedgerLine(h.id, h.number, h.category, h.status, h.responsible_person or "", h.deadline,
                       is_overdue(h.status, h.deadline, today)) for h in hazards]


def confirm(session: Session, store: FileStore, link: ReviewLink, name: str, remark: str, today: dt.date,
            today_start: dt.datetime) -> Review:
    """Record the principal's confirmation of the hazards the page listed, signed by this server."""
    name, remark = " ".join(name.split())[:40], remark.replace("\x00", " ").strip()[:2000]
    if not name:
        raise InspectorError(_("Give your name: the confirmation is signed with it."))
    hazards = listed_hazards(session, link.site_id, today)
    if not hazards:
        raise InspectorError(_("The school has no hazards to review."))
    done_today = session.scalar(
        select(func.count(func.distinct(Review.id))).join(review_hazards, review_hazards.c.review_id == Review.id)
        .join(Hazard, Hazard.id == review_hazards.c.hazard_id)
        .where(Hazard.site_id == link.site_id, Review.recorded_at >= today_start, Review.recorded_by.like(f"%({VIA})")))
    if (done_today or 0) >= MAX_REVIEWS_PER_DAY:
        raise InspectorError(_("The ledger was confirmed {count} times today already.").format(
            count=MAX_REVIEWS_PER_DAY))
    actor = f"{name} ({VIA})"
    before = {h.id: _last_seq(session, h.id) for h in hazards}
    review = record_review(session, store, [h.id for h in hazards], name, today, actor, note=remark)
    session.flush()
    written = [e for h in hazards for e in session.scalars(select(HazardEvent).where(
        HazardEvent.hazard_id == h.id, HazardEvent.seq > before[h.id]))]
    signatures.sign_written(session, written, signatures.server_key(session))
    return review


def _last_seq(session: Session, hazard_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.max(HazardEvent.seq)).where(HazardEvent.hazard_id == hazard_id)) or 0)


def reviews_of_site(session: Session, site_id: uuid.UUID) -> list[dict[str, object]]:
    """The principal reviews that covered this school's hazards, newest first, as JSON."""
    rows = session.execute(select(Review, Hazard.number).join(review_hazards, review_hazards.c.review_id == Review.id)
                           .join(Hazard, Hazard.id == review_hazards.c.hazard_id)
                           .where(Hazard.site_id == site_id).order_by(Review.recorded_at.desc(), Hazard.seq)).all()
    found: dict[uuid.UUID, dict[str, object]] = {}
    for review, number in rows:
        entry = found.setdefault(review.id, {
            "id": str(review.id), "reviewer": review.reviewer, "reviewed_on": review.reviewed_on.isoformat(),
            "recorded_at": review.recorded_at.isoformat(), "remark": review.note,
            "through_link": review.recorded_by.endswith(f"({VIA})"), "hazards": []})
        entry["hazards"].append(number)  # type: ignore[attr-defined]
    return list(found.values())
