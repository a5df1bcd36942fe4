"""Sending one digest to one target, in the shape each service documents:

- WeCom group robot (企业微信群机器人): POST {"msgtype": "markdown", "markdown": {"content": ...}} to the
  robot's webhook; content at most 4096 bytes, so a longer digest goes as several messages; the
  answer is {"errcode": 0, ...} when taken.
- DingTalk group robot (钉钉自定义机器人): POST {"msgtype": "markdown", "markdown": {"title", "text"}}; with
  a signing secret (SEC...), the URL carries ``timestamp`` (milliseconds) and ``sign`` =
  urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))); answer {"errcode": 0}. Parts of at
  most 4000 bytes (well within its limit).
- A plain JSON webhook: POST the digest as JSON; with a secret, ``X-Inspector-Signature: sha256=<hex
  HMAC-SHA256 of the body>``; any 2xx answer is success.
- E-mail over SMTP (STARTTLS and login unless switched off), configured on the server only:
  INSPECTOR_SMTP_HOST, INSPECTOR_SMTP_PORT (587), INSPECTOR_SMTP_USER, INSPECTOR_SMTP_PASSWORD or
  INSPECTOR_SMTP_PASSWORD_FILE, INSPECTOR_SMTP_FROM, INSPECTOR_SMTP_STARTTLS (1/0),
  INSPECTOR_SMTP_CAFILE (a private CA's certificate).

A failure raises SendError with a short reason, which the scheduler records and retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import httpx

from inspector_app.core.digest import Digest, heading, markdown_lines, plain_text, split_parts

WECOM_LIMIT = 4096
DINGTALK_LIMIT = 4000
TIMEOUT = 20.0


class SendError(Exception):
    """A send that did not go through; the message says why in one line."""


@dataclass(frozen=True)
class Target:
    kind: str
    target: str
    secret: str = ""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = ""
    starttls: bool = True
    cafile: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpConfig | None:
        env = dict(os.environ) if env is None else env
        host = env.get("INSPECTOR_SMTP_HOST", "").strip()
        if not host:
            return None
        password = env.get("INSPECTOR_SMTP_PASSWORD", "")
        if not password and env.get("INSPECTOR_SMTP_PASSWORD_FILE"):
            password = Path(env["INSPECTOR_SMTP_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
        user = env.get("INSPECTOR_SMTP_USER", "")
        return cls(host=host, port=int(env.get("INSPECTOR_SMTP_PORT", "587")), user=user, password=password,
                   sender=env.get("INSPECTOR_SMTP_FROM", "") or user,
                   starttls=env.get("INSPECTOR_SMTP_STARTTLS", "1") not in ("0", "no", "false"),
                   cafile=env.get("INSPECTOR_SMTP_CAFILE", ""))


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot's URL with its signed timestamp (DingTalk's "加签")."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    sign = quote_plus(base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def json_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def messages(target: Target, digest: Digest) -> list[dict[str, Any]]:
    """The bodies to POST to a webhook target, in order."""
    lines = markdown_lines(digest)
    if target.kind == "wecom":
        parts = split_parts(lines, WECOM_LIMIT)
        return [{"msgtype": "markdown", "markdown": {"content": part}} for part in parts]
    if target.kind == "dingtalk":
        parts = split_parts(lines, DINGTALK_LIMIT)
        title = heading(digest)
        titles = [title] if len(parts) == 1 else [f"{title} ({n}/{len(parts)})" for n in range(1, len(parts) + 1)]
        return [{"msgtype": "markdown", "markdown": {"title": t, "text": part}} for t, part in zip(titles, parts,
                                                                                                    strict=True)]
    return [{"type": "fire_risk_digest", "digest": digest.as_json(), "markdown": "\n".join(lines)}]


def send(target: Target, digest: Digest, smtp: SmtpConfig | None = None, client: httpx.Client | None = None) -> int:
    """Send the digest; returns how many messages went. SendError when any did not."""
    if target.kind == "email":
        _mail(target, digest, smtp)
        return 1
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT)
    try:
        sent = 0
        for body in messages(target, digest):
            _post(client, target, body)
            sent += 1
        return sent
    finally:
        if own:
            client.close()


def _post(client: httpx.Client, target: Target, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = {"content-type": "application/json; charset=utf-8"}
    url = target.target
    if target.kind == "dingtalk" and target.secret:
        url = dingtalk_url(url, target.secret, int(time.time() * 1000))
    if target.kind == "json" and target.secret:
        headers["x-inspector-signature"] = json_signature(target.secret, data)
    try:
        answer = client.post(url, content=data, headers=headers)
    except httpx.HTTPError as exc:
        raise SendError(f"{type(exc).__name__}: {exc}"[:300]) from exc
    if not 200 <= answer.status_code < 300:
        raise SendError(f"HTTP {answer.status_code}: {answer.text[:200]}")
    if target.kind in ("wecom", "dingtalk"):
        try:
            reply = answer.json()
        except ValueError:
            raise SendError(f"not a robot's answer: {answer.text[:200]}") from None
        if not isinstance(reply, dict) or reply.get("errcode") != 0:
            raise SendError(f"the robot refused it: {str(reply)[:200]}")


def _mail(target: Target, digest: Digest, smtp: SmtpConfig | None) -> None:
    if smtp is None:
        raise SendError("no SMTP server is configured (INSPECTOR_SMTP_HOST)")
    message = EmailMessage()
    message["Subject"] = heading(digest)
    message["From"] = smtp.sender or "fire-risk-inspector@localhost"
    message["To"] = target.target
    message.set_content(plain_text(digest))
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as connection:
            connection.ehlo()
            if smtp.starttls:
                context = ssl.create_default_context(cafile=smtp.cafile or None)
                connection.starttls(context=context)
                connection.ehlo()
            if smtp.user:
                connection.login(smtp.user, smtp.password)
            connection.send_message(message)
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        raise SendError(f"SMTP: {type(exc).__name__}: {exc}"[:300]) from exc
