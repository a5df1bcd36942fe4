"""The bureau's room, /bureau/: an administrator's overview of every organisation and school under it.

Serves administrators only. It asks who is speaking before it reads anything: the session cookie, or
(at /bureau/login) the token typed into the form, at most FORM_BODY_BYTES (the Guard admits no more).
A token is exchanged for a session (core.overview.sign_in) whose cookie is HttpOnly, SameSite=Strict,
limited to /bureau/, expiring with the session, and Secure when the request came over TLS (the scheme,
or X-Forwarded-Proto: https from the proxy in front). Signing out ends the session on the server. Every
answer is no-store; the pages run no script and load nothing from elsewhere.
"""

from __future__ import annotations

import io
import tempfile
import uuid
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from inspector_app.core.accounts import Principal
from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.core.overview import SESSION_HOURS, overview, session_principal, sign_in, sign_out
from inspector_app.i18n import normalise_language
from inspector_app.web.bureau.pages import CSP, overview_page, sign_in_page

COOKIE = "bureau_session"
PREFIX = "/bureau"
FORM_BODY_BYTES = 4096
HTML = "text/html; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def language_of(request: Request) -> str:
    chosen = normalise_language(request.query_params.get("lang"))
    if chosen:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        found = normalise_language(part.split(";")[0].strip())
        if found:
            return found
    return "zh_CN"


def _answer(body: bytes, status: int = 200, media: str = HTML, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status, media_type=media,
                    headers={"content-security-policy": CSP, "cache-control": "no-store", **(headers or {})})


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def create_bureau_app(db: Database, catalogue: Catalogue) -> Starlette:
    def who(secret: str | None) -> Principal | None:
        with db.session() as session:
            return session_principal(session, secret)

    async def home(request: Request) -> Response:
        language = language_of(request)
        secret = request.cookies.get(COOKIE)
        principal = await run_in_threadpool(who, secret)
        if principal is None:
            return _answer(sign_in_page(language))

        def render() -> bytes:
            with db.session() as session:
                return overview_page(overview(session, catalogue, principal), principal.inspector, language)

        return _answer(await run_in_threadpool(render))

    async def login(request: Request) -> Response:
        language = language_of(request)
        body = await request.body()
        token = (parse_qs(body.decode("utf-8", "replace")).get("token") or [""])[0]

        def start() -> str | None:
            with db.session() as session:
                started = sign_in(session, token)
                return started[0] if started else None

        secret = await run_in_threadpool(start) if token else None
        if secret is None:
            return _answer(sign_in_page(language, failed=True), 401)
        response = _answer(b"", 303, headers={"location": f"{PREFIX}/"})
        response.set_cookie(COOKIE, secret, max_age=SESSION_HOURS * 3600, path=f"{PREFIX}/", httponly=True,
                            samesite="strict", secure=_secure(request))
        return response

    async def logout(request: Request) -> Response:
        secret = request.cookies.get(COOKIE)

        def end() -> None:
            with db.session() as session:
                sign_out(session, secret)

        await run_in_threadpool(end)
        response = _answer(b"", 303, headers={"location": f"{PREFIX}/"})
        response.delete_cookie(COOKIE, path=f"{PREFIX}/", httponly=True, samesite="strict", secure=_secure(request))
        return response

    async def workbook(request: Request) -> Response:
        language = language_of(request)
        principal = await run_in_threadpool(who, request.cookies.get(COOKIE))
        if principal is None:
            return _answer(sign_in_page(language), 401)
        try:
            wanted = uuid.UUID(request.query_params.get("organisation", ""))
        except ValueError:
            return _answer(b"", 404, "text/plain")

        def write() -> bytes | None:
            from inspector_app.core.overview import roots_of
            from inspector_app.core.rollup import rollup
            from inspector_app.exports.rollup_xlsx import write_rollup_xlsx

            with db.session() as session:
                if wanted not in {o.id for o in roots_of(session, principal)}:
                    return None
                figures = rollup(session, catalogue, by="site", organisation_id=wanted)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "rollup.xlsx"
                write_rollup_xlsx(figures, path, language)
                return io.BytesIO(path.read_bytes()).getvalue()

        data = await run_in_threadpool(write)
        if data is None:
            return _answer(b"", 404, "text/plain")
        return _answer(data, media=XLSX, headers={"content-disposition": 'attachment; filename="rollup.xlsx"'})

    return Starlette(routes=[Route("/", home, methods=["GET", "HEAD"]), Route("/login", login, methods=["POST"]),
                             Route("/logout", logout, methods=["POST"]),
                             Route("/rollup.xlsx", workbook, methods=["GET"])])
