"""Small files come down several to a request (POST /sync/files/fetch, web/sync/file_fetch.py), through
the real API and client in-process: one request for forty photos, a large file alone and resumable,
the byte cap honoured by putting files off, a tampered answer refused by name while the rest is kept,
a hostile answer's file names never used, and a server from before batches still gives every file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.errors import InspectorError
from inspector_app.core.store import FileStore, sha256_bytes
from inspector_app.web.sync import file_fetch
from inspector_app.web.sync.api import create_sync_app
from inspector_app.web.sync.client import HttpTransport
from tests.sync.conftest import Central


def _on_server(central: Central, count: int, size: int = 50_000, suffix: str = ".jpg") -> list[str]:
    return [central.db.store.put(os.urandom(size), suffix) for _number in range(count)]


@pytest.fixture
def laptop(tmp_path) -> Database:
    db = open_database(sqlite_url(tmp_path / "laptop.sqlite"), store_dir=tmp_path / "laptop-files")
    yield db
    db.dispose()


def _transport(app: object, token: str, seen: list[str]) -> HttpTransport:
    client = TestClient(app, base_url="http://central/sync")
    client.event_hooks["request"] = [lambda request: seen.append(f"{request.method} {request.url.path}")]
    return HttpTransport("http://central", token, client=client, sleep=lambda _s: None)


def _same_files(central: Central, laptop: Database, digests: list[str]) -> bool:
    for digest in digests:
        ours, theirs = laptop.store.find(digest), central.db.store.find(digest)
        assert ours is not None and theirs is not None, digest
        assert ours.name == theirs.name and ours.read_bytes() == theirs.read_bytes()
    return True


def test_photos_come_in_one_request_and_a_large_file_alone(central: Central, laptop):
    photos = _on_server(central, 40)
    big = central.db.store.put(os.urandom(file_fetch.LARGE_FILE_BYTES + 1), ".pdf")
    seen: list[str] = []
    assert _transport(central.app, central.admin_token, seen).download_many([*photos, big, photos[0]], laptop) == 41
    assert _same_files(central, laptop, [*photos, big])
    assert seen.count("POST /sync/files/fetch") == 1  # forty photos: one request, not forty
    assert seen.count(f"GET /sync/files/{big}") == 2  # alone, resumable: 8 MiB, then the last byte
    seen.clear()
    assert _transport(central.app, central.admin_token, seen).download_many([*photos, big], laptop) == 0
    assert seen == []  # nothing asked for what the laptop holds


def test_an_answer_keeps_within_its_byte_cap_and_puts_the_rest_off(central: Central, laptop, monkeypatch):
    monkeypatch.setattr(file_fetch, "MAX_FETCH_BYTES", 120_000)  # two photos of 50 KB per answer
    photos = _on_server(central, 7)
    seen: list[str] = []
    _transport(central.app, central.admin_token, seen).download_many(photos, laptop)
    assert _same_files(central, laptop, photos)
    assert seen.count("POST /sync/files/fetch") == 4


class Tamper:
    """Flips a byte of the photo ``victim`` in every answer to /sync/files/fetch that carries it, as a
    damaging network or proxy would."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.victim = app, ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/files/fetch"):
            await self.app(scope, receive, send)
            return
        body = bytearray()

        async def collect(message: Message) -> None:
            nonlocal body
            if message["type"] != "http.response.body":
                await send(message)
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                await send({"type": "http.response.body", "body": self.spoil(bytes(body))})

        await self.app(scope, receive, collect)

    def spoil(self, body: bytes) -> bytes:
        length = int.from_bytes(body[:4], "big")
        position = 4 + length
        for entry in json.loads(body[4:position])["files"]:
            if entry["digest"] == self.victim:
                return body[:position] + bytes([body[position] ^ 0xFF]) + body[position + 1:]
            position += entry["size"]
        return body


def test_a_file_damaged_on_the_way_is_refused_by_name_and_the_rest_is_kept(central: Central, laptop):
    tamper = Tamper(central.app)  # type: ignore[arg-type]
    photos = _on_server(central, 5)
    tamper.victim = photos[2]
    with pytest.raises(InspectorError, match=photos[2][:12]):
        _transport(tamper, central.admin_token, []).download_many(photos, laptop)
    assert laptop.store.find(photos[2]) is None  # never adopted
    assert _same_files(central, laptop, [d for d in photos if d != photos[2]])
    tamper.victim = ""
    seen: list[str] = []
    assert _transport(tamper, central.admin_token, seen).download_many(photos, laptop) == 1
    assert _same_files(central, laptop, photos) and seen == ["POST /sync/files/fetch"]


def _answer(manifest: dict[str, object], *files: bytes) -> bytes:
    encoded = json.dumps(manifest).encode()
    return len(encoded).to_bytes(4, "big") + encoded + b"".join(files)


def test_a_hostile_answer_writes_nothing_outside_what_was_asked_for(tmp_path):
    data = b"photo bytes"
    digest = sha256_bytes(data)
    store = FileStore(tmp_path / "store")
    hostile = {
        "a suffix climbing out of the store": {"files": [{"digest": digest, "suffix": "/../../x", "size": len(data)}]},
        "a file that was not asked for": {"files": [{"digest": sha256_bytes(b"other"), "suffix": "", "size": 5}]},
        "a size past the batched-file limit": {"files": [{"digest": digest, "suffix": "", "size": 2**40}]},
        "every file put off": {"files": [], "later": [digest]},
        "missing naming other files": {"files": [], "missing": ["../../etc/passwd"]},
    }
    for name, manifest in hostile.items():
        with pytest.raises(file_fetch.FetchError):
            file_fetch.receive([_answer(manifest, data)], {digest}, store, file_fetch.Received())
        assert not list(tmp_path.rglob("*x")) and store.find(digest) is None, name
    with pytest.raises(file_fetch.Truncated):  # cut inside the file: nothing of it kept
        file_fetch.receive([_answer({"files": [{"digest": digest, "suffix": ".jpg", "size": len(data)}]}, data[:-1])],
                           {digest}, store, file_fetch.Received())
    assert store.find(digest) is None


def test_a_server_from_before_batched_downloads_gives_the_files_one_by_one(central: Central, laptop):
    current = create_sync_app(central.db)
    older = Starlette(routes=[Mount("/sync", app=Starlette(routes=[
        route for route in current.routes if not (isinstance(route, Route) and route.path == "/files/fetch")]))])
    photos = _on_server(central, 3)
    seen: list[str] = []
    _transport(older, central.admin_token, seen).download_many(photos, laptop)
    assert _same_files(central, laptop, photos)
    assert sorted(seen) == sorted(["POST /sync/files/fetch", *(f"GET /sync/files/{d}" for d in photos)])


def test_the_laptop_store_after_a_download_holds_no_debris(central: Central, laptop):
    photos = _on_server(central, 3)
    _transport(central.app, central.admin_token, []).download_many(photos, laptop)
    names = sorted(p.name for p in Path(laptop.store.root).rglob("*") if p.is_file())
    assert names == sorted(p.name for d in photos if (p := laptop.store.find(d)))
