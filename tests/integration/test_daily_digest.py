"""The daily digest from the central server (issue 25), end to end: `inspector-app serve` with two worker
processes on a real PostgreSQL, targets added with `notify add`, a local HTTP receiver that checks the
WeCom, DingTalk (its signed timestamp included) and JSON shapes, and a real SMTP server (aiosmtpd, with
STARTTLS and login). Each target gets the day's digest exactly once; a receiver that fails twice gets it
on the third try, with the two failures recorded; one that keeps failing shows in `notify status`.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import ipaddress
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from inspector_app.core import dates, structure
from inspector_app.core.db import open_database
from inspector_app.core.forms import load_catalogue
from inspector_app.core.hazards import add_hazard
from inspector_app.core.models import DigestSend
from tests.conftest import new_postgres_database
from tests.live_server import free_port, serve_process

pytestmark = pytest.mark.postgres

DINGTALK_SECRET = "SECtest0123456789"
JSON_SECRET = "json-key"


class Receiver(ThreadingHTTPServer):
    """Robots and a webhook on one local server; what each path received, and what was wrong with it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.problems: list[str] = []
        self.flaky_failures = 2
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, *_args: Any) -> None:
        return None

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        parts = urlsplit(self.path)
        message = json.loads(body)
        with self.server.lock:
            self.server.received.setdefault(parts.path, []).append(message)
            problem = self.check(parts.path, parse_qs(parts.query), message, body)
            if problem:
                self.server.problems.append(f"{parts.path}: {problem}")
            status = 200
            if parts.path == "/down":
                status = 503
            elif parts.path == "/flaky" and self.server.flaky_failures > 0:
                self.server.flaky_failures -= 1
                status = 502
        answer = json.dumps({"errcode": 0, "errmsg": "ok"} if status == 200 else {"errcode": -1}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def check(self, path: str, query: dict[str, list[str]], message: dict[str, Any], body: bytes) -> str | None:
        if path in ("/wecom", "/flaky"):  # WeCom: markdown content of at most 4096 bytes
            content = message.get("markdown", {}).get("content", "")
            if message.get("msgtype") != "markdown" or not content or len(content.encode()) > 4096:
                return f"not a WeCom markdown message: {message}"
        if path == "/dingtalk":  # DingTalk: markdown title and text, the URL signed with the robot's secret
            timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            expected = base64.b64encode(hmac.new(DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(),
                                                 hashlib.sha256).digest()).decode()
            if sign != expected:
                return "the signature does not match"
            if abs(int(timestamp) - time.time() * 1000) > 3600_000:
                return "the timestamp is not now"
            if message.get("msgtype") != "markdown" or not message["markdown"].get("title") \
                    or not message["markdown"].get("text"):
                return f"not a DingTalk markdown message: {message}"
        if path == "/json":
            signature = self.headers.get("x-inspector-signature", "")
            if signature != "sha256=" + hmac.new(JSON_SECRET.encode(), body, hashlib.sha256).hexdigest():
                return "the body's signature does not match"
            if message.get("type") != "fire_risk_digest" or "counts" not in message.get("digest", {}):
                return f"not a digest: {message}"
        return None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.logins: list[str] = []

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), f"{mail['subject']}\n{mail.get_content()}"))
        return "250 OK"


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp(tmp_path) -> Iterator[tuple[Mailbox, int, Path]]:
    import ssl

    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()

    def authenticate(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"digest", b"mail-pass")
        if ok:
            mailbox.logins.append(mechanism)
        return AuthResult(success=ok)

    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_require_tls=True)
    controller.start()
    yield mailbox, port, cert
    controller.stop()


def cli(url: str, *args: str) -> Any:
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--database-url", url, "--lang", "en", *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def wait_for(condition: Any, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.1)


