"""The sync API's place in the server, with a small stand-in sync app over real HTTP: mounted at
/sync, bodies accepted there up to the limit (announced or chunked) and refused everywhere else,
and /sync counted in its own bucket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspector_app.web.app import create_app
from inspector_app.web.server_config import find_sync_app
from tests.live_server import live_server
from tests.stand_in_sync_api import create_sync_app

LIMIT = 1000


@pytest.fixture
def client(db, catalogue):
    app = create_app(db, catalogue, rate_per_second=0.001, burst=2, sync_app=create_sync_app(db),
                     sync_rate_per_second=0.001, sync_burst=8, max_sync_body_bytes=LIMIT)
    with live_server(app) as http:
        yield http


def chunks(total: int, size: int = 300) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        yield b"x" * (part - 1) + b"!"
        sent += part


def test_bodies_up_to_the_limit_reach_the_sync_app(client):
    exact = client.post("/sync/echo", content=b"a" * (LIMIT - 4) + b"tail")
    assert exact.status_code == 200 and exact.json() == {"size": LIMIT, "path": "/sync/echo", "tail": "tail"}
    assert client.put("/sync/echo", content=b"b" * (LIMIT + 1)).status_code == 413
    streamed = client.post("/sync/echo", content=chunks(900))
    assert streamed.status_code == 200 and streamed.json()["size"] == 900
    assert client.post("/sync/echo", content=chunks(5 * LIMIT)).status_code == 413
    assert "content-security-policy" in exact.headers  # the Guard's headers on the sync API too


def test_bodies_are_refused_outside_sync(client):
    assert client.post("/healthz", content=b"x").status_code == 413
    assert client.post("/h/abc", content=chunks(10)).status_code == 413
    assert client.post("/syncx/echo", content=b"x").status_code == 413


def test_sync_has_its_own_higher_bucket(client):
    public = [client.get("/healthz").status_code for _ in range(3)]
    sync = [client.get("/sync/ping").status_code for _ in range(9)]
    assert public == [200, 200, 429]
    assert sync == [200] * 8 + [429]


def test_without_a_sync_app_there_is_nothing_at_sync(db, catalogue):
    with live_server(create_app(db, catalogue)) as http:
        assert http.post("/sync/echo", content=b"x").status_code == 404
        assert http.get("/sync/ping").status_code == 404


def test_serve_mounts_the_sync_api_module_when_it_exists(db, catalogue):
    assert find_sync_app(db, "inspector_app.web.no_such_sync_api") is None
    sync_app = find_sync_app(db, "tests.stand_in_sync_api")
    assert sync_app is not None
    with live_server(create_app(db, catalogue, sync_app=sync_app)) as http:
        assert http.get("/sync/ping").json() == {"pong": True, "database": "Database"}
