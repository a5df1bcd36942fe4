"""Batched downloads (POST /sync/files/fetch) from `serve --workers 2` on PostgreSQL over HTTP: a batch
answers the files an account may not read exactly as files nobody holds, a new laptop gets its
county's photos in batches, and a download cut mid-stream leaves the laptop's store with verified
files only, its rows unapplied, and the next sync completes."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Attachment
from inspector_app.core.store import FileStore
from inspector_app.core.sync import laptop as laptop_state
from inspector_app.core.sync.run import synchronise
from inspector_app.web.sync import file_fetch
from inspector_app.web.sync.client import HttpTransport
from tests.integration.cutting_proxy import CuttingProxy
from tests.integration.sync_server import Central, central_server
from tests.sync.conftest import Laptop, add, school

pytestmark = pytest.mark.postgres
PHOTOS = 10


@dataclass
class County:
    org: uuid.UUID
    photos: list[str]  # the stored photos' hashes, as the server holds them


@dataclass
class City:
    central: Central
    a: County
    b: County


def _photos(folder: Path, count: int, seed: int) -> list[Path]:
    """Distinct photos of a few tens of KB (noise does not compress)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(count):
        image = Image.frombytes("RGB", (160, 120), bytes(rng.getrandbits(8) for _ in range(160 * 120 * 3)))
        path = folder / f"{seed}-{number}.jpg"
        image.save(path, format="JPEG", quality=90)
        made.append(path)
    return made


def _county(central: Central, work: Path, name: str, catalogue, seed: int) -> County:
    db = open_database(sqlite_url(work / f"{name}.sqlite"))
    laptop = Laptop(name, db, f"inspector {name}")
    try:
        places = school(laptop)
        for photo in _photos(work / f"photos-{name}", PHOTOS, seed):
            add(laptop, catalogue, places["floor"], f"hazard by {name}", photos=[photo])
        with db.session() as session:  # before the sync brings the other county's (an admin's token)
            photos = sorted(session.scalars(select(Attachment.file_hash)))
        transport = HttpTransport(central.base, central.admin, sleep=lambda _s: None)
        try:
            assert synchronise(db, transport, laptop.actor, server_url=central.base).refused == []
        finally:
            transport.close()
        return County(places["org"], photos)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def city(tmp_path_factory, catalogue) -> Iterator[City]:
    work = tmp_path_factory.mktemp("downloads")
    with central_server(work / "files", "--workers", "2") as central:
        yield City(central, _county(central, work, "a", catalogue, 1), _county(central, work, "b", catalogue, 2))


def _fetch(central: Central, token: str, hashes: list[str], into: Path) -> tuple[bytes, file_fetch.Received]:
    """The raw answer, and what the laptop's own reader makes of it."""
    with central.client(token) as client:
        answer = client.post("/files/fetch", json={"hashes": hashes})
    assert answer.status_code == 200, answer.text
    received = file_fetch.Received()
    file_fetch.receive([answer.content], set(hashes), FileStore(into), received)
    return answer.content, received


def test_a_batch_answers_files_the_account_may_not_read_as_missing(city, tmp_path):
    central = city.central
    unknown = hashlib.sha256(b"never uploaded").hexdigest()
    mine, theirs = city.a.photos[:3], city.b.photos[:2]
    inspector_a = central.token("李伟", city.a.org)
    _body, received = _fetch(central, inspector_a, [theirs[0], *mine, unknown, theirs[1]], tmp_path / "a")
    assert received.kept == mine and received.missing == [theirs[0], unknown, theirs[1]]
    assert received.large == received.later == []
    for digest in mine:  # what arrived is the server's file, byte for byte
        assert hashlib.sha256(FileStore(tmp_path / "a").find(digest).read_bytes()).hexdigest() == digest
    assert all(FileStore(tmp_path / "a").find(d) is None for d in (*theirs, unknown))

    # Another county's photo and a photo nobody holds get the same answer, to the byte.
    outsider = central.token("Another county's inspector")
    held, _ = _fetch(central, outsider, [theirs[0]], tmp_path / "o1")
    nobody, _ = _fetch(central, outsider, [unknown], tmp_path / "o2")
    assert held.replace(theirs[0].encode(), unknown.encode()) == nobody
    _body, received = _fetch(central, central.admin, [theirs[0], unknown], tmp_path / "admin")
    assert received.kept == [theirs[0]] and received.missing == [unknown]


def _store_files(db: Database) -> dict[str, bytes]:
    """Every file in a laptop's store (not its .partial folder), by the hash its name claims."""
    return {path.name[:64]: path.read_bytes() for path in db.store.root.glob("??/*")}


def _attachments(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Attachment)) or 0


def test_a_download_cut_mid_stream_keeps_verified_files_only_and_the_next_sync_completes(city, tmp_path):
    central = city.central
    token = central.token("王芳", city.a.org)
    proxy = CuttingProxy(central.port)
    proxy.cuts, proxy.always = [3], 0  # the first answer is cut inside its 4th photo, every retry in its 1st
    newcomer = open_database(sqlite_url(tmp_path / "newcomer.sqlite"))
    transport = HttpTransport(proxy.base, token, sleep=lambda _s: None)
    try:
        with pytest.raises(InspectorError, match="cut off"):
            synchronise(newcomer, transport, "inspector c", server_url=proxy.base)
        assert proxy.answers_cut >= 2  # the cut answer, and the retries of what it did not bring
        held = _store_files(newcomer)
        assert sorted(held) == city.a.photos[:3]  # the three whole photos before the cut, and nothing else
        assert all(hashlib.sha256(data).hexdigest() == digest for digest, data in held.items())
        assert not list(newcomer.store.root.glob("??/.incoming-*"))
        with newcomer.session() as session:  # no row went in ahead of its photo
            assert laptop_state.replica(session).pull_cursor == 0
        assert _attachments(newcomer) == 0

        proxy.always = None  # the link is back
        report = synchronise(newcomer, transport, "inspector c", server_url=proxy.base)
        assert report.files_received == PHOTOS - 3 and report.problems == []
        assert sorted(_store_files(newcomer)) == city.a.photos
        assert _attachments(newcomer) == PHOTOS
        server = central.open()
        try:
            for digest, data in _store_files(newcomer).items():
                assert server.store.find(digest).read_bytes() == data
        finally:
            server.dispose()
    finally:
        transport.close()
        proxy.close()
        newcomer.dispose()
