"""The sync API as an attacker meets it: `serve --workers 2` on PostgreSQL, spoken to over HTTP and
raw sockets. Nobody gets a byte of a body read before the token is checked (a push, a batch of
downloads); every body has a cap per route and a deadline; input a laptop would never send is a 4xx
that says what is wrong, never a 500."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from inspector_app.web.sync.api import BODY_CAPS, MAX_HASHES_PER_REQUEST
from inspector_app.web.sync.file_fetch import MAX_FETCH_FILES
from tests.integration.sync_server import (
    Central,
    central_server,
    process_tree_peak_rss,
    raw_request,
    read_answer,
)

pytestmark = pytest.mark.postgres

BODY_GRACE = 2.0  # seconds: the server's body deadline for these tests (the default is 10)
ANSWER_WITHIN = 15.0  # generous for a loaded 2-core machine; the server's own limits are well below


@pytest.fixture(scope="module")
def central(tmp_path_factory) -> Iterator[Central]:
    with central_server(tmp_path_factory.mktemp("central") / "files", "--workers", "2",
                        env={"INSPECTOR_BODY_GRACE_SECONDS": str(BODY_GRACE)}) as server:
        yield server


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


@pytest.mark.parametrize("route", ["/sync/push", "/sync/files/fetch"])
def test_a_bad_token_is_refused_before_a_byte_of_the_body_is_read(central, route):
    """The body never comes (only its first piece): the 401 must not wait for it."""
    for headers in ({"Transfer-Encoding": "chunked"}, {"Content-Length": str(10 * 1024 * 1024)}):
        with central.connect() as sock:
            sock.settimeout(ANSWER_WITHIN)
            sock.sendall(raw_request("POST", route, "fri_not-a-token", headers))
            sock.sendall(chunk(b'{"items": [') if "Transfer-Encoding" in headers else b'{"items": [')
            status, answer = read_answer(sock)
        assert status == 401, answer
        assert b"connection: close" in answer.lower()


def test_held_bodies_do_not_fill_the_server_memory(central):
    """Eight connections each send 20 MB of a chunked body with a wrong token, and hold on: once
    the whole 20 MB sat in a worker's memory, for as long as the client liked."""
    before = process_tree_peak_rss(central.pid)
    piece = chunk(b"x" * (1024 * 1024))
    answers: list[int] = []
    socks = [central.connect() for _ in range(8)]
    try:
        def attack(sock) -> None:
            sock.sendall(raw_request("POST", "/sync/push", "fri_not-a-token", {"Transfer-Encoding": "chunked"}))
            with contextlib.suppress(OSError):  # the server answers and stops reading
                for _ in range(20):
                    sock.sendall(piece)
            answers.append(read_answer(sock)[0])

        threads = [threading.Thread(target=attack, args=(sock,)) for sock in socks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(ANSWER_WITHIN * 2)
        grown = process_tree_peak_rss(central.pid) - before
    finally:
        for sock in socks:
            sock.close()
    assert grown < 60 * 1024 * 1024, f"the server grew by {grown / 2**20:.0f} MB"
    assert answers == [401] * 8


def test_a_body_sent_a_byte_at_a_time_is_cut_off(central):
    with central.connect() as sock:
        sock.settimeout(0.5)
        sock.sendall(raw_request("POST", "/sync/push", central.admin, {"Transfer-Encoding": "chunked"}))
        started, answer = time.monotonic(), b""
        while not answer and time.monotonic() - started < ANSWER_WITHIN:
            with contextlib.suppress(OSError):
                sock.sendall(chunk(b"{"))
            with contextlib.suppress(TimeoutError):
                answer = sock.recv(65536)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert elapsed >= BODY_GRACE - 0.5  # not before its time either


def test_each_route_takes_bodies_up_to_its_cap_and_no_more(central):
    with central.client() as client:
        for route in ("hello", "pull", "files/missing", "files/fetch"):
            over = client.post(f"/{route}", content=b" " * (BODY_CAPS[route] + 1),
                               headers={"content-type": "application/json"})
            assert over.status_code == 413, route
            assert str(BODY_CAPS[route]) in over.json()["error"]
        streamed = client.post("/hello", content=iter([b" " * 1024] * (BODY_CAPS["hello"] // 1024 + 1)))
        assert streamed.status_code == 413
        digest = "ab" * 32
        big = client.put(f"/files/{digest}", params={"offset": 0}, content=b"x" * (BODY_CAPS["files/chunk"] + 1))
        assert big.status_code == 413
        replica = str(uuid.uuid4())
        huge_push = json.dumps({"replica_id": replica, "items": [{"row": {"x": "y" * BODY_CAPS["push"]}}]})
        assert client.post("/push", content=huge_push).status_code == 413
        # Within the caps, all is as before.
        assert client.post("/hello", json={"replica_id": replica, "name": "n" * 200}).status_code == 200


def _sixty_megabytes() -> bytes:
    return json.dumps({"replica_id": str(uuid.uuid4()), "items": [
        {"entity": "hazard", "row": {"id": str(uuid.uuid4()), "description": "x" * 60_000_000}}]}).encode()


MALFORMED: dict[str, tuple[str, bytes]] = {
    "a NUL byte in the laptop's name": ("/hello", json.dumps({"replica_id": str(uuid.uuid4()),
                                                             "name": "laptop\x00"}).encode()),
    "a lone surrogate in the laptop's name": ("/hello", b'{"replica_id": "%s", "name": "\\ud800"}'
                                              % str(uuid.uuid4()).encode()),
    "a laptop name that is a number": ("/hello", b'{"replica_id": "%s", "name": 5}' % str(uuid.uuid4()).encode()),
    "a replica id that is a number": ("/hello", b'{"replica_id": 5}'),
    "pull cursor Infinity": ("/pull", b'{"cursor": Infinity}'),
    "pull cursor NaN": ("/pull", b'{"cursor": NaN}'),
    "pull cursor 10**30": ("/pull", b'{"cursor": 1000000000000000000000000000000}'),
    "pull cursor -1": ("/pull", b'{"cursor": -1}'),
    "pull cursor as text": ("/pull", b'{"cursor": "5"}'),
    "pull cursor 1.5": ("/pull", b'{"cursor": 1.5}'),
    "pull limit 10**30": ("/pull", b'{"cursor": 0, "limit": 1000000000000000000000000000000}'),
    "a number of 5,000 digits": ("/pull", b'{"cursor": ' + b"9" * 5000 + b"}"),
    "hashes null": ("/files/missing", b'{"hashes": null}'),
    "hashes 5": ("/files/missing", b'{"hashes": 5}'),
    "hashes not hashes": ("/files/missing", b'{"hashes": ["../../etc/passwd", 5]}'),
    "too many hashes": ("/files/missing", json.dumps({"hashes": ["ab" * 32] * (MAX_HASHES_PER_REQUEST + 1)})
                        .encode()),
    "fetch: hashes null": ("/files/fetch", b'{"hashes": null}'),
    "fetch: no hashes at all": ("/files/fetch", b"{}"),
    "fetch: hashes not hashes": ("/files/fetch", b'{"hashes": ["../../etc/passwd", 5]}'),
    "fetch: a hash in capitals": ("/files/fetch", json.dumps({"hashes": ["AB" * 32]}).encode()),
    "fetch: more hashes than one answer carries": ("/files/fetch", json.dumps(
        {"hashes": ["ab" * 32] * (MAX_FETCH_FILES + 1)}).encode()),
    "fetch: not JSON": ("/files/fetch", b"\xff{"),
    "fetch: a JSON array": ("/files/fetch", b'["' + b"ab" * 32 + b'"]'),
    "arrays nested 100,000 deep": ("/pull", b"[" * 100_000 + b"]" * 100_000),
    "objects nested 100,000 deep": ("/push", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    "items nested 100 deep": ("/push", b'{"replica_id": "%s", "items": [{"row": {"a": %s}}]}'
                              % (str(uuid.uuid4()).encode(), b"[" * 100 + b"]" * 100)),
    "a 60 MB string": ("/push", b""),  # made when sent: sixty megabytes stay out of the test's memory
    "not JSON": ("/push", b"\xff\xfe{"),
    "a JSON array": ("/hello", b"[]"),
    "items not a list": ("/push", b'{"replica_id": "%s", "items": {"a": 1}}' % str(uuid.uuid4()).encode()),
    "an item not an object": ("/push", b'{"replica_id": "%s", "items": [5]}' % str(uuid.uuid4()).encode()),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_input_is_a_4xx_that_says_why(central, name):
    route, body = MALFORMED[name]
    with central.client() as client:
        answer = client.post(route, content=body or _sixty_megabytes(), headers={"content-type": "application/json"})
    assert 400 <= answer.status_code < 500, answer.text[:300]
    assert answer.text.strip()


def test_bad_offsets_and_hashes_in_file_routes_are_4xx(central):
    with central.client() as client:
        digest = "cd" * 32
        for offset in ("-1", "1e3", "Infinity", "9" * 5000, ""):
            assert client.put(f"/files/{digest}", params={"offset": offset}, content=b"x").status_code == 400
            assert client.get(f"/files/{digest}", params={"offset": offset}).status_code in (400, 404)
        assert client.put("/files/" + "z" * 64, content=b"x").status_code == 400
        assert client.get(f"/files/{digest}/size").json() == {"size": 0, "complete": False}
