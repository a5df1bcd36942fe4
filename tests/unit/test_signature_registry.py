"""The server's register of laptop keys and its check of pushed events (core.signatures), called
directly on a ledger: which token and laptop a key is bound to, what revoking retires, which keys a
push may be signed with, what a refusal says, and what a pull or a bundle hands out and a laptop keeps."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from inspector_app.core import signatures
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import HazardEvent, Replica, SigningKey


@pytest.fixture
def db(tmp_path):
    database = open_database(sqlite_url(tmp_path / "ledger.sqlite"), store_dir=tmp_path / "files")
    yield database
    database.dispose()


def _key() -> signatures.LaptopKey:
    return signatures.LaptopKey(Ed25519PrivateKey.generate())


def _event(seq: int, key: signatures.LaptopKey | None, digest: str | None = None) -> HazardEvent:
    digest = digest or f"{seq:064x}"
    event = HazardEvent(seq=seq, hash=digest)
    if key is not None:
        event.signer, event.signature = key.id, key.sign(digest)
    return event


def test_a_key_is_bound_to_the_token_and_laptop_that_registered_it(db):
    token, other_token, laptop, other_laptop = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    key = _key()
    with db.session() as session:
        assert signatures.register(session, token, "李" * 150, laptop, key.public_key) == key.id
        assert signatures.register(session, token, "李伟", laptop, key.public_key) == key.id  # hello again
        stored = session.get(SigningKey, key.id)
        assert (stored.token_id, stored.replica_id, stored.inspector, stored.revoked_at) == (
            token, laptop, "李" * 100, None)
        for taker, where in ((other_token, laptop), (token, other_laptop)):
            with pytest.raises(signatures.KeyTaken):
                signatures.register(session, taker, "Mallory", where, key.public_key)
        signatures.retire_keys(session, token)
        with pytest.raises(signatures.KeyTaken):  # retired with its token: never bound again
            signatures.register(session, token, "李伟", laptop, key.public_key)


def test_revoking_retires_that_tokens_keys_only_and_keeps_the_first_time(db):
    token, other = uuid.uuid4(), uuid.uuid4()
    first, second, theirs = _key(), _key(), _key()
    with db.session() as session:
        for key, holder in ((first, token), (second, token), (theirs, other)):
            signatures.register(session, holder, "x", uuid.uuid4(), key.public_key)
        earlier = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        session.get(SigningKey, first.id).revoked_at = earlier
        session.flush()
        signatures.retire_keys(session, token)
        session.expire_all()
        assert session.get(SigningKey, first.id).revoked_at.replace(tzinfo=dt.UTC) == earlier
        assert session.get(SigningKey, second.id).revoked_at is not None
        assert session.get(SigningKey, theirs.id).revoked_at is None


def test_a_push_may_be_signed_only_with_the_tokens_live_keys_for_that_laptop(db):
    token, laptop = uuid.uuid4(), uuid.uuid4()
    live, retired, elsewhere, others = _key(), _key(), _key(), _key()
    with db.session() as session:
        signatures.register(session, token, "x", laptop, live.public_key)
        signatures.register(session, token, "x", laptop, retired.public_key)
        signatures.register(session, token, "x", uuid.uuid4(), elsewhere.public_key)
        signatures.register(session, uuid.uuid4(), "y", laptop, others.public_key)
        session.get(SigningKey, retired.id).revoked_at = dt.datetime.now(dt.UTC)
        session.flush()
        assert signatures.pushing_keys(session, token, laptop) == {live.id: live.public_key}
        assert signatures.pushing_keys(session, token, None) == {}


def test_each_kind_of_unsigned_or_wrongly_signed_event_is_refused_by_name():
    key, stranger = _key(), _key()
    keys = {key.id: key.public_key}
    assert signatures.signature_refusal("LL1-0001", [_event(1, key), _event(2, key)], keys) is None
    unsigned = signatures.signature_refusal("LL1-0001", [_event(1, key), _event(2, None)], keys)
    assert unsigned is not None and "LL1-0001" in unsigned and "2" in unsigned and "not signed" in unsigned
    no_signature = _event(3, key)
    no_signature.signature = None
    assert "not signed" in (signatures.signature_refusal("N", [no_signature], keys) or "")
    foreign = signatures.signature_refusal("N", [_event(4, stranger)], keys)
    assert foreign is not None and "did not register" in foreign and "4" in foreign
    moved = _event(5, key)
    moved.hash = "f" * 64  # the hash changed after signing
    assert "does not match" in (signatures.signature_refusal("N", [moved], keys) or "")


def test_a_signature_is_valid_only_for_its_key_and_hash():
    key, other = _key(), _key()
    signature = key.sign("a" * 64)
    assert signatures.signature_valid(key.public_key, "a" * 64, signature)
    assert not signatures.signature_valid(other.public_key, "a" * 64, signature)
    assert not signatures.signature_valid(key.public_key, "b" * 64, signature)
    assert not signatures.signature_valid(key.public_key, "a" * 64, None)
    assert not signatures.signature_valid(key.public_key, "a" * 64, "not base64!")
    assert not signatures.signature_valid("short", "a" * 64, signature)
    assert len(base64.b64decode(signature)) == 64


def test_a_pull_hands_out_the_keys_behind_its_signatures_and_nothing_of_the_token(db):
    laptop = uuid.uuid4()
    keys = [_key() for _ in range(502)]  # past one IN list of 500
    with db.session() as session:
        for key in keys:
            signatures.register(session, uuid.uuid4(), "王芳", laptop, key.public_key)
        session.get(SigningKey, keys[0].id).revoked_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        session.flush()
        handed = signatures.keys_payload(session, [None, keys[0].id, keys[0].id, *(k.id for k in keys[1:])])
    assert len(handed) == 502
    first = next(entry for entry in handed if entry["id"] == keys[0].id)
    assert set(first) == {"id", "public_key", "replica_id", "inspector", "registered_at", "revoked_at"}
    assert (first["public_key"], first["replica_id"], first["inspector"]) == (keys[0].public_key, str(laptop), "王芳")
    assert dt.datetime.fromisoformat(first["revoked_at"]).replace(tzinfo=dt.UTC) == dt.datetime(2026, 3, 1,
                                                                                                  tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(first["registered_at"]) is not None
    assert all(entry["revoked_at"] is None for entry in handed if entry["id"] != keys[0].id)


def test_a_laptop_keeps_the_keys_it_is_handed_as_they_were_registered(db):
    laptop, key, known = uuid.uuid4(), _key(), _key()
    registered = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
    revoked = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    with db.session() as session:
        session.add(SigningKey(id=known.id, public_key=known.public_key, inspector=""))
        session.flush()
        problems = signatures.remember_keys(session, [
            {"id": key.id, "public_key": key.public_key, "replica_id": str(laptop), "inspector": "李伟",
             "registered_at": registered.isoformat(), "revoked_at": None},
            {"id": known.id, "public_key": known.public_key, "inspector": "王芳", "revoked_at": revoked.isoformat()},
            {"id": "0" * 64, "inspector": "no key"},
            {"id": key.id, "public_key": key.public_key, "replica_id": "not-a-uuid"},
        ])
        assert len(problems) == 2 and all("not kept" in p for p in problems)
        kept = session.get(SigningKey, key.id)
        assert (kept.replica_id, kept.inspector, kept.registered_at.replace(tzinfo=dt.UTC), kept.revoked_at) == (
            laptop, "李伟", registered, None)
        updated = session.get(SigningKey, known.id)
        assert (updated.inspector, updated.revoked_at.replace(tzinfo=dt.UTC)) == ("王芳", revoked)
        # A later entry does not rewrite what is known: a name given stays, a revocation stays.
        signatures.remember_keys(session, [{"id": known.id, "public_key": known.public_key, "inspector": "Mallory",
                                            "revoked_at": None}])
        assert (updated.inspector, updated.revoked_at.replace(tzinfo=dt.UTC)) == ("王芳", revoked)


def test_a_laptops_key_is_made_once_kept_and_replaced_only_when_asked(db):
    with db.session() as session:
        first = signatures.laptop_key(session)
        again = signatures.laptop_key(session)
        assert again.id == first.id and again.public_key == first.public_key
        me = session.query(Replica).one()
        assert session.get(SigningKey, first.id).replica_id == me.id
        replaced = signatures.laptop_key(session, new=True)
        assert replaced.id != first.id and signatures.laptop_key(session).id == replaced.id
        # The old public key stays: what it signed still verifies here.
        assert session.get(SigningKey, first.id) is not None and session.get(SigningKey, replaced.id) is not None


def test_history_names_who_stands_behind_each_signer(db):
    laptop, key = uuid.uuid4(), _key()
    with db.session() as session:
        signatures.register(session, uuid.uuid4(), "李伟", laptop, key.public_key)
        behind = signatures.signed_by(session, [_event(1, key), _event(2, None)])
        assert behind == {key.id: {"inspector": "李伟", "laptop": str(laptop)}}
        assert signatures.signed_by(session, [_event(3, None)]) == {}


@pytest.mark.parametrize("text", ["", "=" * 44, base64.b64encode(b"\x00" * 32).decode() + "\n"])
def test_keys_that_are_not_plain_base64_of_32_bytes_are_bad(text):
    with pytest.raises(signatures.BadKey):
        signatures.key_id(text)


def test_what_the_refusals_and_the_keys_say_names_the_hazard_event_and_key(db):
    key, stranger = _key(), _key()
    keys = {key.id: key.public_key}
    foreign = signatures.signature_refusal("LL1-0007", [_event(4, stranger)], keys) or ""
    moved = _event(5, key)
    moved.hash = "f" * 64
    mismatch = signatures.signature_refusal("LL1-0008", [moved], keys) or ""
    assert "LL1-0007" in foreign and "event 4" in foreign and "LL1-0008" in mismatch and "event 5" in mismatch
    # A hash that is not ASCII (a hostile push) is a signature that does not match, not a crash.
    assert not signatures.signature_valid(key.public_key, "é" * 64, key.sign("a" * 64))
    with db.session() as session:
        own = signatures.laptop_key(session)
        assert session.get(SigningKey, own.id).inspector == ""  # the server names it, later
        problems = signatures.remember_keys(session, [
            {"id": stranger.id, "public_key": stranger.public_key, "revoked_at": "2026-04-01T00:00:00+00:00",
             "inspector": "王" * 120},
            {"id": "1" * 64, "public_key": stranger.public_key},
            "neither",
        ])
        kept = session.get(SigningKey, stranger.id)
        assert kept.revoked_at is not None and kept.inspector == "王" * 100 and kept.replica_id is None
        assert any("its id is not the hash of its key" in p for p in problems)
        assert any("not an object" in p for p in problems)
        anonymous = _key()
        signatures.remember_keys(session, [{"id": anonymous.id, "public_key": anonymous.public_key}])
        assert session.get(SigningKey, anonymous.id).inspector == ""
        assert signatures.signed_by(session, [_event(1, anonymous)]) == {anonymous.id: {"inspector": "",
                                                                                        "laptop": None}}
        assert signatures.keys_payload(session, [anonymous.id])[0]["replica_id"] is None


def test_a_signed_push_carries_the_signer_in_each_event(db):
    key = _key()
    items = [{"entity": "hazard", "events": [{"id": str(uuid.uuid4()), "hash": "a" * 64}]}, {"entity": "site"}]
    with db.session() as session:
        assert signatures.sign_outgoing(session, items, key) == 1
    (event,) = items[0]["events"]
    assert event["signer"] == key.id and signatures.signature_valid(key.public_key, "a" * 64, event["signature"])


def test_a_known_key_without_a_name_takes_the_name_it_is_handed_cut_at_100(db):
    """A laptop's own key is kept without a name until the server's key list names it; a list that
    names nobody leaves it without one, and a name is cut as a new key's is."""
    with db.session() as session:
        own = signatures.laptop_key(session)
        entry = {"id": own.id, "public_key": own.public_key}
        assert signatures.remember_keys(session, [entry]) == []
        assert session.get(SigningKey, own.id).inspector == ""
        assert signatures.remember_keys(session, [{**entry, "inspector": "王" * 120}]) == []
        assert session.get(SigningKey, own.id).inspector == "王" * 100
        signatures.remember_keys(session, [{**entry, "inspector": "李"}])
        assert session.get(SigningKey, own.id).inspector == "王" * 100  # a name once given stays


