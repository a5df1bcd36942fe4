"""The server's Starlette app: the public status pages (GET /h/{token}, /h/{token}.json, /healthz)
and, when given, the sync API mounted at /sync, both behind the Guard (web/guard.py).

Stateless apart from the database, so several can run behind a proxy against one PostgreSQL.
Pages are rendered once per (token, version of the hazard, language, day) and served from a small
cache; every request still asks the database for the hazard's version, so a status change shows on
the very next request.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.i18n import normalise_language
from inspector_app.web import pages
from inspector_app.web.guard import DEFAULT_SYNC_BODY_BYTES, SYNC_PREFIX, Guard, IPNetwork
from inspector_app.web.status import PublicStatus, Superseded, hazard_version, lookup, organisation_language

CACHE_ENTRIES = 2048


def choose_language(request: Request, organisation_language: str = "") -> str:
    """?lang= when the reader chose, else the organisation's language (the page reads like its
    notice), else the phone's Accept-Language, else Chinese."""
    asked = normalise_language(request.query_params.get("lang"))
    if asked:
        return asked
    if organisation_language:
        return organisation_language
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

    def organisation_language(self, token: str) -> str:
        with self.db.session() as session:
            return organisation_language(session, token)

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
        language = choose_language(request, service.organisation_language(token))
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
