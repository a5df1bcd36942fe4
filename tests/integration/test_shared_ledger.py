"""The shared ledger end to end: a real `serve` process on PostgreSQL, laptops with their own SQLite
ledgers syncing through the real `sync` command over HTTP, a sync killed halfway, and the QR page of
a hazard answered by the central server (a change within the status pages' freshness bound of its sync)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from inspector_app.core import accounts, hazards
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import Hazard
from tests.live_server import after_the_status_bound
from tests.sync.conftest import Laptop, add, edit, ledger_state, school

pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(*argv: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--lang", "en", *argv], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if check:
        assert done.returncode == 0, done.stderr
    return done


@contextmanager
def central_server(url: str, files: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "inspector_app", "--database-url", url, "serve",
                                "--host", "127.0.0.1", "--port", str(port), "--files", str(files)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else "server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _sync(laptop: Laptop, server: str, token: str) -> dict:
    done = _cli("--db", laptop.db.url.removeprefix("sqlite:///"), "--as", laptop.actor, "sync", "--server", server,
                "--token", token)
    return json.loads(done.stdout)


@pytest.fixture
def central_url(postgres_url, tmp_path):
    database = open_database(postgres_url, store_dir=tmp_path / "central-files")  # schema, and the first account
    with database.session() as session:
        _token, secret = accounts.create_token(session, "Bureau admin", "admin")
    database.dispose()
    return postgres_url, secret


def test_three_laptops_offline_then_synced_in_several_orders_end_identical_to_the_server(
        central_url, tmp_path, catalogue, jpeg_photo):
    url, admin = central_url
    a, b, c = (Laptop(n, open_database(sqlite_url(tmp_path / f"{n}.sqlite")), f"inspector {n}") for n in "abc")
    try:
        places = school(a)
        shared = add(a, catalogue, places["floor"], "extension cord daisy-chained", photos=[jpeg_photo])
        other = add(a, catalogue, places["floor"], "exit sign dark")
        with central_server(url, tmp_path / "central-files") as server:
            _sync(a, server, admin)
            with open_database(url, store_dir=tmp_path / "central-files").session() as session:
                inspector = accounts.create_token(session, "Li Wei", "inspector", [places["org"]])[1]
            for laptop in (b, c):
                _sync(laptop, server, inspector)

            # Offline: A and B edit the same field, C records a new hazard and starts work on another.
            edit(a, shared, description="A: cord removed from under the bed")
            edit(b, shared, description="B: cord replaced by a wall socket")
            edit(b, other, room="3F corridor")
            new_on_c = add(c, catalogue, places["floor"], "hot plate in dorm 305")
            with c.db.session() as session:
                hazards.change_status(session, c.db.store, session.get(Hazard, other), "in_progress", c.actor)

            for order in ((a, b, c), (c, b, a), (b, a, c)):
                for laptop in order:
                    report = _sync(laptop, server, admin if laptop is a else inspector)
                    assert report["refused"] == [] and report["problems"] == []

            central = open_database(url, store_dir=tmp_path / "central-files")
            try:
                expected = ledger_state(central)
                for laptop in (a, b, c):
                    assert ledger_state(laptop.db) == expected
                    assert _cli("--db", laptop.db.url.removeprefix("sqlite:///"), "audit", "verify").returncode == 0
                    conflicts = json.loads(_cli("--db", laptop.db.url.removeprefix("sqlite:///"), "conflicts",
                                                "list").stdout)
                    assert [(x["field"], x["in_effect"], x["set_aside"]) for x in conflicts] == [
                        ("description", "A: cord removed from under the bed", "B: cord replaced by a wall socket")]
                assert _cli("--database-url", url, "audit", "verify").returncode == 0
                with central.session() as session:
                    assert session.get(Hazard, other).room == "3F corridor"
                    assert session.get(Hazard, other).status == "in_progress"
                    token = session.get(Hazard, new_on_c).public_token
            finally:
                central.dispose()

            # The QR of C's hazard answers from the central server; B's status change shows after B syncs.
            page = httpx.get(f"{server}/h/{token}.json", timeout=10)
            assert page.status_code == 200 and page.json()["status"] == "open"
            with b.db.session() as session:
                hazards.change_status(session, b.db.store, session.get(Hazard, new_on_c), "in_progress", b.actor)
            assert httpx.get(f"{server}/h/{token}.json", timeout=10).json()["status"] == "open"
            _sync(b, server, inspector)
            after_the_status_bound(time.monotonic())
            assert httpx.get(f"{server}/h/{token}.json", timeout=10).json()["status"] == "in_progress"
    finally:
        for laptop in (a, b, c):
            laptop.db.dispose()


def test_a_sync_killed_halfway_and_run_again_leaves_no_duplicates(central_url, tmp_path, catalogue):
    url, admin = central_url
    laptop = Laptop("d", open_database(sqlite_url(tmp_path / "d.sqlite")), "inspector d")
    try:
        places = school(laptop)
        with laptop.db.session() as session:
            for number in range(1500):
                hazards.add_hazard(session, catalogue, laptop.db.store, actor=laptop.actor,
                                   category="electrical.aging_wiring", floor_id=places["floor"], x=0.5, y=0.5,
                                   description=f"hazard {number}")
        central = open_database(url, store_dir=tmp_path / "central-files")
        with central_server(url, tmp_path / "central-files") as server:
            process = subprocess.Popen(
                [sys.executable, "-m", "inspector_app", "--db", laptop.db.url.removeprefix("sqlite:///"), "sync",
                 "--server", server, "--token", admin], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            landed = 0
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline:
                with central.session() as session:
                    landed = session.scalar(select(func.count()).select_from(Hazard)) or 0
                if landed:
                    process.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.01)
            process.wait(timeout=30)
            assert 0 < landed < 1500, f"the sync was to be killed halfway, {landed} had landed"
            report = _sync(laptop, server, admin)
            assert report["refused"] == []
        with central.session() as session:
            assert session.scalar(select(func.count()).select_from(Hazard)) == 1500
        assert ledger_state(laptop.db) == ledger_state(central)
        assert _cli("--database-url", url, "audit", "verify").returncode == 0
        central.dispose()
    finally:
        laptop.db.dispose()
