"""The status server (Starlette): GET /h/{token}, /h/{token}.json and /healthz, read-only.

Stateless apart from the database, so several can run behind a proxy against one PostgreSQL.
Pages are rendered once per (token, version of the hazard, language, day) and served from a small
cache; every request still asks the database for the hazard's version, so a status change shows on
the very next request. The sync API, when given, is mounted at /sync. A per-client token bucket
limits request rates; bodies are refused except under /sync/.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.i18n import normalise_language
from inspector_app.web import pages
from inspector_app.web.status import PublicStatus, Superseded, hazard_version, lookup

CACHE_ENTRIES = 2048
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


def choose_language(request: Request) -> str:
    asked = normalise_language(request.query_params.get("lang"))
    if asked:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        found = normalise_language(part.split(";")[0].strip())
        if found:
            return found
    return "zh_CN"


class StatusService:
    def __init__(self, db: Database, catalogue: Catalogue) -> None:
        self.db, self.catalogue = db, catalogue
        self._cache: OrderedDict[tuple[Any, ...], tuple[int, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, token: str, language: str, as_json: bool, path: str) -> tuple[int, bytes, str]:
        today = dt.date.today()
        with self.db.session() as session:
            version = hazard_version(session, token)
            key = (token, version, language, as_json, today) if version else None
            if key is not None:
                with self._lock:
                    hit = self._cache.get(key)
                if hit is not None:
                    return hit
            found = lookup(session, self.catalogue, token, today)
        result = self._answer(found, language, as_json, path)
        if key is not None:
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return result

    def _answer(self, found: PublicStatus | Superseded | None, language: str, as_json: bool,
                path: str) -> tuple[int, bytes, str]:
        if isinstance(found, PublicStatus):
            if as_json:
                return 200, json.dumps(found.as_json(), ensure_ascii=False).encode(), "application/json"
            return 200, pages.status_page(found, language, path), "text/html; charset=utf-8"
        if isinstance(found, Superseded):
            if as_json:
                return 410, json.dumps({"superseded": True, "number": found.number}).encode(), "application/json"
            return 410, pages.superseded_page(found, language, path), "text/html; charset=utf-8"
        return not_found(language, as_json)


def not_found(language: str, as_json: bool) -> tuple[int, bytes, str]:
    if as_json:
        return 404, b'{"error":"not found"}', "application/json"
    return 404, pages.not_found_page(language), "text/html; charset=utf-8"


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


def create_app(db: Database, catalogue: Catalogue, rate_per_second: float = 20.0, burst: int = 40, *,
               sync_app: ASGIApp | None = None, sync_rate_per_second: float | None = None,
               sync_burst: int | None = None, max_sync_body_bytes: int = DEFAULT_SYNC_BODY_BYTES,
               trusted_proxies: Sequence[IPNetwork] = ()) -> ASGIApp:
    """The status pages, and ``sync_app`` (the sync API) mounted at /sync when given."""
    service = StatusService(db, catalogue)

    async def hazard(request: Request) -> Response:
        token = request.path_params["token"]
        as_json = token.endswith(".json")
        if as_json:
            token = token[: -len(".json")]
        language = choose_language(request)
        status, body, media = service.render(token, language, as_json, f"/h/{token}")
        return Response(body, status, media_type=media)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def missing(request: Request, _exc: Exception) -> Response:
        status, body, media = not_found(choose_language(request), False)
        return Response(body, status, media_type=media)

    routes: list[BaseRoute] = [Route("/h/{token}", hazard, methods=["GET", "HEAD"]),
                               Route("/healthz", healthz, methods=["GET", "HEAD"])]
    if sync_app is not None:
        routes.append(Mount(SYNC_PREFIX, app=sync_app))
    app = Starlette(routes=routes, exception_handlers={404: missing})
    return Guard(app, rate_per_second, burst, sync_rate_per_second=sync_rate_per_second, sync_burst=sync_burst,
                 max_sync_body_bytes=max_sync_body_bytes, trusted_proxies=trusted_proxies)
