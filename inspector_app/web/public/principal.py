"""The principal's page of the school's ledger, behind the private link of the review sheet
(core.review_links): GET /p/{secret} lists the school's unfinished hazards and those closed lately
(status, responsible person, deadline, overdue) with the confirmations so far; POST /p/{secret}
records the principal's confirmation (校长已阅, 签字确认) with a remark, as a review signed by the server.

As on the units' report page: the link is looked up before the body is read, an unknown or ended
link gets one page, a post from another site is refused, no script, what was typed comes back with
a refusal."""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from inspector_app.core import dates, review_links
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue
from inspector_app.core.models import Site
from inspector_app.core.organisation import settings_for_site
from inspector_app.core.workflow import status_label
from inspector_app.i18n import _, normalise_language, use_language
from inspector_app.web.public import pages
from inspector_app.web.public.private_forms import GONE, after_sent, checked_form, html, write_in_language
from inspector_app.web.public.report_page import STYLE

FIELD_LIMIT = 8 * 1024


def _not_found(language: str) -> bytes:
    with use_language(language):
        body = (f'<section class="card"><h1>{escape(_("This link is not in use"))}</h1>'
                f"<p>{escape(_('This review link was replaced by a newer review sheet, or never existed. Use the QR '
                               'code on the newest sheet.'))}</p></section>")
        return pages.render_page(language, _("Link not in use"), body, None, STYLE,
                                 _("Fire-Risk Inspector · school ledger"))


def _page(session: Any, catalogue: Catalogue, link: Any, language: str, path: str, *, error: str = "",
          sent: bool = False, name: str = "", remark: str = "") -> bytes:
    today = dates.today()
    site = session.get(Site, link.site_id)
    hazards = review_links.listed_hazards(session, link.site_id, today)
    lines = review_links.ledger_lines(hazards, today)
    with use_language(language):
        rows = []
        for line in lines:
            known = catalogue.categories.get(line.category)
            category = known.name.get(language) if known else line.category
            deadline = line.deadline.isoformat() if line.deadline else "—"
            overdue = f' <span class="overdue">{escape(_("overdue"))}</span>' if line.overdue else ""
            rows.append(f"<li><b>{escape(line.number)}</b> · {escape(category)}<br>"
                        f"{escape(status_label(line.status))} · {escape(_('deadline'))} {escape(deadline)}{overdue}"
                        + (f" · {escape(line.responsible_person)}" if line.responsible_person else "") + "</li>")
        listing = "".join(rows) or f"<li>{escape(_('No hazards to review.'))}</li>"
        done = review_links.reviews_of_site(session, link.site_id)[:5]
        history = "".join(f"<li>{escape(str(r['reviewed_on']))} · {escape(str(r['reviewer']))}"
                          + (f"<br>{escape(str(r['remark']))}" if r["remark"] else "") + "</li>" for r in done)
        parts = [f'<section class="card"><h1>{escape(_("School ledger for the principal"))}</h1>'
                 f"<p><b>{escape(site.name if site else '')}</b></p>"
                 f'<p class="note">{escape(_("This page is private to the principal: do not pass the sheet on."))}'
                 "</p></section>"]
        if sent:
            parts.append(f'<p class="sent">{escape(_("Your confirmation was recorded."))}</p>')
        if error:
            parts.append(f'<p class="error">{escape(error)}</p>')
        parts.append(f'<section class="card"><h1>{escape(_("Unfinished and recently closed hazards"))}</h1>'
                     f"<ol>{listing}</ol></section>")
        if history:
            parts.append(f'<section class="card"><h1>{escape(_("Confirmations so far"))}</h1><ol>{history}</ol>'
                         "</section>")
        parts.append(f'<section class="card"><h1>{escape(_("Confirm the review"))}</h1>'
                     '<form method="post" enctype="multipart/form-data">'
                     f'<label for="name">{escape(_("Your name (principal)"))}</label>'
                     f'<input type="text" id="name" name="name" maxlength="40" required value="{escape(name)}">'
                     f'<label for="remark">{escape(_("Remark (optional)"))}</label>'
                     f'<textarea id="remark" name="remark" maxlength="2000">{escape(remark)}</textarea>'
                     f'<button type="submit">{escape(_("I have reviewed the ledger"))}</button></form></section>')
        return pages.render_page(language, _("School ledger"), "".join(parts), path, STYLE,
                                 _("Fire-Risk Inspector · school ledger"))


def principal_routes(db: Database, catalogue: Catalogue) -> list[Route]:
    def language_of(request: Request, session: Any, link: Any) -> str:
        asked = normalise_language(request.query_params.get("lang"))
        if asked:
            return asked
        return (settings_for_site(session, link.site_id).language if link is not None else "") or "zh_CN"

    def render(request: Request, secret: str, **kwargs: Any) -> Response:
        status = kwargs.pop("status", 200)
        with db.session() as session:
            link = review_links.open_link(session, secret)
            language = language_of(request, session, link)
            if link is None:
                return html(404, _not_found(language))
            sent = request.query_params.get("sent") == "1"
            return html(status, _page(session, catalogue, link, language, f"/p/{secret}", sent=sent, **kwargs))

    async def page(request: Request) -> Response:
        return await run_in_threadpool(render, request, request.path_params["secret"])

    async def post(request: Request) -> Response:
        secret = request.path_params["secret"]

        def known() -> bool:
            with db.session() as session:
                return review_links.open_link(session, secret) is not None

        form = await checked_form(request, known, _not_found, _("A confirmation can only be sent from its own page."),
                                  max_files=0, max_fields=4, max_part_size=FIELD_LIMIT)
        if isinstance(form, Response):
            return form
        if form is None:
            return await run_in_threadpool(render, request, secret, status=400,
                                           error=_("The form did not arrive whole; send it again."))
        name, remark = str(form.get("name") or "")[:FIELD_LIMIT], str(form.get("remark") or "")[:FIELD_LIMIT]
        await form.close()

        def confirm(session: Any, link: Any) -> None:
            now = dates.now()
            review_links.confirm(session, db.store, link, name, remark, dates.local_date(now),
                                 dates.start_of_day(dates.local_date(now)))

        problem = await run_in_threadpool(
            write_in_language, db, lambda session: review_links.open_link(session, secret),
            lambda session, link: language_of(request, session, link), confirm, (InspectorError,))
        if problem == GONE:
            return html(404, _not_found("zh_CN"))
        if problem:
            return await run_in_threadpool(render, request, secret, status=400, error=problem, name=name,
                                           remark=remark)
        lang = normalise_language(request.query_params.get("lang"))
        return after_sent(f"/p/{secret}?sent=1" + (f"&lang={lang}" if lang else ""))

    return [Route("/p/{secret}", page, methods=["GET", "HEAD"]), Route("/p/{secret}", post, methods=["POST"])]
