"""What both pages behind a private link (a unit's /r/{secret}, a principal's /p/{secret}) do with a
posted form, in the order the trust boundary asks: the link is looked up before a byte of the body
is read, a form another site made the browser post is refused, a body that does not parse is one
plain refusal, the write runs in the visitor's language with the core's refusal shown back on the
form, and a success answers with a redirect (so reloading the answer does not send twice).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from inspector_app.core.db import Database
from inspector_app.i18n import normalise_language, use_language

GONE = "gone"  # write_in_language: the link ended between the look-up and the write


def html(status: int, body: bytes) -> Response:
    return Response(body, status, media_type="text/html; charset=utf-8")


def cross_site(request: Request) -> bool:
    """A form another site made the browser post (what SameSite cookies would stop, had we cookies)."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        return origin.split("://", 1)[-1] != host
    return False


async def checked_form(request: Request, link_is_open: Callable[[], bool], not_found_page: Callable[[str], bytes],
                       cross_site_words: str, **limits: Any) -> FormData | Response | None:
    """The posted form, or the answer to give instead of reading it (an unknown or ended link: its
    one page; a post from another site: 403); None when the body did not arrive whole."""
    if not await run_in_threadpool(link_is_open):
        return html(404, not_found_page(normalise_language(request.query_params.get("lang")) or "zh_CN"))
    if cross_site(request):
        return Response(cross_site_words.encode(), 403, media_type="text/plain; charset=utf-8")
    try:
        return await request.form(**limits)
    except Exception:  # any malformed body: the caller's one plain refusal, nothing stored
        return None


def write_in_language[Target](db: Database, find: Callable[[Session], Target | None],
                      language_of: Callable[[Session, Target], str], write: Callable[[Session, Target], None],
                      refusals: tuple[type[Exception], ...]) -> str | None:
    """``write`` on what ``find`` opens, committed; GONE if the link ended meanwhile, or the words of
    a refusal (in the visitor's language; nothing is stored)."""
    with db.session() as session:
        target = find(session)
        if target is None:
            return GONE
        with use_language(language_of(session, target)):
            try:
                write(session, target)
            except refusals as exc:
                session.rollback()
                return str(exc)
        session.commit()
        return None


def after_sent(location: str) -> Response:
    return Response(status_code=303, headers={"location": location})
