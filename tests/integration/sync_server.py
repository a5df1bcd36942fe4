"""A central server as deployed, for the tests that attack its sync API: a new PostgreSQL database
with an admin's token, and `inspector-app serve` on it in its own process (with workers where
asked), spoken to over HTTP or raw sockets."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from inspector_app.core import accounts
from inspector_app.core.db import Database, open_database
from inspector_app.core.sync.registration import PROTOCOL_VERSION
from tests.conftest import new_postgres_database
from tests.live_server import serve_process_handle

SYNC_HEADERS = {"x-inspector-sync": str(PROTOCOL_VERSION)}


@dataclass
class Central:
    database_url: str
    files: Path
    port: int
    pid: int
    admin: str
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open(self) -> Database:
        return open_database(self.database_url, store_dir=self.files)

    def token(self, inspector: str, organisation: uuid.UUID | None = None) -> str:
        """A new inspector's token for an organisation (a new one, not on the server, by default)."""
        db = self.open()
        try:
            with db.session() as session:
                return accounts.create_token(session, inspector, "inspector", [organisation or uuid.uuid4()])[1]
        finally:
            db.dispose()

    def client(self, token: str | None = None, **kwargs: object) -> httpx.Client:
        headers = {**SYNC_HEADERS, "authorization": f"Bearer {token or self.admin}"}
        return httpx.Client(base_url=f"{self.base}/sync", headers=headers, timeout=60, **kwargs)  # type: ignore[arg-type]

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=20)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


@contextmanager
def central_server(files: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[Central]:
    with new_postgres_database() as url:
        db = open_database(url, store_dir=files)  # the schema, and the first account
        with db.session() as session:
            _token, admin = accounts.create_token(session, "Bureau admin", "admin")
        db.dispose()
        environment = {"INSPECTOR_SYNC_RATE_PER_SECOND": "100000", "INSPECTOR_SYNC_BURST": "100000", **(env or {})}
        with serve_process_handle(["--database-url", url], "--files", str(files), *options,
                                  env=environment) as (port, process):
            yield Central(url, files, port, process.pid, admin)


def raw_request(method: str, path: str, token: str, headers: dict[str, str] | None = None) -> bytes:
    """A request's head, as bytes, with the sync protocol header and a Bearer token."""
    lines = [f"{method} {path} HTTP/1.1", "Host: x", f"Authorization: Bearer {token}",
             *(f"{name}: {value}" for name, value in {**SYNC_HEADERS, **(headers or {})}.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """The status and everything the server sent until it closed or the head and body were in."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    assert data, "the server closed without an answer"
    return int(data.split(b" ", 2)[1]), data


def process_tree_peak_rss(pid: int) -> int:
    """The sum of the peak resident memory (VmHWM, bytes) of a process and its descendants."""
    def tree(p: int) -> list[int]:
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            return [p]
        return [p, *(q for child in children for q in tree(int(child)))]

    total = 0
    for p in tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) * 1024
    return total
