"""A laptop meets the server: ``hello`` registers it (once) with the account saying hello, gives it
its block of hazard and notice numbers, and binds its signing key (core.signatures) to that account.
Called by the sync API (web/sync/api.py) with the account it checked.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from inspector_app.core import signatures
from inspector_app.core.accounts import Principal
from inspector_app.core.models import ApiToken, KnownReplica, utcnow

PROTOCOL_VERSION = 1
DEVICE_INDEX_LOCK = 84_700_002  # pg_advisory_xact_lock key: one hello at a time hands out numbers


class ReplicaClaimed(Exception):
    """A hello naming a laptop that another account registered (its id is no secret: it is in
    every event the laptop wrote)."""


def hello(session: Session, principal: Principal, replica_id: uuid.UUID, name: str,
          public_key: str | None = None) -> dict[str, Any]:
    """Register a laptop (once) and give it its number block; with ``public_key``, bind that key to
    this token and laptop (signatures.KeyTaken if another token or laptop holds it).

    A laptop stays with the account that registered it: only the same token may say hello as it
    again, or, once that token is revoked, a new token of the same inspector (a lost token
    replaced). Anyone else is refused with ReplicaClaimed, and the row is left as it was."""
    if session.get_bind().dialect.name == "postgresql":
        # Two first syncs at once would otherwise both read the same max() and one would fail on
        # the unique device index; the lock is held until this transaction ends.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEVICE_INDEX_LOCK})
    known = session.get(KnownReplica, replica_id, populate_existing=True)
    if known is None:
        index = (session.scalar(select(func.max(KnownReplica.device_index))) or 0) + 1
        known = KnownReplica(id=replica_id, device_index=index, name=name[:200], token_id=principal.token_id)
        session.add(known)
    elif not _may_claim(session, known.token_id, principal):
        raise ReplicaClaimed(str(replica_id))
    known.last_seen = utcnow()
    known.token_id = principal.token_id
    known.name = name[:200] or known.name
    session.flush()
    key = signatures.register(session, principal.token_id, principal.inspector, replica_id, public_key) \
        if public_key else None
    return {"device_index": known.device_index, "inspector": principal.inspector, "role": principal.role,
            "organisations": sorted(str(o) for o in principal.granted), "protocol": PROTOCOL_VERSION,
            "key": key}


def _may_claim(session: Session, holder: uuid.UUID | None, principal: Principal) -> bool:
    if holder is None or holder == principal.token_id:
        return True
    previous = session.get(ApiToken, holder)
    return previous is None or (previous.revoked_at is not None and previous.inspector == principal.inspector)
