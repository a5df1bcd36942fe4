"""Authorship the server vouches for (issue 21), against `serve --workers 2` on PostgreSQL over HTTP:
every event reaching the server is signed by the laptop that sent it, with a key bound to that
laptop's token; a push signed by anyone else, or not at all, is refused; a revoked token's key signs
nothing new while what it signed still verifies; and `audit verify` checks every signature on the
server and on a laptop that only pulled."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.core import accounts, audit, hazards, signatures
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.models import Hazard, HazardEvent, KnownReplica, SigningKey
from inspector_app.core.sync import laptop
from inspector_app.core.sync.run import SyncReport, synchronise
from inspector_app.web.sync.client import HttpTransport
from tests.forgery import with_event
from tests.integration.sync_server import Central, central_server
from tests.sync.conftest import school

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def central(tmp_path_factory) -> Iterator[Central]:
    with central_server(tmp_path_factory.mktemp("central") / "files", "--workers", "2") as server:
        yield server


@dataclass
class Ledger:
    db: Database

    def sync(self, central: Central, token: str) -> SyncReport:
        transport = HttpTransport(central.base, token)
        try:
            return synchronise(self.db, transport, "李伟", central.base)
        finally:
            transport.close()

    def replica_id(self) -> uuid.UUID:
        with self.db.session() as session:
            return laptop.replica(session).id


def _laptop(tmp_path: Path, name: str) -> Ledger:
    return Ledger(open_database(sqlite_url(tmp_path / f"{name}.sqlite"), store_dir=tmp_path / f"{name}-files"))


def _school_with_hazard(ledger: Ledger, catalogue) -> dict[str, uuid.UUID]:
    places = school(ledger)  # type: ignore[arg-type]
    with ledger.db.session() as session:
        hazard = hazards.add_hazard(session, catalogue, ledger.db.store, actor="李伟",
                                    category="electrical.aging_wiring", floor_id=places["floor"], x=0.3, y=0.4)
        hazards.change_status(session, ledger.db.store, hazard, "in_progress", "李伟")
        places["hazard"] = hazard.id
    return places


def _verified(db: Database) -> audit.AuditReport:
    with db.session() as session:
        report = audit.verify(session)
    assert report.ok, report.as_dict()
    return report


def _pulled_hazard(client: httpx.Client, hazard_id: uuid.UUID) -> dict:
    cursor, found = 0, None
    while True:
        page = client.post("/pull", json={"cursor": cursor}).json()
        found = next((i for i in page["items"] if i["entity"] == "hazard" and i["row"]["id"] == str(hazard_id)), found)
        cursor = page["cursor"]
        if not page["more"]:
            assert found is not None
            return found


def test_every_event_on_the_server_carries_its_laptops_signature_and_every_replica_checks_it(
        central, tmp_path, catalogue, capsys):
    a, b = _laptop(tmp_path, "a"), _laptop(tmp_path, "b")
    places = _school_with_hazard(a, catalogue)
    token_a, token_b = central.token("李伟", places["org"]), central.token("王芳", places["org"])
    assert a.sync(central, token_a).refused == []
    assert b.sync(central, token_b).pulled > 0

    server = central.open()
    try:
        with server.session() as session:
            events = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == places["hazard"])).all()
            key = session.get(SigningKey, events[0].signer)
            # The key is the one laptop a registered with its own token, and it signed each event's hash.
            assert key is not None and key.replica_id == a.replica_id() and key.inspector == "李伟"
            assert len(events) == 2 and all(
                e.signer == key.id and signatures.signature_valid(key.public_key, e.hash, e.signature) for e in events)
        report = _verified(server)
        assert report.signatures_checked == report.events_checked >= 2
    finally:
        server.dispose()
    # Laptop b holds a's events with their signatures and a's public key, and checks them itself.
    report = _verified(b.db)
    assert report.signatures_checked == report.events_checked >= 2 and report.unsigned_events == 0
    with b.db.session() as session:
        assert session.get(SigningKey, key.id).public_key == key.public_key
    # `hazard show` on laptop b names who the server vouched for behind each event: a's inspector and laptop.
    capsys.readouterr()
    assert main(["--db", str(tmp_path / "b.sqlite"), "hazard", "show", str(places["hazard"])]) == 0
    history = json.loads(capsys.readouterr().out)["history"]
    assert [h["signed_by"] for h in history] == [{"inspector": "李伟", "laptop": str(a.replica_id())}] * 2


def test_a_push_signed_by_anyone_but_the_pushing_laptops_own_key_is_refused(central, tmp_path, catalogue):
    a = _laptop(tmp_path, "a")
    places = _school_with_hazard(a, catalogue)
    token_a, mallory = central.token("李伟", places["org"]), central.token("Mallory", places["org"])
    a.sync(central, token_a)
    with a.db.session() as session:
        stolen = signatures.laptop_key(session)  # a copy of laptop a's ledger, key included
    own = signatures.LaptopKey(Ed25519PrivateKey.generate())
    mallory_laptop = uuid.uuid4()
    with central.client(mallory) as client:
        # a's key cannot be registered by another token, for a's laptop or any other.
        assert client.post("/hello", json={"replica_id": str(mallory_laptop), "name": "m",
                                           "public_key": stolen.public_key}).status_code == 409
        assert client.post("/hello", json={"replica_id": str(a.replica_id()), "name": "m",
                                           "public_key": own.public_key}).status_code == 403
        assert client.post("/hello", json={"replica_id": str(mallory_laptop), "name": "m",
                                           "public_key": own.public_key}).status_code == 200
        hazard = _pulled_hazard(client, places["hazard"])
        tries = {
            "unsigned": with_event(hazard, "edited", {"room": ["", "forged-unsigned"]}),
            "stolen key": with_event(hazard, "edited", {"room": ["", "forged-stolen"]}, key=stolen),
            "signature of another event": with_event(hazard, "edited", {"room": ["", "forged-copied"]}),
            "laptop never seen": with_event(hazard, "edited", {"room": ["", "forged-origin"]}, key=own,
                                            origin=str(uuid.uuid4())),
        }
        copied = tries["signature of another event"]["events"][-1]
        copied.update(signer=own.id, signature=own.sign(hazard["events"][-1]["hash"]))
        for name, item in tries.items():
            answer = client.post("/push", json={"replica_id": str(mallory_laptop), "items": [item]}).json()
            (result,) = answer["results"]
            assert result["status"] == "unsigned", (name, result)
        # The same change signed by mallory's own registered key is mallory's to make, and lands.
        honest = with_event(hazard, "edited", {"room": ["", "mallory's room"]}, key=own, origin=str(mallory_laptop))
        (result,) = client.post("/push", json={"replica_id": str(mallory_laptop), "items": [honest]}).json()["results"]
        assert result["status"] == "accepted", result
    server = central.open()
    try:
        with server.session() as session:
            histories = list(session.scalars(select(HazardEvent.data).where(
                HazardEvent.hazard_id == places["hazard"])))
            assert not any("forged" in str(data) for data in histories)
            assert session.get(Hazard, places["hazard"]).room == "mallory's room"
            last = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == places["hazard"])
                                   .order_by(HazardEvent.seq.desc())).first()
            assert last is not None and session.get(SigningKey, last.signer).inspector == "Mallory"
        _verified(server)
    finally:
        server.dispose()


def test_a_revoked_tokens_key_signs_nothing_new_and_its_old_signatures_still_verify(central, tmp_path, catalogue):
    a = _laptop(tmp_path, "a")
    places = _school_with_hazard(a, catalogue)
    first = central.token("李伟", places["org"])
    a.sync(central, first)
    with a.db.session() as session:
        old_key = signatures.laptop_key(session)
    server = central.open()
    try:
        with server.session() as session:
            accounts.revoke_token(session, str(session.scalar(select(KnownReplica.token_id).where(
                KnownReplica.id == a.replica_id()))))
    finally:
        server.dispose()
    replacement = central.token("李伟", places["org"])  # the lost token replaced; the laptop is still a's
    with a.db.session() as session:
        hazard = session.get(Hazard, places["hazard"])
        hazards.update_hazard(session, hazard, "李伟", room="after the new token")
    report = a.sync(central, replacement)
    assert report.refused == [] and report.pushed > 0
    with a.db.session() as session:
        new_key = signatures.laptop_key(session)
    assert new_key.id != old_key.id  # the retired key was replaced at hello, by itself

    with central.client(replacement) as client:
        hazard_item = _pulled_hazard(client, places["hazard"])
        forged = with_event(hazard_item, "edited", {"room": ["after the new token", "old key"]}, key=old_key,
                            origin=str(a.replica_id()))
        (result,) = client.post("/push", json={"replica_id": str(a.replica_id()), "items": [forged]}).json()["results"]
    assert result["status"] == "unsigned", result
    server = central.open()
    try:
        with server.session() as session:
            signers = list(session.scalars(select(HazardEvent.signer).where(HazardEvent.hazard_id == places["hazard"])
                                           .order_by(HazardEvent.seq)))
            assert signers == [old_key.id, old_key.id, new_key.id]
            assert session.get(SigningKey, old_key.id).revoked_at is not None
        report = _verified(server)
        assert report.unsigned_events == 0
    finally:
        server.dispose()
    assert _verified(a.db).unsigned_events == 0
