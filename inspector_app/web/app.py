"""The status server (Starlette): GET /h/{token}, /h/{token}.json and /healthz, read-only.

Stateless apart from the database, so several can run behind a proxy against one PostgreSQL.
Pages are rendered once per (token, version of the hazard, language, day) and served from a small
cache; every request still asks the database for the hazard's version, so a status change shows on
the very next request. A per-client token bucket limits request rates; bodies are refused.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import OrderedDict
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
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


class Guard:
    """Security headers on every answer, no request bodies, and a token bucket per client address."""

    def __init__(self, app: ASGIApp, rate_per_second: float, burst: int) -> None:
        self.app, self.rate, self.burst = app, rate_per_second, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > 100_000:  # forget idle clients rather than grow without bound
                self._buckets.clear()
        return allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [h for h in message["headers"] if h[0] != b"cache-control"] + SECURITY_HEADERS
            await send(message)

        client = (scope.get("client") or ("?", 0))[0]
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY_BYTES or b"transfer-encoding" in headers:
            await Response(b"request body not accepted", 413)(scope, receive, send_with_headers)
            return
        if not self._allow(client):
            await Response(b"too many requests", 429, headers={"retry-after": "1"})(scope, receive,
                                                                                    send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def create_app(db: Database, catalogue: Catalogue, rate_per_second: float = 20.0, burst: int = 40) -> ASGIApp:
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

    app = Starlette(
        routes=[Route("/h/{token}", hazard, methods=["GET", "HEAD"]),
                Route("/healthz", healthz, methods=["GET", "HEAD"])],
        exception_handlers={404: missing},
    )
    return Guard(app, rate_per_second, burst)
