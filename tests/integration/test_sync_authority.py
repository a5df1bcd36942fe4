"""The central server decides, whatever a client claims: `serve --workers 2` on PostgreSQL over HTTP.
An account's unfinished uploads are its own and bounded; a file another county holds is answered for
exactly as one the server lacks; a laptop stays with the account that registered it; four laptops
syncing for the first time at once all get a number block."""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select, text

from inspector_app.core import accounts, hazards
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import Attachment
from inspector_app.core.sync.run import synchronise
from inspector_app.web.sync.client import HttpTransport
from inspector_app.web.sync.uploads import MAX_PARTIALS_PER_ACCOUNT
from tests.integration.sync_server import Central, central_server
from tests.sync.conftest import school

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def central(tmp_path_factory) -> Iterator[Central]:
    with central_server(tmp_path_factory.mktemp("central") / "files", "--workers", "2") as server:
        yield server


def _put(client: httpx.Client, digest: str, offset: int, data: bytes, final: bool = False) -> httpx.Response:
    return client.put(f"/files/{digest}", params={"offset": offset, "final": "1" if final else "0", "suffix": ".pdf"},
                      content=data)


def test_nobody_can_append_to_another_accounts_upload(central):
    data = os.urandom(300_000)
    digest = hashlib.sha256(data).hexdigest()
    with central.client(central.token("Wang")) as owner, central.client(central.token("Mallory")) as other:
        assert _put(owner, digest, 0, data[:100_000]).json() == {"size": 100_000, "complete": False}
        # The other account sees nothing of it, and what it sends goes into an upload of its own.
        assert other.get(f"/files/{digest}/size").json() == {"size": 0, "complete": False}
        assert _put(other, digest, 100_000, b"spoiled").status_code == 409
        assert _put(other, digest, 0, b"spoiled").json() == {"size": 7, "complete": False}
        finished = _put(owner, digest, 100_000, data[100_000:], final=True)
    assert finished.json() == {"size": 300_000, "complete": True}
    stored = central.open()
    try:
        path = stored.store.find(digest)
        assert path is not None and path.read_bytes() == data
    finally:
        stored.dispose()


def test_unfinished_uploads_of_one_account_are_bounded(central):
    with central.client(central.token("Zhao")) as client:
        answers = [_put(client, hashlib.sha256(b"%d" % n).hexdigest(), 0, b"part").status_code
                   for n in range(MAX_PARTIALS_PER_ACCOUNT + 3)]
    assert answers[:MAX_PARTIALS_PER_ACCOUNT] == [200] * MAX_PARTIALS_PER_ACCOUNT
    assert set(answers[MAX_PARTIALS_PER_ACCOUNT:]) == {413}


def _laptop_with_a_photo(tmp_path, catalogue, jpeg_photo) -> tuple[object, uuid.UUID]:
    laptop = open_database(sqlite_url(tmp_path / "laptop.sqlite"))
    from tests.sync.conftest import Laptop

    places = school(Laptop("a", laptop, "inspector a"))
    with laptop.session() as session:
        hazards.add_hazard(session, catalogue, laptop.store, actor="inspector a", category="electrical.aging_wiring",
                           floor_id=places["floor"], x=0.5, y=0.5, description="cord", photos=[jpeg_photo])
    return laptop, places["org"]


def test_a_file_another_county_holds_is_answered_for_as_one_nobody_holds(central, tmp_path, catalogue, jpeg_photo):
    laptop, _org = _laptop_with_a_photo(tmp_path, catalogue, jpeg_photo)
    transport = HttpTransport(central.base, central.admin)
    try:
        report = synchronise(laptop, transport, "inspector a", server_url=central.base)
        with laptop.session() as session:
            held = session.scalars(select(Attachment.file_hash)).one()
    finally:
        transport.close()
        laptop.dispose()
    assert report.refused == [] and report.files_sent == 1
    unknown = hashlib.sha256(b"never uploaded").hexdigest()
    with central.client(central.token("Another county's inspector")) as outsider:
        missing = outsider.post("/files/missing", json={"hashes": [held, unknown]}).json()["missing"]
        assert missing == [held, unknown]
        sizes = [outsider.get(f"/files/{h}/size") for h in (held, unknown)]
        assert sizes[0].json() == sizes[1].json() == {"size": 0, "complete": False}
        puts = [_put(outsider, h, 0, b"abc") for h in (held, unknown)]
        assert puts[0].status_code == puts[1].status_code == 200
        assert puts[0].json() == puts[1].json() == {"size": 3, "complete": False}
        downloads = [outsider.get(f"/files/{h}") for h in (held, unknown)]
        assert downloads[0].status_code == downloads[1].status_code == 404
        assert downloads[0].content == downloads[1].content
    with central.client() as admin:  # the account that may see it is told it is there
        assert admin.post("/files/missing", json={"hashes": [held, unknown]}).json()["missing"] == [unknown]


def test_a_laptop_stays_with_the_account_that_registered_it(central):
    replica = str(uuid.uuid4())
    owner_token, thief_token = central.token("Qian"), central.token("Sun")
    with central.client(owner_token) as owner, central.client(thief_token) as thief:
        first = owner.post("/hello", json={"replica_id": replica, "name": "Qian's laptop"})
        assert first.status_code == 200
        taken = thief.post("/hello", json={"replica_id": replica, "name": "mine now"})
        assert taken.status_code == 403 and "token" in taken.json()["error"]
        again = owner.post("/hello", json={"replica_id": replica, "name": "Qian's laptop"})
        assert again.status_code == 200 and again.json()["device_index"] == first.json()["device_index"]
    db = central.open()
    try:
        with db.session() as session:
            row = session.execute(text("SELECT name, token_id FROM known_replicas WHERE id = :id"),
                                  {"id": uuid.UUID(replica)}).one()
            assert row.name == "Qian's laptop"
            assert row.token_id == accounts.find_token(session, owner_token).id
            # A lost token revoked and replaced: the same inspector's new token takes the laptop on.
            accounts.revoke_token(session, owner_token)
            replacement = accounts.create_token(session, "Qian", "inspector", [uuid.uuid4()])[1]
    finally:
        db.dispose()
    with central.client(replacement) as owner, central.client(thief_token) as thief:
        assert owner.post("/hello", json={"replica_id": replica, "name": "Qian's laptop"}).status_code == 200
        assert thief.post("/hello", json={"replica_id": replica, "name": "x"}).status_code == 403


def test_laptops_syncing_for_the_first_time_at_once_all_get_a_block(central):
    answers: list[httpx.Response] = []
    for _round in range(5):
        barrier = threading.Barrier(6)

        def first_hello(barrier: threading.Barrier = barrier) -> None:
            with central.client() as client:  # a connection each: both workers take part
                barrier.wait()
                answers.append(client.post("/hello", json={"replica_id": str(uuid.uuid4()), "name": "new"}))

        threads = [threading.Thread(target=first_hello) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert [a.status_code for a in answers] == [200] * 30
    indexes = [a.json()["device_index"] for a in answers]
    assert len(set(indexes)) == 30

