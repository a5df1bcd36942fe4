"""What stands in front of every request to the server: security headers, which bodies may come in
(none, except under /sync/ up to a limit), and a token bucket per client, with /sync counted apart.

The client is the connecting peer; X-Forwarded-For is believed only from a trusted proxy.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Sequence

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspector_app.web import pages

SECURITY_HEADERS = [
    (b"content-security-policy", pages.CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-cache, max-age=0, must-revalidate"),
]
MAX_BODY_BYTES = 0  # nothing public accepts a body
SYNC_PREFIX = "/sync"
DEFAULT_SYNC_BODY_BYTES = 64 * 1024 * 1024
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class TokenBuckets:
    """A token bucket per client key, in this process only (each worker limits on its own)."""

    def __init__(self, rate_per_second: float, burst: int) -> None:
        self.rate, self.burst = rate_per_second, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > 100_000:  # forget idle clients rather than grow without bound
                self._buckets.clear()
        return allowed


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:4711"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:4711"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[IPNetwork]) -> str:
    """Whose request this is: the connecting peer, unless that peer is a trusted proxy; then the
    right-most X-Forwarded-For address that is not itself a trusted proxy. Addresses further left
    were written by the client and prove nothing, so they are never used while one to their right
    is an untrusted address."""

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not trusted or not is_trusted(_address(peer)):
        return peer
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if not is_trusted(address):
            return str(address) if address is not None else hop.strip()[:64]
    return str(_address(hops[0])) if hops else peer  # every hop a proxy: the first one it names


def is_sync_path(path: str) -> bool:
    return path.startswith(SYNC_PREFIX + "/")


class Guard:
    """Security headers on every answer; bodies only under /sync/ (up to a limit); a token bucket per
    client address, with its own, higher bucket for /sync. X-Forwarded-For counts only when the
    connecting peer is a trusted proxy (run uvicorn with proxy_headers off so it does not rewrite
    the peer itself)."""

    def __init__(self, app: ASGIApp, rate_per_second: float, burst: int, *,
                 sync_rate_per_second: float | None = None, sync_burst: int | None = None,
                 max_sync_body_bytes: int = DEFAULT_SYNC_BODY_BYTES,
                 trusted_proxies: Sequence[IPNetwork] = ()) -> None:
        self.app = app
        self.public = TokenBuckets(rate_per_second, burst)
        self.sync = TokenBuckets(sync_rate_per_second or rate_per_second * 10, sync_burst or burst * 10)
        self.max_sync_body = max_sync_body_bytes
        self.trusted = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [h for h in message["headers"] if h[0] != b"cache-control"] + SECURITY_HEADERS
            await send(message)

        async def refuse(status: int, text: bytes, headers: dict[str, str] | None = None) -> None:
            await Response(text, status, headers=headers)(scope, receive, send_with_headers)

        raw_headers = scope.get("headers") or []
        headers = dict(raw_headers)
        forwarded = [value.decode("latin-1") for name, value in raw_headers if name == b"x-forwarded-for"]
        client = client_address((scope.get("client") or ("?", 0))[0], forwarded, self.trusted)
        sync = is_sync_path(scope.get("path", ""))
        limit = self.max_sync_body if sync else MAX_BODY_BYTES
        length = headers.get(b"content-length")
        chunked = b"transfer-encoding" in headers
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse(413, b"request body too large" if sync else b"request body not accepted")
            return
        if chunked and not sync:
            await refuse(413, b"request body not accepted")
            return
        if not (self.sync if sync else self.public).allow(client):
            await refuse(429, b"too many requests", {"retry-after": "1"})
            return
        if chunked and length is None:
            # No length announced: read it here, up to the limit, before the sync API sees a byte.
            body = await _read_body(receive, limit)
            if body is None:
                await refuse(413, b"request body too large")
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send_with_headers)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    parts, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _replay(body: bytes, then: Receive) -> Receive:
    """The body read already, as one message; afterwards the connection's own (a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await then()

    return receive
