"""The server's Starlette app: the public status pages (GET /h/{token}, /h/{token}.json), /healthz (ok
while the database answers), the responsible units' report pages (/r/{secret}, web/public/report.py),
the principals' ledger pages (/p/{secret}, web/public/principal.py) and, when given, the sync API
mounted at /sync, all behind the Guard (web/guard.py).

Stateless apart from the database, so several can run behind a proxy against one PostgreSQL.
Pages are rendered once per (token, version of the hazard, language, day) and served from a small
cache; the version is asked of the database at most once per token, process and freshness bound
(1 s unless INSPECTOR_STATUS_FRESH_SECONDS says otherwise), and again once a change is heard of (on
PostgreSQL, a NOTIFY at each commit; web/public/versions.py): a change shows on every worker as soon
as it is committed, and a page that has not changed costs no round trip.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from inspector_app.core import dates
from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.i18n import normalise_language
from inspector_app.web.guard import (
    DEFAULT_BODY_GRACE_SECONDS,
    DEFAULT_MAX_CLIENTS,
    DEFAULT_MIN_BODY_RATE,
    DEFAULT_SYNC_BODY_BYTES,
    SYNC_PREFIX,
    Guard,
    IPNetwork,
)
from inspector_app.web.public import pages
from inspector_app.web.public.principal import principal_routes
from inspector_app.web.public.report import report_routes
from inspector_app.web.public.status import (
    TOKEN_PATTERN,
    PublicStatus,
    Superseded,
    lookup,
    organisation_language,
    shows_nothing,
)
from inspector_app.web.public.versions import FRESH_SECONDS, ChangeListener, RecentVersions, VersionReader

CACHE_ENTRIES = 2048
HEALTH_EVERY_SECONDS = 1.0
HEALTH_TIMEOUT_SECONDS = 5.0  # a database that does not answer in this time counts as down


def asked_language(request: Request) -> str:
    """The language the reader chose with ?lang=, or ""."""
    return normalise_language(request.query_params.get("lang")) or ""


def phone_language(request: Request) -> str:
    """The first language of the phone's Accept-Language that the pages speak, or ""."""
    for part in request.headers.get("accept-language", "").split(","):
        found = normalise_language(part.split(";")[0].strip())
        if found:
            return found
    return ""


def choose_language(request: Request, organisation_language: str = "") -> str:
    """?lang= when the reader chose, else the organisation's language (the page reads like its
    notice), else the phone's Accept-Language, else Chinese."""
    return asked_language(request) or organisation_language or phone_language(request) or "zh_CN"


