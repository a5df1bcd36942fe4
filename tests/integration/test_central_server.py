"""The central server as it is deployed: two `inspector-app serve` processes (one with two workers)
on one PostgreSQL ledger, over real HTTP. They answer alike, and a status change made by the CLI
shows on every request to either once the freshness bound has passed; nothing one process remembers
contradicts the other for longer.
Several started at once on a new database all come up; /healthz tells whether the database answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from inspector_app.cli import main
from inspector_app.core.settings import settings_path
from tests.integration.sync_server import central_server
from tests.live_server import after_the_status_bound, free_port, serve_process

pytestmark = pytest.mark.postgres


def cli(url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--database-url", url, "--lang", "en", *args],
                          capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def serve(url: str, files: Path, *options: str) -> Iterator[str]:
    with serve_process(["--database-url", url], "--files", str(files), *options) as port:
        yield f"http://127.0.0.1:{port}"


def fetch(base: str, path: str, **headers: str) -> httpx.Response:
    # A new connection each time, so requests to a server with two workers reach both.
    with httpx.Client(base_url=base, timeout=10) as client:
        return client.get(path, headers=headers)


def test_two_servers_on_one_postgres_agree_and_follow_the_cli(postgres_url, tmp_path):
    cli(postgres_url, "demo", "--lang", "zh")  # a Chinese school: its pages default to Chinese
    rows = json.loads(cli(postgres_url, "hazard", "list", "--status", "open"))
    row = rows[0]
    token = row["token"]
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(postgres_url, tmp_path / "files", "--workers", "2")),
                   stack.enter_context(serve(postgres_url, tmp_path / "files", "--base-url", "https://x.example/"))]
        pages = [fetch(base, f"/h/{token}", **{"Accept-Language": "zh-CN"}) for base in servers for _ in range(4)]
        assert {page.status_code for page in pages} == {200}
        assert len({page.content for page in pages}) == 1
        assert "未整改" in pages[0].text and row["number"] in pages[0].text
        assert {fetch(base, f"/h/{token}.json").json()["status"] for base in servers} == {"open"}

        cli(postgres_url, "--as", "李老师", "hazard", "status", row["id"], "--to", "in_progress")
        after_the_status_bound(time.monotonic())

        after = [fetch(base, f"/h/{token}.json").json() for base in servers for _ in range(4)]
        assert {a["status"] for a in after} == {"in_progress"}
        assert len({json.dumps(a, sort_keys=True) for a in after}) == 1
        pages = [fetch(base, f"/h/{token}", **{"Accept-Language": "zh-CN"}) for base in servers for _ in range(4)]
        assert all("整改中" in page.text for page in pages)
        assert fetch(servers[1], "/h/" + "A" * 24).status_code == 404
    # --base-url is only reported: the user's settings (where notices took their address) stay unwritten.
    assert not settings_path().exists()


def test_serve_on_a_shared_database_needs_a_files_folder(postgres_url, capsys):
    assert main(["--database-url", postgres_url, "--lang", "en", "serve", "--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    assert "--files DIR" in err and err.strip().count("\n") == 0


def test_serve_takes_the_ledger_from_the_environment_when_no_option_names_one(postgres_url, monkeypatch):
    """As a unit file's Environment= would: without --database-url or --db, INSPECTOR_DATABASE_URL is
    the ledger (here: a shared one, so serve asks for --files rather than opening a laptop's file)."""
    monkeypatch.setenv("INSPECTOR_DATABASE_URL", postgres_url)
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--lang", "en", "serve", "--port", str(free_port())],
                          capture_output=True, text=True, timeout=60, env=os.environ.copy())
    assert done.returncode == 1 and "--files DIR" in done.stderr


def test_three_servers_started_at_once_on_a_new_database_all_come_up(postgres_url, tmp_path):
    """They race to create the schema: one does it, under PostgreSQL's advisory lock, and the others
    wait for it and find it made (without the lock, one exited on a duplicate key)."""
    ports = [free_port() for _ in range(3)]
    processes = [subprocess.Popen([sys.executable, "-m", "inspector_app", "--database-url", postgres_url, "serve",
                                   "--port", str(port), "--files", str(tmp_path / "files")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
                 for port in ports]
    try:
        waiting = set(ports)
        deadline = time.monotonic() + 90
        while waiting:
            for process in processes:
                assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            for port in list(waiting):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        waiting.discard(port)
                except httpx.TransportError:
                    pass
            assert time.monotonic() < deadline, f"not up: {sorted(waiting)}"
            time.sleep(0.1)
        engine = create_engine(postgres_url)
        try:
            with engine.connect() as connection:  # and the server ledger has one identity, not three
                assert connection.execute(text("SELECT count(*) FROM replica")).scalar_one() == 1
        finally:
            engine.dispose()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def test_healthz_says_ok_only_while_the_database_answers(tmp_path):
    with central_server(tmp_path / "files") as server:
        name = server.database_url.rsplit("/", 1)[1]
        admin = create_engine(os.environ["INSPECTOR_TEST_PG_URL"], isolation_level="AUTOCOMMIT")
        try:
            assert httpx.get(f"{server.base}/healthz").json() == {"ok": True}
            with admin.connect() as conn:  # the database goes away: no new connections, the old ones cut
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                             {"name": name})
            deadline = time.monotonic() + 15
            while (answer := httpx.get(f"{server.base}/healthz", timeout=10)).status_code == 200:
                assert time.monotonic() < deadline, "healthz still says ok"
                time.sleep(0.3)
            assert answer.status_code == 503 and answer.json()["ok"] is False
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            deadline = time.monotonic() + 15
            while httpx.get(f"{server.base}/healthz", timeout=10).status_code != 200:
                assert time.monotonic() < deadline, "healthz did not recover"
                time.sleep(0.3)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            admin.dispose()
