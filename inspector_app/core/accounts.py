"""Accounts on the central server: an inspector's token, what it may reach, and checking one.

A token is a random secret shown once; the server keeps only its SHA-256, so a copy of the database
does not let anyone sync as an inspector. An inspector reaches the organisations it was given and
every organisation below them (a county's grant covers its schools); an admin reaches all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from inspector_app.core import signatures
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import ApiToken, Organisation, api_token_organisations, utcnow
from inspector_app.i18n import _

ROLES = ("inspector", "admin")
TOKEN_PREFIX = "fri_"  # recognisable in a leaked log or a paste, like other services' tokens


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who a request acts as, and which organisations (with everything below them) it may reach."""

    token_id: uuid.UUID
    inspector: str
    role: str
    granted: frozenset[uuid.UUID]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_reach(self, organisation_id: uuid.UUID | None, parents: dict[uuid.UUID, uuid.UUID | None]) -> bool:
        """True if the organisation is granted, or lies below a granted one (``parents`` maps each
        known organisation to its parent)."""
        if self.is_admin:
            return True
        seen: set[uuid.UUID] = set()
        current = organisation_id
        while current is not None and current not in seen:
            if current in self.granted:
                return True
            seen.add(current)
            current = parents.get(current)
        return False


def organisation_parents(session: Session) -> dict[uuid.UUID, uuid.UUID | None]:
    return {row.id: row.parent_id for row in session.execute(select(Organisation.id, Organisation.parent_id))}


def create_token(session: Session, inspector: str, role: str = "inspector",
                 organisation_ids: Iterable[uuid.UUID] = ()) -> tuple[ApiToken, str]:
    """Make an account; returns it with its secret, which is not kept and cannot be shown again."""
    inspector = inspector.strip()
    if not inspector:
        raise InspectorError(_("A token needs the inspector's name."))
    if role not in ROLES:
        raise InspectorError(_("Unknown role '{role}': use inspector or admin.").format(role=role))
    organisations = list(dict.fromkeys(organisation_ids))
    if role == "inspector" and not organisations:
        raise InspectorError(_("An inspector's token needs at least one --organisation it may sync."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(id=uuid.uuid4(), token_hash=hash_secret(secret), inspector=inspector, role=role)
    session.add(token)
    session.flush()
    for organisation_id in organisations:
        session.execute(insert(api_token_organisations).values(token_id=token.id, organisation_id=organisation_id))
    return token, secret


def granted_organisations(session: Session, token_id: uuid.UUID) -> list[uuid.UUID]:
    return list(session.scalars(select(api_token_organisations.c.organisation_id)
                                .where(api_token_organisations.c.token_id == token_id)))


def describe(session: Session, token: ApiToken) -> dict[str, Any]:
    return {
        "id": str(token.id), "inspector": token.inspector, "role": token.role,
        "organisations": [str(o) for o in granted_organisations(session, token.id)],
        "created_at": token.created_at, "revoked_at": token.revoked_at, "last_used_at": token.last_used_at,
    }


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at)))


def find_token(session: Session, token_or_id: str) -> ApiToken:
    ref = token_or_id.strip()
    try:
        found = session.get(ApiToken, uuid.UUID(ref))
        if found is not None:
            return found
    except ValueError:
        pass
    found = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_secret(ref))).first()
    if found is None:
        raise NotFoundError(_("No token '{ref}' (give the token itself or its id).").format(ref=ref))
    return found


def revoke_token(session: Session, token_or_id: str) -> ApiToken:
    token = find_token(session, token_or_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    signatures.retire_keys(session, token.id)
    return token


def authenticate(session: Session, secret: str | None, touch: bool = True) -> Principal | None:
    """The principal of a presented secret, or None for a missing, unknown or revoked one.

    One round trip for the token and its organisations together (every sync request, each photo
    included, comes through here; two ORM queries were a third of the server's time per photo,
    benchmarks/sync.py), and a write only when ``last_used_at`` is a minute old."""
    if not secret:
        return None
    rows = session.connection().execute(
        select(ApiToken.id, ApiToken.inspector, ApiToken.role, ApiToken.revoked_at, ApiToken.last_used_at,
               api_token_organisations.c.organisation_id)
        .outerjoin(api_token_organisations, api_token_organisations.c.token_id == ApiToken.id)
        .where(ApiToken.token_hash == hash_secret(secret))).all()
    if not rows or rows[0].revoked_at is not None:
        return None
    first = rows[0]
    if touch:
        now = utcnow()
        last = first.last_used_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)
        if last is None or now - last > dt.timedelta(minutes=1):  # not a write on every request
            session.execute(update(ApiToken).where(ApiToken.id == first.id).values(last_used_at=now))
    granted = frozenset(row.organisation_id for row in rows if row.organisation_id is not None)
    return Principal(first.id, first.inspector, first.role, granted)