def test_two_servers_send_each_digest_once_and_retry_with_backoff(receiver, smtp, tmp_path):
    mailbox, smtp_port, cafile = smtp
    with new_postgres_database() as url:
        cli(url, "init")
        db = open_database(url, store_dir=tmp_path / "files")
        try:
            with db.session() as session:
                org = structure.create_organisation(session, "吕梁市教育局", kind="county")
                school = structure.create_organisation(session, "第一中学", parent=org)
                site = structure.create_site(session, school, "第一中学", code="LL1")
                floor = structure.create_floor(session, structure.create_building(session, site, "宿舍",
                                                                                  "dormitory"), "1F", 1)
                catalogue = load_catalogue()
                for days in (-40, -2, 1):
                    add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                               floor_id=floor.id, x=0.5, y=0.5, description=f"due {days}",
                               deadline=dates.today() + dt.timedelta(days=days))
                org_id = str(org.id)
        finally:
            db.dispose()
        base = receiver.base
        for kind, target, secret in (("wecom", f"{base}/wecom?key=robot-key", ""),
                                     ("dingtalk", f"{base}/dingtalk?access_token=t", DINGTALK_SECRET),
                                     ("json", f"{base}/json", JSON_SECRET), ("wecom", f"{base}/flaky?key=k", ""),
                                     ("json", f"{base}/down", ""), ("email", "bureau@example.cn", "")):
            added = cli(url, "notify", "add", "--organisation", org_id, "--kind", kind, "--target", target,
                        "--secret", secret, "--at", "00:00")
            assert "robot-key" not in json.dumps(added) and added["has_secret"] == bool(secret)
        env = {"INSPECTOR_DIGEST_TICK_SECONDS": "0.3", "INSPECTOR_DIGEST_BACKOFF_SECONDS": "0.2",
               "INSPECTOR_DIGEST_ATTEMPTS": "3", "INSPECTOR_SMTP_HOST": "127.0.0.1",
               "INSPECTOR_SMTP_PORT": str(smtp_port), "INSPECTOR_SMTP_USER": "digest",
               "INSPECTOR_SMTP_PASSWORD": "mail-pass", "INSPECTOR_SMTP_FROM": "inspector@example.cn",
               "INSPECTOR_SMTP_CAFILE": str(cafile)}
        with serve_process(["--database-url", url], "--files", str(tmp_path / "files"), "--workers", "2", env=env):
            server = open_database(url, store_dir=tmp_path / "files")
            try:
                def settled() -> bool:
                    with server.session() as session:
                        states = list(session.scalars(select(DigestSend.state)))
                    return len(states) == 6 and "sending" not in states

                wait_for(settled, "every target's digest of today to be sent or given up")
                time.sleep(2.0)  # several more ticks of both processes: nothing may go a second time
                with server.session() as session:
                    sends = {row.target_id: row for row in session.scalars(select(DigestSend))}
            finally:
                server.dispose()
        assert receiver.problems == []
        got = {path: len(messages) for path, messages in receiver.received.items()}
        assert got == {"/wecom": 1, "/dingtalk": 1, "/json": 1, "/flaky": 3, "/down": 3}
        assert len(mailbox.messages) == 1 and mailbox.messages[0][0] == ["bureau@example.cn"]
        assert mailbox.logins == ["PLAIN"] or mailbox.logins == ["LOGIN"]  # after STARTTLS: aiosmtpd requires it
        assert "吕梁市教育局火灾隐患日报" in mailbox.messages[0][1] and "LL1-0001" in mailbox.messages[0][1]
        # What the bureau reads: the school's overdue hazard, in the organisation's language (Chinese).
        wecom = receiver.received["/wecom"][0]["markdown"]["content"]
        assert "LL1-0001" in wecom and "逾期" in wecom and "吕梁市教育局" in wecom
        status = {row["target"]: row for row in cli(url, "notify", "status")}
        flaky = status[f"{base}/flaky?…"]
        assert flaky["last_day"]["state"] == "sent" and flaky["last_day"]["attempts"] == 3
        assert sorted(flaky["last_day"]["errors"]) == ["1", "2"] and flaky["last_error"] == ""
        down = status[f"{base}/down"]
        assert down["failing"] and down["failures_in_a_row"] == 3 and "HTTP 503" in down["last_error"]
        assert down["last_day"]["state"] == "failed"
        assert sorted(row.state for row in sends.values()) == ["failed"] + ["sent"] * 5
