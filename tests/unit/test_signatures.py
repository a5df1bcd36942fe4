"""Laptop signatures over event hashes (core.signatures): what a key's id is, which keys are taken, that
a push is signed once and again after a rebase, and that `audit verify` catches what the unkeyed
chain cannot: a history edited and re-hashed from end to end."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text, update

from inspector_app.core import audit, hazards, signatures
from inspector_app.core.audit_chain import GENESIS, chain_hash
from inspector_app.core.audit_verify import EDITED, LINK, SIGNATURE
from inspector_app.core.bundles import export_bundle, import_bundle
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import Hazard, HazardEvent, SigningKey
from inspector_app.core.sync import laptop
from tests.sync.conftest import Laptop, add, school


@pytest.fixture
def ledger(tmp_path):
    made = Laptop("a", open_database(sqlite_url(tmp_path / "a.sqlite"), store_dir=tmp_path / "a-files"), "李伟")
    yield made
    made.db.dispose()


def _signed_history(ledger: Laptop, catalogue) -> tuple[uuid.UUID, signatures.LaptopKey]:
    """A hazard with two events, signed as a push signs them."""
    places = school(ledger)
    hazard_id = add(ledger, catalogue, places["floor"], "frayed cable")
    with ledger.db.session() as session:
        hazards.update_hazard(session, session.get(Hazard, hazard_id), "李伟", room="101")
    with ledger.db.session() as session:
        key = signatures.laptop_key(session)
        outgoing = laptop.pending(session, 0)
        assert signatures.sign_outgoing(session, outgoing.items, key) == 2
    return hazard_id, key


def test_a_keys_id_is_the_sha256_of_the_key_itself():
    key = signatures.LaptopKey(Ed25519PrivateKey.generate())
    raw = base64.b64decode(key.public_key)
    assert len(raw) == 32 and key.id == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("sent", [None, 5, "not base64!", base64.b64encode(b"x" * 31).decode(),
                                  base64.b64encode(b"x" * 33).decode()])
def test_a_public_key_that_is_not_32_bytes_of_base64_is_refused(sent):
    with pytest.raises(signatures.BadKey):
        signatures.checked_public_key(sent)


def test_a_push_is_signed_in_the_ledger_once_and_again_after_a_rebase(ledger, catalogue):
    hazard_id, key = _signed_history(ledger, catalogue)
    with ledger.db.session() as session:
        stored = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)).all()
        assert [e.signer for e in stored] == [key.id, key.id]
        assert all(signatures.signature_valid(key.public_key, e.hash, e.signature) for e in stored)
        outgoing = laptop.pending(session, 0)
        assert signatures.sign_outgoing(session, outgoing.items, key) == 0  # nothing to sign again
        # A rebase gives an unsent event a new hash: its old signature no longer covers it.
        (item,) = [i for i in outgoing.items if i["entity"] == "hazard"]
        item["events"][-1]["hash"] = "f" * 64
        assert signatures.sign_outgoing(session, outgoing.items, key) == 1
        assert signatures.signature_valid(key.public_key, "f" * 64, item["events"][-1]["signature"])
    # Signing is not a change to send: nothing new waits in the change log.
    with ledger.db.session() as session:
        assert laptop.pending(session, laptop.pending(session, 0).up_to).items == []


def test_audit_verify_finds_a_history_edited_and_rehashed_end_to_end(ledger, catalogue):
    hazard_id, _key = _signed_history(ledger, catalogue)
    with ledger.db.session() as session:
        report = audit.verify(session)
    assert report.ok and report.signatures_checked == 2 and report.unsigned_events == 0
    # Someone with the database, but not the key, rewrites the first event and re-chains every hash.
    with ledger.db.session() as session:
        events = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                                 .order_by(HazardEvent.seq)).all()
        previous = GENESIS
        for event in events:
            note = "nothing was found" if event.seq == 1 else event.note
            digest = chain_hash(previous, event.hazard_id, event.seq, event.kind, event.actor, event.at, event.data,
                                note)
            session.execute(update(HazardEvent).where(HazardEvent.id == event.id).values(
                note=note, prev_hash=previous, hash=digest))
            previous = digest
    with ledger.db.session() as session:
        report = audit.verify(session)
    kinds = [(p.event_seq, p.kind) for p in report.problems]
    # The chain itself holds together; only the signatures tell.
    assert kinds == [(1, SIGNATURE), (2, SIGNATURE)] and EDITED not in dict(kinds).values()
    assert LINK not in dict(kinds).values()


def test_audit_verify_names_a_signature_whose_key_the_ledger_does_not_know(ledger, catalogue):
    _hazard_id, key = _signed_history(ledger, catalogue)
    with ledger.db.session() as session:
        session.execute(text("DELETE FROM signing_keys"))
    with ledger.db.session() as session:
        report = audit.verify(session)
    assert [p.kind for p in report.problems] == [SIGNATURE, SIGNATURE]
    assert key.id[:12] in report.problems[0].problem


def test_keys_whose_id_is_not_their_hash_are_not_kept(ledger):
    real = signatures.LaptopKey(Ed25519PrivateKey.generate())
    other = signatures.LaptopKey(Ed25519PrivateKey.generate())
    with ledger.db.session() as session:
        problems = signatures.remember_keys(session, [
            {"id": real.id, "public_key": other.public_key, "inspector": "Mallory"},  # another key under real's id
            {"id": other.id, "public_key": other.public_key, "inspector": "王芳"},
            "not an entry",
        ])
        assert len(problems) == 2
        assert session.get(SigningKey, real.id) is None
        assert session.get(SigningKey, other.id).inspector == "王芳"


def test_a_bundle_carries_the_keys_of_its_signatures(ledger, catalogue, tmp_path):
    _signed_history(ledger, catalogue)
    bundle = tmp_path / "site.zip"
    export_bundle(ledger.db, bundle)
    other = open_database(sqlite_url(tmp_path / "b.sqlite"), store_dir=tmp_path / "b-files")
    try:
        import_bundle(other, bundle, "王芳")
        with other.session() as session:
            report = audit.verify(session)
        assert report.ok and report.signatures_checked == 2
    finally:
        other.dispose()
