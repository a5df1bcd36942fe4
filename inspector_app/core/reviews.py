"""Principal review of the ledger: a named person marks a set of hazards as reviewed on a date,
optionally with a drawn signature; each hazard's history records it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import audit
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard, Review, review_hazards
from inspector_app.core.store import FileStore
from inspector_app.i18n import _


def record_review(session: Session, store: FileStore, hazard_ids: Sequence[uuid.UUID], reviewer: str,
                  reviewed_on: dt.date, actor: str, note: str = "", signature_png: bytes | None = None) -> Review:
    if not reviewer.strip():
        raise InspectorError(_("A review needs the name of the person who reviewed."))
    if not hazard_ids:
        raise InspectorError(_("Choose the hazards that were reviewed."))
    signature = store.put(signature_png, ".png") if signature_png else ""
    review = Review(id=uuid.uuid4(), reviewer=reviewer.strip(), reviewed_on=reviewed_on, note=note,
                    signature_hash=signature, recorded_by=actor)
    session.add(review)
    session.flush()
    hazards = session.scalars(select(Hazard).where(Hazard.id.in_(list(hazard_ids)))).all()
    for hazard in hazards:
        session.execute(review_hazards.insert().values(review_id=review.id, hazard_id=hazard.id))
        audit.append_event(session, hazard, "reviewed", actor, note=note, extra={
            "review_id": str(review.id), "reviewer": review.reviewer, "reviewed_on": reviewed_on.isoformat()})
    return review


def reviews_of(session: Session, hazard_id: uuid.UUID) -> list[Review]:
    return list(session.scalars(
        select(Review).join(review_hazards, review_hazards.c.review_id == Review.id)
        .where(review_hazards.c.hazard_id == hazard_id).order_by(Review.reviewed_on)))


def latest_review(session: Session, hazard_ids: Sequence[uuid.UUID] | None = None) -> Review | None:
    """The newest principal review of any of these hazards (of any hazard when None): what a ledger
    export names as the principal's latest confirmation."""
    query = select(Review).order_by(Review.recorded_at.desc()).limit(1)
    if hazard_ids is not None:
        query = query.where(Review.id.in_(select(review_hazards.c.review_id).where(
            review_hazards.c.hazard_id.in_(list(hazard_ids)))))
    return session.scalars(query).first()
