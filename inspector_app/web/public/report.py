"""The responsible unit's report page on the central server, behind its private rectification link
(core.rectification_links): GET /r/{secret} shows it, POST /r/{secret} takes a report, an extension
request or a dispute (core.unit_reports), GET /r/{secret}/photo/{id} serves the hazard's photos to it.

The link is who is speaking: it is looked up before a byte of the body is read, and a link that is
unknown, malformed or ended gets one identical page. A form posted from another site is refused
(Sec-Fetch-Site / Origin), so a page elsewhere cannot make a visitor's browser report for them. The
Guard caps the body (48 MiB) and its pace; the form parser caps files, fields and parts; photos are
decoded under the decompression-bomb guard and stored re-encoded as JPEG without device facts.
What was typed comes back with a refusal, so nothing has to be typed twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from inspector_app.core import dates, rectification_links, unit_reports
from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.core.models import Attachment, Hazard, HazardEvent, RectificationLink
from inspector_app.core.organisation import settings_for_site
from inspector_app.core.workflow import FINAL_STATES, Status
from inspector_app.i18n import N_, _, normalise_language, use_language
from inspector_app.web.public.private_forms import GONE, after_sent, checked_form, html, write_in_language
from inspector_app.web.public.report_page import Filled, ReportView, SentEntry, link_not_found_page, report_page
from inspector_app.web.public.status import PublicStatus, lookup

PHOTO_BYTES_LIMIT = 15 * 1024 * 1024  # one phone photo; a 50 MP JPEG is about 12 MB
FIELD_BYTES_LIMIT = 16 * 1024  # a text field: 2,000 characters of Chinese are 6 KB
SENT_WORDS = {unit_reports.REPORT: N_("Your report was received. The inspector will re-inspect the rectification."),
              unit_reports.EXTENSION: N_("Your request for more time was received. The inspector will answer."),
              unit_reports.DISPUTE: N_("Your dispute was received. The inspector will answer.")}
HISTORY_WORDS = {
    "notice_issued": N_("Rectification notice issued"),
    "rectification_started": N_("Rectification started"),
    "rectification_reported": N_("Rectification reported"),
    "extension_requested": N_("More time requested"),
    "disputed": N_("Hazard disputed"),
    "reinspection_failed": N_("The inspector did not accept the rectification"),
    "reinspection_passed": N_("Re-inspection passed, closed"),
    "edited": N_("Deadline changed by the inspector"),
    "report_answered": N_("The inspector answered"),
}


def report_routes(db: Database, catalogue: Catalogue) -> list[Route]:
    def language_of(request: Request, session: Any, hazard: Hazard | None) -> str:
        asked = normalise_language(request.query_params.get("lang"))
        if asked:
            return asked
        if hazard is not None:
            return settings_for_site(session, hazard.site_id).language or "zh_CN"
        return "zh_CN"

    def open_hazard(session: Any, secret: str) -> tuple[RectificationLink, Hazard] | None:
        link = rectification_links.open_link(session, secret)
        if link is None:
            return None
        hazard = session.get(Hazard, link.hazard_id)
        if hazard is None or hazard.status in FINAL_STATES:
            return None
        return link, hazard

    def view_of(session: Any, secret: str, hazard: Hazard) -> ReportView:
        today = dates.today()
        facts = lookup(session, catalogue, hazard.public_token, today)
        assert isinstance(facts, PublicStatus)
        photos = session.scalars(select(Attachment).where(Attachment.hazard_id == hazard.id,
                                                          Attachment.role == "before")
                                 .order_by(Attachment.created_at)).all()
        entries = []
        for event in session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                               HazardEvent.kind.in_(list(HISTORY_WORDS)))
                                     .order_by(HazardEvent.seq)):
            if event.kind == "edited" and "deadline" not in (event.data or {}).get("changes", {}):
                continue
            note = event.note if event.kind in ("reinspection_failed", "rectification_reported",
                                                "extension_requested", "disputed", "report_answered") else ""
            if event.kind == "edited":
                note = str(event.data["changes"]["deadline"][1] or "")
            entries.append(SentEntry(dates.local_date(event.at), _(HISTORY_WORDS[event.kind]), note,
                                     answer=event.kind == "reinspection_failed" or (
                                         event.kind == "report_answered" and not event.data.get("accepted"))))
        return ReportView(facts, hazard.description, [f"/r/{secret}/photo/{p.id}" for p in photos], entries,
                          can_report=hazard.status != Status.AWAITING_REINSPECTION)

    def render(request: Request, secret: str, *, error: str = "", filled: Filled | None = None,
               status: int = 200) -> Response:
        with db.session() as session:
            found = open_hazard(session, secret)
            language = language_of(request, session, found[1] if found else None)
            if found is None:
                return html(404, link_not_found_page(language))
            with use_language(language):
                view = view_of(session, secret, found[1])
                sent_kind = request.query_params.get("sent", "")
                sent = _(SENT_WORDS[sent_kind]) if sent_kind in SENT_WORDS else ""
            return html(status, report_page(view, language, f"/r/{secret}", error=error, sent=sent, filled=filled))

    async def page(request: Request) -> Response:
        return await run_in_threadpool(render, request, request.path_params["secret"])

    async def photo(request: Request) -> Response:
        secret, photo_id = request.path_params["secret"], request.path_params["photo"]

        def find() -> bytes | None:
            with db.session() as session:
                found = open_hazard(session, secret)
                try:
                    wanted = uuid.UUID(photo_id)
                except ValueError:
                    return None
                attachment = session.get(Attachment, wanted)
                if found is None or attachment is None or attachment.hazard_id != found[1].id:
                    return None
                path = db.store.find(attachment.file_hash)
                return path.read_bytes() if path is not None else None

        data = await run_in_threadpool(find)
        if data is None:
            return html(404, link_not_found_page("zh_CN"))
        return Response(data, 200, media_type="image/jpeg")

    async def post(request: Request) -> Response:
        secret = request.path_params["secret"]
        # Who is speaking first: the link, before a byte of the body is read.
        form = await checked_form(request, lambda: _link_is_open(db, secret), link_not_found_page,
                                  _("A report can only be sent from its own page."),
                                  max_files=unit_reports.MAX_PHOTOS + 1, max_fields=12, max_part_size=FIELD_BYTES_LIMIT)
        if isinstance(form, Response):
            return form
        if form is None:
            return await run_in_threadpool(render, request, secret, status=400,
                                           error=_("The form did not arrive whole; send it again."))
        filled = Filled(*(str(form.get(name) or "")[:FIELD_BYTES_LIMIT] for name in
                          ("kind", "text", "name", "role", "phone", "wanted")))
        try:
            photos = await _photos(form.getlist("photos"))
            wanted = dt.date.fromisoformat(filled.wanted) if filled.wanted else None
        except ValueError as exc:
            return await run_in_threadpool(render, request, secret, status=400, filled=filled, error=str(exc))
        finally:
            await form.close()
        submission = unit_reports.UnitSubmission(filled.kind, filled.text, filled.name, filled.role, filled.phone,
                                                 tuple(photos), wanted)

        def submit(session: Any, found: tuple[RectificationLink, Hazard]) -> None:
            now = dates.now()
            unit_reports.submit(session, db.store, found[0], submission, dates.local_date(now),
                                dates.start_of_day(dates.local_date(now)))

        problem = await run_in_threadpool(
            write_in_language, db, lambda session: open_hazard(session, secret),
            lambda session, found: language_of(request, session, found[1]), submit, (unit_reports.ReportRefused,))
        if problem == GONE:
            return html(404, link_not_found_page("zh_CN"))
        if problem:
            if photos:
                problem += " " + _("Choose the photos again before sending.")
            return await run_in_threadpool(render, request, secret, status=400, filled=filled, error=problem)
        query = request.url.query
        lang = f"&lang={request.query_params['lang']}" if "lang=" in query and normalise_language(
            request.query_params.get("lang")) else ""
        return after_sent(f"/r/{secret}?sent={filled.kind}{lang}")

    return [Route("/r/{secret}", page, methods=["GET", "HEAD"]), Route("/r/{secret}", post, methods=["POST"]),
            Route("/r/{secret}/photo/{photo}", photo, methods=["GET", "HEAD"])]


def _link_is_open(db: Database, secret: str) -> bool:
    with db.session() as session:
        link = rectification_links.open_link(session, secret)
        if link is None:
            return False
        status = session.scalar(select(Hazard.status).where(Hazard.id == link.hazard_id))
        return status is not None and status not in FINAL_STATES


async def _photos(uploads: list[Any]) -> list[bytes]:
    photos: list[bytes] = []
    for upload in uploads:
        if not isinstance(upload, UploadFile):
            continue
        if not upload.filename and not upload.size:
            continue  # the file input left empty
        data = await upload.read(PHOTO_BYTES_LIMIT + 1)
        if len(data) > PHOTO_BYTES_LIMIT:
            raise ValueError(_("The photo {name} is larger than {limit} MB.").format(
                name=upload.filename or "?", limit=PHOTO_BYTES_LIMIT // (1024 * 1024)))
        if data:
            photos.append(data)
    if len(photos) > unit_reports.MAX_PHOTOS:
        raise ValueError(_("Send at most {count} photos at a time.").format(count=unit_reports.MAX_PHOTOS))
    return photos

