"""What a responsible unit sends through its rectification link (core.rectification_links), written on
the central server as events of the hazard's history and signed with the server's own key: a
rectification reported (with after-photos of the unit's: the hazard then awaits re-inspection), a
deadline extension requested, or the hazard disputed. Each event names the unit's reporter, the link
it came through and the server's receipt time; a photo also keeps the time its camera gave, if any,
so the inspector sees when those differ. The phone number travels to the inspector, never to the
public status page.

The inspector decides on the laptop (re-inspection passed or failed, the deadline moved or not):
those are the workflow's own steps (core.workflow), written there as any other.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core import audit, signatures
from inspector_app.core.errors import InspectorError, TransitionError
from inspector_app.core.hazards import attach_photo, change_status
from inspector_app.core.models import Attachment, Hazard, HazardEvent, RectificationLink, utcnow
from inspector_app.core.store import FileStore
from inspector_app.core.workflow import FINAL_STATES, Status
from inspector_app.i18n import _

REPORT, EXTENSION, DISPUTE = "report", "extension", "dispute"
KINDS = (REPORT, EXTENSION, DISPUTE)
EVENT_OF_KIND = {REPORT: "rectification_reported", EXTENSION: "extension_requested", DISPUTE: "disputed"}
UNIT_PHOTO_ROLE = "unit"
MAX_PHOTOS = 6
UNIT_PHOTO_EDGE = 2560  # enough to judge a fix on a laptop; a phone's 50 MP is not needed
MAX_SENDS_PER_DAY = 5  # per hazard: a unit reports once or twice; a flood is not a unit
NAME_LIMIT, ROLE_LIMIT, PHONE_LIMIT, TEXT_LIMIT = 40, 40, 20, 2000
VIA = "rectification_link"


class ReportRefused(InspectorError):
    """What the unit sent cannot be taken; the message says why, in the page's language."""


@dataclass(frozen=True)
class UnitSubmission:
    kind: str
    text: str
    name: str
    role: str = ""
    phone: str = ""
    photos: tuple[bytes, ...] = ()
    wanted_deadline: dt.date | None = None


def _clean(text: str, limit: int, what: str, one_line: bool = True) -> str:
    """``what``: the field's name as the page shows it (translated by the caller)."""
    value = text.replace("\x00", " ")
    value = " ".join(value.split()) if one_line else value.strip()
    if len(value) > limit:
        raise ReportRefused(_("The {what} is longer than {limit} characters.").format(what=what, limit=limit))
    return value


def check(submission: UnitSubmission, today: dt.date) -> UnitSubmission:
    """The submission with its texts trimmed, or ReportRefused saying what is missing or wrong."""
    if submission.kind not in KINDS:
        raise ReportRefused(_("Choose what you are sending: a rectification report, an extension request or a "
                              "dispute."))
    name = _clean(submission.name, NAME_LIMIT, _("name"))
    role = _clean(submission.role, ROLE_LIMIT, _("role"))
    phone = _clean(submission.phone, PHONE_LIMIT, _("phone number"))
    text = _clean(submission.text, TEXT_LIMIT, _("text"), one_line=False)
    if not name:
        raise ReportRefused(_("Give your name, so the inspector knows who reported."))
    if not text:
        raise ReportRefused({REPORT: _("Say what was done to fix the hazard."),
                             EXTENSION: _("Give the reason you need more time."),
                             DISPUTE: _("Say why you think this is not a hazard, or not yours to fix.")}[
            submission.kind])
    if phone and not all(c.isdigit() or c in "+-() " for c in phone):
        raise ReportRefused(_("The phone number may hold only digits, spaces and + - ( )."))
    if submission.kind == REPORT and not submission.photos:
        raise ReportRefused(_("Add at least one photo of the fixed place (an after-photo)."))
    if len(submission.photos) > MAX_PHOTOS:
        raise ReportRefused(_("Send at most {count} photos at a time.").format(count=MAX_PHOTOS))
    if submission.kind == EXTENSION and submission.wanted_deadline is not None and submission.wanted_deadline <= today:
        raise ReportRefused(_("The new deadline you ask for must be after today."))
    return UnitSubmission(submission.kind, text, name, role, phone, submission.photos,
                          submission.wanted_deadline if submission.kind == EXTENSION else None)


