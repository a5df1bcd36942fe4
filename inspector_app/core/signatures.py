"""Who delivered each event, in a form no token holder can forge: Ed25519 signatures over event hashes.

The history hash alone is unkeyed: anyone can compute a "valid" chain. So each laptop makes a key
pair at its first sync, keeps the private key in its own ledger and registers the public key with
the server at ``hello``; the server binds it to the token (and so to an inspector) and that laptop.
Before a push the laptop signs the hash of every event it sends; the server accepts a new event
only if it is signed by a key this very token registered for this very laptop, keeps the signature,
and hands the keys out with the events it pulls, so every replica can check every signature
(core.audit_verify). A key's id is the SHA-256 of the key itself: a key list cannot substitute one key
for another. Revoking a token retires its keys: they sign nothing new (the server refuses events
signed by any key but the pushing token's own), and the events they signed before still verify.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from inspector_app.core.models import ApiToken, HazardEvent, Replica, SigningKey, utcnow
from inspector_app.i18n import _

# cryptography is imported where a key is used, not here: the desktop program reaches this module at
# its start (through the history's checks) and signs or checks nothing before its first paint.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class BadKey(Exception):
    """A public key or key entry that is not what a laptop sends (wrong length, not base64, id mismatch)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, length: int) -> bytes:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError) as exc:
        raise BadKey("not base64") from exc
    if len(data) != length:
        raise BadKey(f"{len(data)} bytes where {length} were expected")
    return data


def key_id(public_key: str) -> str:
    """The id of a public key (base64 of its 32 raw bytes): the SHA-256 of those bytes, in hex."""
    return hashlib.sha256(_unb64(public_key, 32)).hexdigest()


def checked_public_key(text: Any) -> str:
    """A public key as a laptop sends it, checked: base64 of 32 bytes that decode as an Ed25519 key."""
    if not isinstance(text, str):
        raise BadKey("a public key is a base64 string")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = _unb64(text, 32)
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise BadKey("not an Ed25519 public key") from exc
    return _b64(raw)


@dataclass(frozen=True)
class LaptopKey:
    """A laptop's key pair, as it signs with it."""

    private: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return _b64(self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @property
    def id(self) -> str:
        return key_id(self.public_key)

    def sign(self, event_hash: str) -> str:
        return _b64(self.private.sign(event_hash.encode("ascii")))


def signature_valid(public_key: str, event_hash: str, signature: str | None) -> bool:
    if not signature:
        return False
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key, 32)).verify(
            _unb64(signature, 64), event_hash.encode("ascii", "replace"))
    except (InvalidSignature, BadKey, ValueError):
        return False
    return True


# --- the laptop ---