@pytest.mark.parametrize(("sent", "reason"), [
    (5, "a public key is a base64 string"), ("not base64!", "not base64"),
    (base64.b64encode(b"x" * 31).decode(), "31 bytes where 32 were expected"),
])
def test_a_key_not_kept_is_reported_with_why(db, sent, reason):
    with db.session() as session:
        problems = signatures.remember_keys(session, [{"id": "1" * 64, "public_key": sent}])
    assert len(problems) == 1 and problems[0].endswith(reason)


# --- the server's own signatures, and refusals in Chinese (mutation testing, issue 27) ----------------

def _written_events(session, catalogue, store) -> list[HazardEvent]:
    """A hazard recorded and edited on this ledger (as the server writes a unit's report): its events."""
    from sqlalchemy import select

    from inspector_app.core import structure
    from inspector_app.core.hazards import add_hazard, update_hazard

    site = structure.create_site(session, structure.create_organisation(session, "Bureau"), "School", code="SC")
    hazard = add_hazard(session, catalogue, store, actor="unit", category="electrical.aging_wiring",
                        site_id=site.id)
    update_hazard(session, hazard, "unit", room="101")
    return list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                .order_by(HazardEvent.seq)))


def test_the_server_signs_what_it_writes_under_its_own_name(db, catalogue):
    from sqlalchemy import select

    from inspector_app.core import accounts

    with db.session() as session:
        accounts.create_token(session, "王芳", role="admin")  # a ledger that issues tokens is the central server
        written = _written_events(session, catalogue, db.store)
        key = signatures.server_key(session)
        signatures.sign_written(session, written, key)
        # Read again in the same session, the events are signed (the ORM does not keep its stale copy).
        assert [e.signer for e in written] == [key.id, key.id]
        assert all(signatures.signature_valid(key.public_key, e.hash, e.signature) for e in written)
        assert session.get(SigningKey, key.id).inspector == signatures.SERVER_SIGNER
        assert signatures.server_key(session).id == key.id  # the same key every time
    with db.session() as session:
        stored = session.scalars(select(HazardEvent).order_by(HazardEvent.seq)).all()
        assert [(e.signer, e.signature) for e in stored] == [(key.id, e.signature) for e in written]
        assert signatures.signed_by(session, stored)[key.id]["inspector"] == "central server"