def sends_today(session: Session, hazard_id: uuid.UUID, today_start: dt.datetime) -> int:
    kinds = list(EVENT_OF_KIND.values())
    return int(session.scalar(select(func.count()).select_from(HazardEvent).where(
        HazardEvent.hazard_id == hazard_id, HazardEvent.kind.in_(kinds), HazardEvent.at >= today_start,
        HazardEvent.actor.like(f"%({VIA})"))) or 0)


def actor_of(submission: UnitSubmission) -> str:
    """The history's actor: the reporter as they named themselves, and the way they came in."""
    who = f"{submission.name} · {submission.role}" if submission.role else submission.name
    return f"{who[:NAME_LIMIT + ROLE_LIMIT + 3]} ({VIA})"


def submit(session: Session, store: FileStore, link: RectificationLink, submission: UnitSubmission,
           today: dt.date, today_start: dt.datetime) -> list[HazardEvent]:
    """Write what the unit sent as events of its hazard, signed by this server's key; returns them.
    ReportRefused (nothing written) for a closed or withdrawn hazard, a report while one awaits
    re-inspection, too many sends today, or a photo that cannot be read safely."""
    hazard = session.get(Hazard, link.hazard_id)
    if hazard is None or hazard.status in FINAL_STATES or link.ended_at is not None:
        raise ReportRefused(_("This hazard is closed: nothing more can be reported for it."))
    submission = check(submission, today)
    if sends_today(session, hazard.id, today_start) >= MAX_SENDS_PER_DAY:
        raise ReportRefused(_("This hazard has had {count} reports today; send again tomorrow.").format(
            count=MAX_SENDS_PER_DAY))
    if submission.kind == REPORT and hazard.status == Status.AWAITING_REINSPECTION:
        raise ReportRefused(_("The rectification was reported already and waits for the inspector's "
                              "re-inspection."))
    actor = actor_of(submission)
    received = utcnow()
    reporter = {"via": VIA, "link_id": str(link.id), "received_at": received.isoformat(),
                "reporter": {"name": submission.name, "role": submission.role, "phone": submission.phone}}
    before = _last_seq(session, hazard.id)
    try:
        photo_ids = _store_photos(session, store, hazard, submission.photos, actor)
    except InspectorError as exc:
        raise ReportRefused(str(exc)) from exc
    extra = {**reporter, "photos": photo_ids}
    if submission.kind == REPORT:
        try:
            change_status(session, store, hazard, Status.AWAITING_REINSPECTION.value, actor, note=submission.text,
                          extra=extra)
        except TransitionError as exc:
            raise ReportRefused(str(exc)) from exc
    else:
        if submission.wanted_deadline is not None:
            extra["wanted_deadline"] = submission.wanted_deadline.isoformat()
        audit.append_event(session, hazard, EVENT_OF_KIND[submission.kind], actor, note=submission.text,
                           extra=extra)
    session.flush()
    written = list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                             HazardEvent.seq > before)
                                   .order_by(HazardEvent.seq)))
    signatures.sign_written(session, written, signatures.server_key(session))
    return written


def _last_seq(session: Session, hazard_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.max(HazardEvent.seq)).where(HazardEvent.hazard_id == hazard_id)) or 0)


def _store_photos(session: Session, store: FileStore, hazard: Hazard, photos: tuple[bytes, ...],
                  actor: str) -> list[str]:
    ids: list[str] = []
    with tempfile.TemporaryDirectory(prefix="unit-photo-") as folder:
        for number, data in enumerate(photos, start=1):
            path = Path(folder) / f"photo-{number}"
            path.write_bytes(data)
            attachment = attach_photo(session, store, hazard, path, role=UNIT_PHOTO_ROLE, actor=actor,
                                      max_edge=UNIT_PHOTO_EDGE, stranger=True)
            attachment.filename = f"unit-photo-{number}.jpg"
            ids.append(str(attachment.id))
    return ids


def unit_photos(session: Session, hazard_id: uuid.UUID) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id,
                                                         Attachment.role == UNIT_PHOTO_ROLE)
                                .order_by(Attachment.created_at)))