def laptop_key(session: Session, new: bool = False) -> LaptopKey:
    """This ledger's key pair, made the first time it is needed (or anew with ``new``, when the server
    has retired the old one); its public half is kept among the known keys, so this ledger checks its
    own signatures as it checks everyone else's."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    me = session.scalars(select(Replica)).first()
    if me is None:
        raise LookupError("the ledger has no replica row")
    if me.signing_key and not new:
        key = LaptopKey(Ed25519PrivateKey.from_private_bytes(base64.b64decode(me.signing_key)))
    else:
        key = LaptopKey(Ed25519PrivateKey.generate())
        me.signing_key = _b64(key.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                                        serialization.NoEncryption()))
    if session.get(SigningKey, key.id) is None:
        session.add(SigningKey(id=key.id, public_key=key.public_key, replica_id=me.id, inspector=""))
        session.flush()
    return key


def sign_outgoing(session: Session, items: list[dict[str, Any]], key: LaptopKey) -> int:
    """Sign every event of a push that this key has not signed as it stands now (an event rebased
    onto the server's history has a new hash), in the items and in the ledger; returns how many.

    Written with one UPDATE, not through the ORM: a signature is not a change to send again."""
    signed: list[dict[str, Any]] = []
    for item in items:
        for event in item.get("events") or ():
            if event.get("signer") == key.id and signature_valid(key.public_key, event["hash"], event.get("signature")):
                continue
            event["signer"], event["signature"] = key.id, key.sign(str(event["hash"]))
            signed.append({"event_id": uuid.UUID(str(event["id"])), "signer": key.id, "signature": event["signature"]})
    _store_signatures(session, signed)
    return len(signed)


def _store_signatures(session: Session, signed: list[dict[str, Any]]) -> None:
    """Keep signatures (event_id, signer, signature) with one UPDATE, not through the ORM: a signature
    is not a change to send again."""
    if not signed:
        return
    table = HazardEvent.__table__
    assert isinstance(table, Table)
    session.connection().execute(
        update(table).where(table.c.id == bindparam("event_id")).values(signer=bindparam("signer"),
                                                                     signature=bindparam("signature")),
        signed)


def remember_keys(session: Session, entries: Iterable[Any]) -> list[str]:
    """Keep the keys a pull or bundle hands out; returns the problems of entries that were not kept
    (an id that is not its key's hash, a malformed key). A known key is only updated with its revocation."""
    problems: list[str] = []
    for entry in entries:
        try:
            if not isinstance(entry, dict):
                raise BadKey("not an object")
            public = checked_public_key(entry.get("public_key"))
            if key_id(public) != entry.get("id"):
                raise BadKey("its id is not the hash of its key")
            replica = uuid.UUID(str(entry["replica_id"])) if entry.get("replica_id") else None
            revoked = dt.datetime.fromisoformat(str(entry["revoked_at"])) if entry.get("revoked_at") else None
            registered = dt.datetime.fromisoformat(str(entry["registered_at"])) if entry.get(
                "registered_at") else utcnow()
        except (BadKey, ValueError, TypeError) as exc:
            problems.append(_("a signing key from the server was not kept: {problem}").format(problem=exc))
            continue
        known = session.get(SigningKey, entry["id"])
        if known is None:
            session.add(SigningKey(id=entry["id"], public_key=public, replica_id=replica,
                                   inspector=str(entry.get("inspector") or "")[:100], registered_at=registered,
                                   revoked_at=revoked))
        else:
            known.inspector = known.inspector or str(entry.get("inspector") or "")[:100]
            known.revoked_at = known.revoked_at or revoked
    session.flush()
    return problems


def signed_by(session: Session, events: Iterable[HazardEvent]) -> dict[str, dict[str, Any]]:
    """Who stands behind each signer of these events, as the server registered it: signer id ->
    inspector and laptop (the name an event gives as ``actor`` is only what its laptop called its user)."""
    wanted = {event.signer for event in events if event.signer}
    return {key.id: {"inspector": key.inspector, "laptop": str(key.replica_id) if key.replica_id else None}
            for key in session.scalars(select(SigningKey).where(SigningKey.id.in_(sorted(wanted))))} if wanted else {}


# --- the server ---

class KeyTaken(Exception):
    """A public key registered with another token (a retired key, or someone else's)."""


def register(session: Session, token_id: uuid.UUID, inspector: str, replica_id: uuid.UUID, public_key: str) -> str:
    """Bind a laptop's public key to the token saying hello; KeyTaken if another token holds it."""
    identifier = key_id(public_key)
    known = session.get(SigningKey, identifier)
    if known is None:
        session.add(SigningKey(id=identifier, public_key=public_key, replica_id=replica_id,
                               inspector=inspector[:100], token_id=token_id))
        session.flush()
    elif known.token_id != token_id or known.replica_id != replica_id or known.revoked_at is not None:
        raise KeyTaken(identifier)
    return identifier


SERVER_SIGNER = "central server"


def server_key(session: Session) -> LaptopKey:
    """The server ledger's own key, for the events it writes itself (what a responsible unit sends
    through its rectification link, core.unit_reports): made like a laptop's, and registered under
    its name so every replica that pulls those events can check them and say who vouched for them."""
    key = laptop_key(session)
    registered = session.get(SigningKey, key.id)
    # A laptop serving its own status pages on the LAN writes a unit's report with its own key, which
    # its server knows by its inspector's name: only the ledger that issues tokens is "the server".
    issues_tokens = session.scalar(select(ApiToken.id).limit(1)) is not None
    if registered is not None and not registered.inspector and issues_tokens:
        registered.inspector = SERVER_SIGNER
        session.flush()
    return key


def sign_written(session: Session, events: Sequence[HazardEvent], key: LaptopKey) -> None:
    """Sign events this ledger has just written (the server's own), with one UPDATE like a push."""
    signed = [{"event_id": event.id, "signer": key.id, "signature": key.sign(event.hash)} for event in events]
    if signed:
        _store_signatures(session, signed)
        for event in events:
            session.expire(event, ["signer", "signature"])


def retire_keys(session: Session, token_id: uuid.UUID) -> None:
    """A revoked token's keys sign nothing new (its earlier signatures stay valid)."""
    session.execute(update(SigningKey).where(SigningKey.token_id == token_id, SigningKey.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def pushing_keys(session: Session, token_id: uuid.UUID, replica_id: uuid.UUID | None) -> dict[str, str]:
    """The keys this token registered for this laptop and that still sign: id -> public key."""
    if replica_id is None:
        return {}
    return {key.id: key.public_key for key in session.scalars(select(SigningKey).where(
        SigningKey.token_id == token_id, SigningKey.replica_id == replica_id, SigningKey.revoked_at.is_(None)))}


def signature_refusal(number: str, events: Iterable[HazardEvent], keys: dict[str, str]) -> str | None:
    """Why these new events may not be stored, or None: each must be signed over its hash by one of
    ``keys`` (the pushing token's own keys for the pushing laptop)."""
    for event in events:
        if not event.signer or not event.signature:
            return _("hazard {number}: event {seq} is not signed (update the program on this laptop)").format(
                number=number, seq=event.seq)
        public = keys.get(event.signer)
        if public is None:
            return _("hazard {number}: event {seq} is signed by a key this account did not register for this "
                     "laptop").format(number=number, seq=event.seq)
        if not signature_valid(public, event.hash, event.signature):
            return _("hazard {number}: event {seq} has a signature that does not match it").format(
                number=number, seq=event.seq)
    return None


def keys_payload(session: Session, signers: Iterable[str | None]) -> list[dict[str, Any]]:
    """The public keys behind these signers, as a pull hands them to laptops (never the token)."""
    wanted = sorted({s for s in signers if s})
    rows: list[SigningKey] = []
    for start in range(0, len(wanted), 500):
        rows += session.scalars(select(SigningKey).where(SigningKey.id.in_(wanted[start:start + 500])))
    return [{"id": k.id, "public_key": k.public_key, "replica_id": str(k.replica_id) if k.replica_id else None,
             "inspector": k.inspector, "registered_at": _iso(k.registered_at), "revoked_at": _iso(k.revoked_at)}
            for k in rows]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
