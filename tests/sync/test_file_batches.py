"""Small files travel several to a request (POST /sync/files/batch, web/sync/file_batch.py): every file
whose bytes hash to its name is stored, a mismatched one is refused alone, a malformed or
unauthenticated body stores nothing, large files still go resumable one by one, and a server from
before batches still gets every file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from inspector_app.core.errors import InspectorError
from inspector_app.core.store import sha256_bytes
from inspector_app.web.sync import file_batch
from inspector_app.web.sync.api import PROTOCOL_HEADER, create_sync_app
from inspector_app.web.sync.client import HttpTransport
from tests.sync.conftest import Central


def _files(tmp_path, count: int, size: int = 50_000) -> list[tuple[str, str]]:
    made = []
    for _number in range(count):
        data = os.urandom(size)
        digest = sha256_bytes(data)
        path = tmp_path / f"{digest}.jpg"
        path.write_bytes(data)
        made.append((digest, str(path)))
    return made


def _transport(app: object, token: str, seen: list[str]) -> HttpTransport:
    client = TestClient(app, base_url="http://central/sync")
    client.event_hooks["request"] = [lambda request: seen.append(f"{request.method} {request.url.path}")]
    return HttpTransport("http://central", token, client=client, sleep=lambda _s: None)


def _protocol(transport: HttpTransport) -> dict[str, str]:
    return {PROTOCOL_HEADER: transport._client.headers[PROTOCOL_HEADER]}


def test_photos_go_in_batches_and_a_large_file_alone(central: Central, tmp_path):
    small = _files(tmp_path, 40)
    big_data = os.urandom(file_batch.SMALL_FILE_BYTES + 1)
    big = (sha256_bytes(big_data), str(tmp_path / f"{sha256_bytes(big_data)}.pdf"))
    (tmp_path / f"{big[0]}.pdf").write_bytes(big_data)
    seen: list[str] = []
    progress: list[tuple[int, int]] = []
    transport = _transport(central.app, central.admin_token, seen)
    transport.upload_many([*small, big], lambda done, total: progress.append((done, total)))
    for digest, path in [*small, big]:
        stored = central.db.store.find(digest)
        assert stored is not None and stored.read_bytes() == Path(path).read_bytes()
    assert central.db.store.find(big[0]).suffix == ".pdf"
    batches = [r for r in seen if r == "POST /sync/files/batch"]
    assert 1 <= len(batches) < 10  # 40 photos of 50 KB: one request, not forty
    assert seen.count(f"PUT /sync/files/{big[0]}") == 1  # alone, through the resumable upload
    assert progress[-1] == (41, 41)


def test_a_mismatched_file_is_refused_alone_and_named(central: Central, tmp_path):
    good = os.urandom(1000)
    wrong_name = sha256_bytes(b"other bytes")
    body = file_batch.encode([file_batch.BatchFile(sha256_bytes(good), ".jpg", good),
                              file_batch.BatchFile(wrong_name, ".jpg", b"not those bytes")])
    transport = _transport(central.app, central.admin_token, [])
    answer = transport._client.post("/files/batch", content=body)
    assert answer.status_code == 200
    assert answer.json()["results"] == {sha256_bytes(good): "stored", wrong_name: "mismatch"}
    assert central.db.store.find(sha256_bytes(good)) is not None and central.db.store.find(wrong_name) is None
    again = transport._client.post("/files/batch", content=body)
    assert again.json()["results"][sha256_bytes(good)] == "stored"  # as the first time: no word on what is held

    damaged = tmp_path / f"{wrong_name}.jpg"  # a laptop file whose bytes no longer match its name
    damaged.write_bytes(b"rotted on disk")
    with pytest.raises(InspectorError, match=wrong_name[:12]):
        transport.upload_many([(wrong_name, str(damaged))])
    assert central.db.store.find(wrong_name) is None


def _body_with_manifest(manifest: bytes, rest: bytes = b"") -> bytes:
    return len(manifest).to_bytes(4, "big") + manifest + rest


GOOD = os.urandom(10)
GOOD_DIGEST = sha256_bytes(GOOD)
MALFORMED = {
    "empty": b"",
    "length past the body": (10_000).to_bytes(4, "big") + b"{}",
    "manifest not JSON": _body_with_manifest(b"{files"),
    "no files": _body_with_manifest(b'{"files": []}'),
    "too many files": _body_with_manifest(
        ('{"files": [' + ",".join([f'{{"digest": "{GOOD_DIGEST}", "size": 0}}'] * 65) + "]}").encode()),
    "bad digest": _body_with_manifest(b'{"files": [{"digest": "../../etc/passwd", "size": 10}]}', GOOD),
    "bad suffix": _body_with_manifest(
        f'{{"files": [{{"digest": "{GOOD_DIGEST}", "suffix": ".j/pg", "size": 10}}]}}'.encode(), GOOD),
    "negative size": _body_with_manifest(f'{{"files": [{{"digest": "{GOOD_DIGEST}", "size": -1}}]}}'.encode(), GOOD),
    "body ends inside a file": _body_with_manifest(
        f'{{"files": [{{"digest": "{GOOD_DIGEST}", "size": 11}}]}}'.encode(), GOOD),
    "bytes after the last file": _body_with_manifest(
        f'{{"files": [{{"digest": "{GOOD_DIGEST}", "size": 10}}]}}'.encode(), GOOD + b"x"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_batch_is_refused_and_stores_nothing(central: Central, name):
    transport = _transport(central.app, central.admin_token, [])
    answer = transport._client.post("/files/batch", content=MALFORMED[name])
    assert answer.status_code == 400 and "Not a batch of files" in answer.json()["error"]
    assert central.db.store.find(GOOD_DIGEST) is None


@pytest.mark.parametrize("token", ["", "fri_not-a-token"])
def test_without_a_valid_token_nothing_is_stored(central: Central, token):
    body = file_batch.encode([file_batch.BatchFile(GOOD_DIGEST, "", GOOD)])
    headers = {**_protocol(_transport(central.app, central.admin_token, [])),
               **({"authorization": f"Bearer {token}"} if token else {})}
    with TestClient(central.app, base_url="http://central/sync") as client:
        answer = client.post("/files/batch", content=body, headers=headers)
    assert answer.status_code == 401 and central.db.store.find(GOOD_DIGEST) is None


def test_a_server_from_before_batches_gets_the_files_one_by_one(central: Central, tmp_path):
    current = create_sync_app(central.db)
    older = Starlette(routes=[Mount("/sync", app=Starlette(routes=[
        route for route in current.routes if not (isinstance(route, Route) and route.path == "/files/batch")]))])
    files = _files(tmp_path, 3)
    seen: list[str] = []
    _transport(older, central.admin_token, seen).upload_many(files)
    assert all(central.db.store.find(digest) is not None for digest, _path in files)
    assert sum(r.startswith("PUT /sync/files/") for r in seen) == 3


def test_batches_keep_within_their_limits():
    sizes = [(f"{n:064x}", 1_000_000) for n in range(20)] + [(f"{n + 100:064x}", 10) for n in range(100)]
    batches = file_batch.group(sizes)
    size_of = dict(sizes)
    assert [d for batch in batches for d in batch] == [d for d, _s in sizes]  # every file, once, in order
    for batch in batches:
        assert len(batch) <= file_batch.MAX_BATCH_FILES
        assert sum(size_of[d] for d in batch) <= file_batch.MAX_BATCH_BYTES