class StatusService:
    """Answers for tokens. The common case (a page already rendered for a version read less than
    ``fresh_for`` seconds ago) costs two dictionary look-ups and no query; once the bound has passed,
    one indexed SELECT on a connection the service keeps open in autocommit (no ORM session, no pool
    checkout, no BEGIN/COMMIT). Only a new version goes through the ORM lookup and the templates.
    What is kept is rendered bytes and versions no older than the bound nor than the last change
    heard of: another worker's change stands no longer than its notification takes (versions.py)."""

    def __init__(self, db: Database, catalogue: Catalogue, fresh_for: float = FRESH_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.db, self.catalogue = db, catalogue
        self.reader = VersionReader(db.engine)
        self.versions = RecentVersions(self.reader, fresh_for, clock)
        # On PostgreSQL each commit that changes the ledger is heard of at once (versions.py).
        self.listener = ChangeListener(db.engine, self.versions.changed) if self.reader.held else None
        self._cache: OrderedDict[tuple[Any, ...], tuple[int, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, token: str, asked: str, phone: str, as_json: bool, path: str) -> tuple[int, bytes, str]:
        """``asked``: the ?lang= choice; ``phone``: the phone's language. Between them comes the
        organisation's language, read only when a page is rendered (the version covers it) and never
        for "no status": a withdrawn code and one never issued get the same bytes, in the visitor's
        language, for the same work (nothing tells them apart, not even the time taken): one query
        once the bound has passed, none within it."""
        if not TOKEN_PATTERN.match(token):
            return not_found(asked or phone or "zh_CN", as_json)
        if self.listener is not None:
            self.listener.ensure_started()
        version = self.versions.version(token)
        if shows_nothing(version):
            return not_found(asked or phone or "zh_CN", as_json)
        today = dates.today()
        key = (token, version, asked, phone, as_json, today)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        with self.db.session() as session:
            language = asked or organisation_language(session, token) or phone or "zh_CN"
            found = lookup(session, self.catalogue, token, today)
        result = self._answer(found, language, asked or phone or "zh_CN", as_json, path)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return result

    def _answer(self, found: PublicStatus | Superseded | None, language: str, visitor_language: str, as_json: bool,
                path: str) -> tuple[int, bytes, str]:
        if isinstance(found, PublicStatus):
            if as_json:
                return 200, json.dumps(found.as_json(), ensure_ascii=False).encode(), "application/json"
            return 200, pages.status_page(found, language, path), "text/html; charset=utf-8"
        if isinstance(found, Superseded):
            if as_json:
                return 410, json.dumps({"superseded": True, "number": found.number}).encode(), "application/json"
            return 410, pages.superseded_page(found, language, path), "text/html; charset=utf-8"
        return not_found(visitor_language, as_json)  # withdrawn since the version was read


class DatabaseHealth:
    """Whether the database answers, asked at most once a second per process: /healthz is public,
    and a flood of it must not become a flood of queries."""

    def __init__(self, engine: Engine, every: float = HEALTH_EVERY_SECONDS) -> None:
        self.engine, self.every = engine, every
        self._checked, self._ok = -float("inf"), False
        self._lock = threading.Lock()

    def ok(self) -> bool:
        with self._lock:
            if time.monotonic() - self._checked < self.every:
                return self._ok
            try:
                with self.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                self._ok = True
            except SQLAlchemyError:
                self._ok = False
            self._checked = time.monotonic()
            return self._ok


@functools.lru_cache(maxsize=16)  # one per language and form: the negative answers, rendered once
def not_found(language: str, as_json: bool) -> tuple[int, bytes, str]:
    if as_json:
        return 404, b'{"error":"not found"}', "application/json"
    return 404, pages.not_found_page(language), "text/html; charset=utf-8"


def create_app(db: Database, catalogue: Catalogue, rate_per_second: float = 20.0, burst: int = 40, *,
               sync_app: ASGIApp | None = None, sync_rate_per_second: float | None = None,
               sync_burst: int | None = None, max_sync_body_bytes: int = DEFAULT_SYNC_BODY_BYTES,
               trusted_proxies: Sequence[IPNetwork] = (), rate_limit_clients: int = DEFAULT_MAX_CLIENTS,
               body_grace_seconds: float = DEFAULT_BODY_GRACE_SECONDS,
               min_body_rate: float = DEFAULT_MIN_BODY_RATE, status_fresh_seconds: float = FRESH_SECONDS,
               status_clock: Callable[[], float] = time.monotonic) -> ASGIApp:
    """The status pages, and ``sync_app`` (the sync API) mounted at /sync when given. A change shows
    on the pages within ``status_fresh_seconds`` (``status_clock``: monotonic seconds)."""
    service = StatusService(db, catalogue, status_fresh_seconds, status_clock)
    health = DatabaseHealth(db.engine)

    async def hazard(request: Request) -> Response:
        token = request.path_params["token"]
        as_json = token.endswith(".json")
        if as_json:
            token = token[: -len(".json")]
        status, body, media = service.render(token, asked_language(request), phone_language(request), as_json,
                                             f"/h/{token}")
        return Response(body, status, media_type=media)

    async def with_slash(request: Request) -> Response:
        """``/h/TOKEN/`` (a QR app or a hand-typed address may add the slash): sent on relatively,
        so the answer never names a host the request chose."""
        token = request.path_params["token"]
        if not TOKEN_PATTERN.match(token.removesuffix(".json")):
            status, body, media = not_found(choose_language(request), False)
            return Response(body, status, media_type=media)
        query = request.url.query
        return Response(status_code=308, headers={"location": f"../{token}" + (f"?{query}" if query else "")})

    async def healthz(_request: Request) -> Response:
        """ok only while the database answers: a load balancer must not send anyone to a server
        that can show no status."""
        try:
            ok = await asyncio.wait_for(run_in_threadpool(health.ok), HEALTH_TIMEOUT_SECONDS)
        except TimeoutError:
            ok = False
        return JSONResponse({"ok": True} if ok else {"ok": False, "database": "unreachable"}, 200 if ok else 503)

    async def missing(request: Request, _exc: Exception) -> Response:
        status, body, media = not_found(choose_language(request), False)
        return Response(body, status, media_type=media)

    routes: list[BaseRoute] = [Route("/h/{token}", hazard, methods=["GET", "HEAD"]),
                               Route("/h/{token}/", with_slash, methods=["GET", "HEAD"]),
                               Route("/healthz", healthz, methods=["GET", "HEAD"]),
                               *report_routes(db, catalogue), *principal_routes(db, catalogue)]
    if sync_app is not None:
        routes.append(Mount(SYNC_PREFIX, app=sync_app))
    from inspector_app.web.bureau.routes import PREFIX as BUREAU_PREFIX
    from inspector_app.web.bureau.routes import create_bureau_app

    routes.append(Mount(BUREAU_PREFIX, app=create_bureau_app(db, catalogue)))
    app = Starlette(routes=routes, exception_handlers={404: missing})
    app.router.redirect_slashes = False  # its redirect would build the Location from the Host header
    return Guard(app, rate_per_second, burst, sync_rate_per_second=sync_rate_per_second, sync_burst=sync_burst,
                 max_sync_body_bytes=max_sync_body_bytes, trusted_proxies=trusted_proxies,
                 max_clients=rate_limit_clients, body_grace_seconds=body_grace_seconds, min_body_rate=min_body_rate)
