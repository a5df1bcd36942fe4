"""What the central ledger refuses, and how a sync survives interruptions: a row or event edited
behind the program's back, unknown and revoked tokens, another organisation's hazards, a damaged
or interrupted file, the same push arriving twice."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from inspector_app.core import accounts, hazards, signatures, structure
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Attachment, Hazard, HazardEvent, Organisation, SyncRefusal
from inspector_app.core.store import sha256_bytes
from inspector_app.core.sync import laptop as laptop_side
from inspector_app.core.sync.run import status as sync_status
from inspector_app.web.sync.client import HttpTransport
from tests.sync.conftest import add, edit, ledger_state, school, verified


def _sqlite(laptop, statement, *params):
    connection = sqlite3.connect(laptop.db.url.removeprefix("sqlite:///"))
    with connection:
        connection.execute(statement, params)
    connection.close()


def _transport(central, token=None):
    return HttpTransport("http://central", token or central.admin_token,
                         client=TestClient(central.app, base_url="http://central/sync"), sleep=lambda _s: None)


def test_a_hazard_row_edited_behind_the_programs_back_is_refused_with_the_field_named(central, laptops, catalogue):
    a = laptops("a")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"])
    a.sync(central)
    edit(a, hazard_id, room="101")
    _sqlite(a, "UPDATE hazards SET deadline = '2030-01-01' WHERE id = ?", hazard_id.hex)
    report = a.sync(central)
    (refused,) = report.refused
    assert refused["status"] == "tampered" and "deadline" in refused["reason"]
    with central.db.session() as session:
        assert session.get(Hazard, hazard_id).room == ""  # nothing of it landed
        assert session.scalar(select(func.count()).select_from(SyncRefusal)) == 1
    assert verified(central.db)


def test_an_event_edited_behind_the_programs_back_is_refused(central, laptops, catalogue):
    a = laptops("a")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"])
    a.sync(central)
    edit(a, hazard_id, room="101")
    _sqlite(a, "UPDATE hazard_events SET note = 'nothing happened' WHERE hazard_id = ? AND seq = 2", hazard_id.hex)
    (refused,) = a.sync(central).refused
    assert refused["status"] == "tampered" and "hash" in refused["reason"]


def test_unknown_and_revoked_tokens_get_401_and_change_nothing(central, laptops, catalogue):
    a = laptops("a")
    places = school(a)
    add(a, catalogue, places["floor"])
    with pytest.raises(InspectorError, match="unknown or revoked"):
        a.sync(central, "fri_not-a-real-token")
    token = central.token("Li Wei", places["org"])
    with central.db.session() as session:
        accounts.revoke_token(session, token)
    with pytest.raises(InspectorError, match="unknown or revoked"):
        a.sync(central, token)
    with central.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 0
    with a.db.session() as session:
        assert "unknown or revoked" in laptop_side.replica(session).last_error


def test_an_inspector_cannot_write_another_organisations_hazards_and_the_attempt_is_logged(central, laptops,
                                                                                           catalogue, tmp_path):
    import shutil
    import sqlite3

    from inspector_app.core.db import open_database, sqlite_url
    from tests.sync.conftest import Laptop

    a = laptops("a")
    ours = school(a)
    with a.db.session() as session:
        other = structure.create_organisation(session, "Another county", kind="county")
        site = structure.create_site(session, other, "Far school", code="FS1")
        floor = structure.create_floor(session, structure.create_building(session, site, "Canteen"), "1F", 1)
    theirs = add(a, catalogue, floor.id, "their hazard")
    a.sync(central)
    a.db.dispose()
    shutil.copy(tmp_path / "a.sqlite", tmp_path / "copy.sqlite")  # a ledger that holds both organisations
    with sqlite3.connect(tmp_path / "copy.sqlite") as raw:  # on a laptop of its own (the server refuses
        raw.execute("UPDATE replica SET id = ?", (uuid.uuid4().hex,))  # one account's laptop to another)
    copy = Laptop("copy", open_database(sqlite_url(tmp_path / "copy.sqlite")), "Li Wei")
    try:
        edit(copy, theirs, description="rewritten by someone without the right")
        report = copy.sync(central, central.token("Li Wei", ours["org"]))
    finally:
        copy.db.dispose()
    (refused,) = report.refused
    assert refused["status"] == "forbidden" and "Li Wei" in refused["reason"]
    with central.db.session() as session:
        assert session.get(Hazard, theirs).description == "their hazard"
        (logged,) = session.scalars(select(SyncRefusal)).all()
        assert logged.entity == "hazard" and logged.entity_id == str(theirs)


def test_an_inspector_sees_only_the_organisations_it_was_given(central, laptops, catalogue):
    a, b = laptops("a"), laptops("b")
    ours = school(a)
    add(a, catalogue, ours["floor"])
    with a.db.session() as session:
        other = structure.create_organisation(session, "Another county", kind="county")
        site = structure.create_site(session, other, "Far school", code="FS1")
        floor = structure.create_floor(session, structure.create_building(session, site, "Canteen"), "1F", 1)
    add(a, catalogue, floor.id)
    a.sync(central)
    b.sync(central, central.token("Li Wei", ours["org"]))
    with b.db.session() as session:
        assert [h.number for h in session.scalars(select(Hazard))] == ["LL1-0001"]


def test_a_file_upload_resumes_after_a_broken_connection_and_a_damaged_one_is_refused(central, tmp_path):
    data = bytes(range(256)) * 40_000  # ~10 MB: three chunks
    digest = sha256_bytes(data)
    source = tmp_path / f"{digest}.jpg"
    source.write_bytes(data)
    transport = _transport(central)
    client = transport._client
    first = client.put(f"/files/{digest}", content=data[:4 * 1024 * 1024], params={"offset": 0, "final": "0",
                                                                                   "suffix": ".jpg"})
    assert first.json()["size"] == 4 * 1024 * 1024  # then the connection broke
    transport.upload(digest, str(source))
    stored = central.db.store.find(digest)
    assert stored is not None and stored.read_bytes() == data and stored.suffix == ".jpg"

    wrong = sha256_bytes(b"something else")
    answer = client.put(f"/files/{wrong}", content=b"not that", params={"offset": 0, "final": "1"})
    assert answer.status_code == 422 and central.db.store.find(wrong) is None


def test_the_same_push_arriving_twice_makes_no_duplicates(central, laptops, catalogue, jpeg_photo):
    a = laptops("a")
    places = school(a)
    add(a, catalogue, places["floor"], photos=[jpeg_photo])
    transport = _transport(central)
    with a.db.session() as session:
        key = signatures.laptop_key(session)
    transport.hello(a.db.replica_id(), "a", key.public_key)
    with a.db.session() as session:
        outgoing = laptop_side.pending(session, 0)
        signatures.sign_outgoing(session, outgoing.items, key)  # as a sync does before it pushes
    for digest in transport.missing_files(sorted(outgoing.files)):
        transport.upload(digest, str(a.db.store.find(digest)))
    transport.push(a.db.replica_id(), outgoing.items)  # the answer is lost: the laptop never hears it
    report = a.sync(central)
    assert not report.refused and report.pushed == 0
    assert ledger_state(a.db) == ledger_state(central.db)
    with central.db.session() as session:
        assert session.scalar(select(func.count()).select_from(HazardEvent)) == 2
    assert verified(central.db)


def test_a_photo_removed_on_one_laptop_is_removed_everywhere(central, laptops, catalogue, jpeg_photo):
    from inspector_app.core.attachments import detach_photo

    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"], photos=[jpeg_photo])
    a.sync(central)
    b.sync(central)
    with b.db.session() as session:
        attachment = session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id)).one()
        detach_photo(session, attachment.id, b.actor)
    b.sync(central)
    a.sync(central)
    for db in (a.db, central.db):
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert ledger_state(a.db) == ledger_state(b.db) == ledger_state(central.db)
    assert verified(a.db) and verified(central.db)


def test_an_older_protocol_is_told_to_update(central):
    client = TestClient(central.app, base_url="http://central/sync")
    answer = client.post("/pull", json={"cursor": 0}, headers={"authorization": f"Bearer {central.admin_token}",
                                                              "x-inspector-sync": "0"})
    assert answer.status_code == 426 and "Update the program" in answer.json()["error"]


def test_a_hazard_in_the_shared_ledger_cannot_be_undone_away(central, laptops, catalogue):
    a = laptops("a")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"])
    a.sync(central)
    with a.db.session() as session, pytest.raises(InspectorError, match="shared ledger"):
        hazards.discard_new_hazard(session, hazard_id)


def test_malformed_push_items_are_refused_one_by_one(central):
    client = TestClient(central.app, base_url="http://central/sync")
    headers = {"authorization": f"Bearer {central.admin_token}", "x-inspector-sync": "1"}
    answer = client.post("/push", headers=headers, json={"replica_id": str(uuid.uuid4()), "items": [
        {"entity": "site", "row": {"id": "not-a-uuid"}}, {"entity": "spaceship", "row": {}}]})
    assert [r["status"] for r in answer.json()["results"]] == ["malformed", "malformed"]
    assert client.post("/push", headers=headers, content=b"{oops").status_code == 400


def test_a_clash_in_a_batch_refuses_only_the_clashing_row(central, laptops, catalogue):
    """Two laptops that never met drew the same short code for two hazards (a one in a trillion draw,
    forced here): the second one's hazard is refused with the clash named, and the rest of its push
    still lands. Its pull keeps the first one's hazard aside with the reason and moves on past it."""
    a, b = laptops("a"), laptops("b")
    first = add(a, catalogue, school(a)["floor"])
    a.sync(central)
    with b.db.session() as session:
        org = structure.create_organisation(session, "Another bureau", kind="county")
        site = structure.create_site(session, org, "Another No. 1 School", code="LL1")  # a code of its own
        floor = structure.create_floor(session, structure.create_building(session, site, "Canteen", "canteen"),
                                       "1F", 1)
    clashing, other = add(b, catalogue, floor.id), add(b, catalogue, floor.id)
    with a.db.session() as session:
        taken = session.get(Hazard, first).short_code
    with b.db.session() as session:
        session.get(Hazard, clashing).short_code = taken
    report = b.sync(central)
    (refused,) = report.refused
    assert refused["entity"] == "hazard" and refused["status"] == "collision"
    assert "clashes with a record already on the server" in refused["reason"]
    with central.db.session() as session:
        assert session.get(Hazard, other) is not None and session.get(Hazard, clashing) is None
        assert session.get(Organisation, org.id) is not None
    (kept,) = report.problems
    assert str(first) in kept and "short_code" in kept
    with b.db.session() as session:
        assert laptop_side.replica(session).pull_cursor > 0
    assert sync_status(b.db)["set_aside"] == 1 and "short_code" in sync_status(b.db)["last_error"]


