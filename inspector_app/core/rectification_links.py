"""The responsible unit's private rectification link: made when a notice is printed, printed once as
a QR on the slip that goes to the unit, and then known to nobody else.

The posted notice carries the hazard's public status QR, which anyone may scan and which accepts no
input. Whoever holds this link instead may write to the hazard (report the fix with photos, ask for
more time, dispute it), so it is a bearer secret: 128 random bits and more, kept in ledgers only as
its SHA-256, so neither a copied laptop file nor a database dump gives it away. A hazard has at most
one open link; a new notice (a reprint) replaces it, and closing or withdrawing the hazard ends it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.models import RectificationLink, utcnow

SECRET_BYTES = 20  # 160 random bits: 27 URL-safe characters, a QR a phone reads at arm's length
REPLACED, CLOSED, WITHDRAWN = "replaced", "closed", "withdrawn"
ENDED_REASONS = frozenset({REPLACED, CLOSED, WITHDRAWN})


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def report_url(base_url: str, secret: str) -> str:
    """The address the unit's QR carries (the server's report page, web/public/report.py)."""
    return f"{base_url.rstrip('/')}/r/{secret}"


def issue(session: Session, hazard_id: uuid.UUID, actor: str) -> str:
    """A new link for the hazard's responsible unit; any open one ends ("replaced"). Returns the secret,
    which is not stored: print it now or never."""
    end_links(session, hazard_id, REPLACED)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    session.add(RectificationLink(hazard_id=hazard_id, secret_hash=secret_hash(secret), created_by=actor[:100]))
    session.flush()
    return secret


def end_links(session: Session, hazard_id: uuid.UUID, reason: str) -> int:
    """End the hazard's open links (a new notice, or the hazard closed or withdrawn); returns how many."""
    assert reason in ENDED_REASONS, reason
    ended = 0
    for link in session.scalars(select(RectificationLink).where(RectificationLink.hazard_id == hazard_id,
                                                               RectificationLink.ended_at.is_(None))):
        link.ended_at, link.ended_reason = utcnow(), reason
        ended += 1
    if ended:
        session.flush()
    return ended


def open_link(session: Session, secret: str) -> RectificationLink | None:
    """The open link this secret opens, or None (unknown, malformed or ended: the caller cannot tell
    which, and neither can whoever typed the address)."""
    if not 16 <= len(secret) <= 64:
        return None
    link = session.scalars(select(RectificationLink).where(
        RectificationLink.secret_hash == secret_hash(secret))).first()
    return link if link is not None and link.ended_at is None else None


def links_of(session: Session, hazard_id: uuid.UUID) -> list[RectificationLink]:
    return list(session.scalars(select(RectificationLink).where(RectificationLink.hazard_id == hazard_id)
                                .order_by(RectificationLink.created_at)))
