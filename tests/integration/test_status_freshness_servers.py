"""The status pages' freshness bound across processes, as deployed: a laptop pushes a change through
one `serve` process's sync API, and another `serve` process (two workers, each with its own cache of
pages and versions, both primed with the old page) shows it on every request made once the bound has
passed since the push returned. Real HTTP, real PostgreSQL, the real sync client."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from inspector_app.core import hazards
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import Hazard
from inspector_app.core.sync.run import synchronise
from inspector_app.web.sync.client import HttpTransport
from tests.integration.sync_server import central_server
from tests.live_server import after_the_status_bound, serve_process
from tests.sync.conftest import Laptop, add, school

pytestmark = pytest.mark.postgres

READS = 8  # requests on new connections: in all likelihood both workers of a two-worker server answer some
RATE = {"INSPECTOR_RATE_PER_SECOND": "1000", "INSPECTOR_BURST": "1000"}  # this test reads more than a phone


def push(laptop: Laptop, base: str, token: str) -> None:
    transport = HttpTransport(base, token)
    try:
        report = synchronise(laptop.db, transport, laptop.actor, server_url=base)
    finally:
        transport.close()
    assert report.refused == [] and report.problems == []


def statuses(base: str, token: str) -> set[object]:
    """What READS fresh connections are told; a page with nothing to show counts as its code."""
    seen: set[object] = set()
    for _ in range(READS):
        with httpx.Client(base_url=base, timeout=10) as client:  # a new connection: any worker
            answer = client.get(f"/h/{token}.json")
        seen.add(answer.json()["status"] if answer.status_code == 200 else answer.status_code)
    return seen


def test_a_change_pushed_through_one_server_shows_on_the_other_within_the_bound(tmp_path, catalogue):
    laptop = Laptop("a", open_database(sqlite_url(tmp_path / "a.sqlite")), "inspector a")
    try:
        places = school(laptop)
        hazard_id = add(laptop, catalogue, places["floor"], "extension cord under a bed")
        with central_server(tmp_path / "files") as central, \
                serve_process(["--database-url", central.database_url], "--files", str(tmp_path / "files"),
                              "--workers", "2", env=RATE) as reader_port:
            reader = f"http://127.0.0.1:{reader_port}"
            push(laptop, central.base, central.admin)
            with laptop.db.session() as session:
                token = session.get(Hazard, hazard_id).public_token
            pushed_at = time.monotonic()
            after_the_status_bound(pushed_at)  # a new code, too, shows within the bound
            assert statuses(reader, token) == {"open"}  # both workers now keep the open page

            with laptop.db.session() as session:
                hazards.change_status(session, laptop.db.store, session.get(Hazard, hazard_id), "in_progress",
                                      laptop.actor)
            push(laptop, central.base, central.admin)
            after_the_status_bound(time.monotonic())
            assert statuses(reader, token) == {"in_progress"}
            assert statuses(central.base, token) == {"in_progress"}

            with laptop.db.session() as session:
                hazards.change_status(session, laptop.db.store, session.get(Hazard, hazard_id), "withdrawn",
                                      laptop.actor, note="recorded twice")
            push(laptop, central.base, central.admin)
            after_the_status_bound(time.monotonic())
            assert statuses(reader, token) == {404}  # withdrawn: the same "nothing here" as an unknown code
    finally:
        laptop.db.dispose()


def _until(seen: Callable[[], set[object]], wanted: set[object], seconds: float = 10.0) -> set[object]:
    """What ``seen`` answers once it answers ``wanted``, or at the end of ``seconds``."""
    deadline = time.monotonic() + seconds
    answer = seen()
    while answer != wanted and time.monotonic() < deadline:
        time.sleep(0.05)
        answer = seen()
    return answer


def test_every_worker_is_told_of_a_change_by_the_database(tmp_path, catalogue):
    """The reading server trusts a version for a minute here (the most it allows), so only
    PostgreSQL's notification at the push's commit (migration 0013, web/public/versions.py
    ChangeListener) can make its two workers show the change: they do, right after the push."""
    laptop = Laptop("a", open_database(sqlite_url(tmp_path / "a.sqlite")), "inspector a")
    try:
        places = school(laptop)
        hazard_id = add(laptop, catalogue, places["floor"], "extension cord under a bed")
        with central_server(tmp_path / "files") as central, \
                serve_process(["--database-url", central.database_url], "--files", str(tmp_path / "files"),
                              "--workers", "2", env={**RATE, "INSPECTOR_STATUS_FRESH_SECONDS": "60"}) as port:
            reader = f"http://127.0.0.1:{port}"
            push(laptop, central.base, central.admin)
            with laptop.db.session() as session:
                token = session.get(Hazard, hazard_id).public_token
            assert statuses(reader, token) == {"open"}  # both workers keep the open page now
            for status in ("in_progress", "withdrawn"):
                with laptop.db.session() as session:
                    hazards.change_status(session, laptop.db.store, session.get(Hazard, hazard_id), status,
                                          laptop.actor, note="recorded twice" if status == "withdrawn" else "")
                push(laptop, central.base, central.admin)
                shown = {"in_progress"} if status == "in_progress" else {404}
                assert _until(lambda: statuses(reader, token), shown) == shown
    finally:
        laptop.db.dispose()