def test_files_go_only_to_accounts_that_reach_a_row_naming_them(central, laptops, catalogue, jpeg_photo, tmp_path):
    from PIL import Image

    a = laptops("a")
    ours = school(a)
    with a.db.session() as session:
        other = structure.create_organisation(session, "Another county", kind="county")
        site = structure.create_site(session, other, "Far school", code="FS1")
        far_floor = structure.create_floor(session, structure.create_building(session, site, "Canteen"), "1F", 1)
    theirs_photo = tmp_path / "theirs.jpg"
    Image.new("RGB", (40, 30), "#2266aa").save(theirs_photo, format="JPEG")
    add(a, catalogue, ours["floor"], photos=[jpeg_photo])
    far = add(a, catalogue, far_floor.id, photos=[theirs_photo])
    a.sync(central)
    with central.db.session() as session:
        far_hash = session.scalars(select(Attachment.file_hash).where(Attachment.hazard_id == far)).one()
        our_hash = session.scalars(select(Attachment.file_hash).where(Attachment.hazard_id != far)).one()
    inspector = _transport(central, central.token("Li Wei", ours["org"]))._client
    assert inspector.get(f"/files/{our_hash}").status_code == 200
    refused = inspector.get(f"/files/{far_hash}")
    unknown = inspector.get(f"/files/{'0' * 64}")
    assert refused.status_code == unknown.status_code == 404
    assert refused.json() == unknown.json()
    assert _transport(central)._client.get(f"/files/{far_hash}").status_code == 200