def test_a_ledger_that_issues_no_tokens_signs_under_the_name_its_server_gave(db):
    """A laptop serving its status pages on the LAN writes a unit's report with its own key, which its
    server knows by its inspector's name: it is not "the central server"."""
    from inspector_app.core import accounts

    with db.session() as session:
        own = signatures.laptop_key(session)
        assert signatures.server_key(session).id == own.id
        assert session.get(SigningKey, own.id).inspector == ""
        signatures.remember_keys(session, [{"id": own.id, "public_key": own.public_key, "inspector": "李伟"}])
        assert signatures.server_key(session).id == own.id
        assert session.get(SigningKey, own.id).inspector == "李伟"
        # Even a ledger that issues tokens keeps a name already given.
        accounts.create_token(session, "王芳", role="admin")
        signatures.server_key(session)
        assert session.get(SigningKey, own.id).inspector == "李伟"


def test_a_refused_signature_reads_in_chinese_and_names_the_hazard_and_event(db):
    import re

    from inspector_app.i18n import use_language

    key, stranger = _key(), _key()
    keys = {key.id: key.public_key}
    moved = _event(9, key)
    moved.hash = "f" * 64
    with use_language("zh_CN"):
        reasons = [signatures.signature_refusal("LL1-0007", [_event(9, None)], keys),
                   signatures.signature_refusal("LL1-0007", [_event(9, stranger)], keys),
                   signatures.signature_refusal("LL1-0007", [moved], keys)]
    assert len(set(reasons)) == 3
    for reason in reasons:
        assert reason is not None and "LL1-0007" in reason and "9" in reason
        assert re.search("[\u4e00-\u9fff]", reason.replace("LL1-0007", "")), f"untranslated: {reason}"
