"""The inspector's side of what responsible units sent (core.unit_reports): the list of reports, and
the answers: accept or reject a rectification report, approve or refuse an extension, answer a
dispute. Every answer is a step the workflow already knows, or a "report_answered" event, so the
unit's page (web/public/report.py) reads the answer from the history like everything else.

A report's state is derived from the history, never stored: a rectification report waits until the
hazard is re-inspected (passed: accepted; failed: rejected) or withdrawn; an extension request or a
dispute waits until a "report_answered" event names it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import audit, dates
from inspector_app.core.attachments import set_photo_role
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.hazards import change_status, update_hazard
from inspector_app.core.models import Hazard, HazardEvent
from inspector_app.core.store import FileStore
from inspector_app.core.unit_reports import EVENT_OF_KIND, VIA
from inspector_app.core.workflow import Status
from inspector_app.i18n import _

KIND_OF_EVENT = {"rectification_reported": "rectification", "extension_requested": "extension",
                 "disputed": "dispute"}
WAITING, ACCEPTED, REJECTED, ANSWERED, ENDED = "waiting", "accepted", "rejected", "answered", "ended"
# A photo whose camera time is this far from when the server received it may be an old or borrowed
# one (a known weakness of after-photos sent from phones): the inspector is told, nothing is refused.
PHOTO_GAP_FLAG = dt.timedelta(hours=3)
ANSWER_KIND = "report_answered"
assert set(KIND_OF_EVENT) == set(EVENT_OF_KIND.values())


@dataclass
class UnitReport:
    id: uuid.UUID  # the unit's event
    hazard_id: uuid.UUID
    number: str
    kind: str  # rectification | extension | dispute
    status: str  # waiting | accepted | rejected | answered | ended
    at: dt.datetime
    text: str
    reporter: dict[str, str]
    photos: list[str] = field(default_factory=list)
    wanted_deadline: str | None = None
    answer: str = ""
    photo_times: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"id": str(self.id), "hazard_id": str(self.hazard_id), "number": self.number, "kind": self.kind,
                "status": self.status, "at": self.at.isoformat(), "text": self.text, "reporter": self.reporter,
                "photos": self.photos, "wanted_deadline": self.wanted_deadline, "answer": self.answer,
                "photo_times": self.photo_times}


def photo_time(attachment_id: str, taken: str, received: dt.datetime) -> dict[str, Any]:
    """When a unit's photo says it was taken (its camera's clock, read as local time) beside when the
    server received it, and whether they are hours apart."""
    facts: dict[str, Any] = {"id": attachment_id, "taken": None, "received": received.isoformat(),
                             "gap_hours": None, "flagged": False}
    try:
        camera = dt.datetime.strptime(taken, "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return facts  # no camera time: nothing to compare, which the inspector sees as such
    local_received = dates.local_time(received).replace(tzinfo=None)
    gap = abs(local_received - camera)
    facts.update(taken=camera.isoformat(), gap_hours=round(gap.total_seconds() / 3600, 1),
                 flagged=gap >= PHOTO_GAP_FLAG)
    return facts


def _is_unit_event(event: HazardEvent) -> bool:
    return event.kind in KIND_OF_EVENT and isinstance(event.data, dict) and event.data.get("via") == VIA


def reports_of(number: str, events: Sequence[HazardEvent]) -> list[UnitReport]:
    """The unit reports of one hazard's history (in order), each with its state derived from what came after."""
    found: list[UnitReport] = []
    taken: dict[str, str] = {}
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        if event.kind == "photo_added" and "taken" in data:
            taken[str(data.get("attachment_id"))] = str(data["taken"])
        if _is_unit_event(event):
            photos = [str(p) for p in data.get("photos") or []]
            report = UnitReport(event.id, event.hazard_id, number, KIND_OF_EVENT[event.kind], WAITING, event.at,
                                event.note, dict(data.get("reporter") or {}), photos, data.get("wanted_deadline"))
            report.photo_times = [photo_time(p, taken.get(p, ""), event.at) for p in photos]
            found.append(report)
            continue
        for report in found:
            if report.status != WAITING:
                continue
            if report.kind == "rectification" and event.kind in ("reinspection_passed", "reinspection_failed"):
                report.status = ACCEPTED if event.kind == "reinspection_passed" else REJECTED
                report.answer = event.note
            elif event.kind == ANSWER_KIND and data.get("report_id") == str(report.id):
                report.status = ACCEPTED if data.get("accepted") else REJECTED if report.kind == "extension" \
                    else ANSWERED
                report.answer = event.note
            elif event.kind in ("withdrawn", "fixed_on_spot"):
                report.status, report.answer = ENDED, event.note
    return found


def list_reports(session: Session, waiting_only: bool = False) -> list[UnitReport]:
    events = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id.in_(
        select(HazardEvent.hazard_id).where(HazardEvent.kind.in_(list(KIND_OF_EVENT)),
                                            HazardEvent.actor.like(f"%({VIA})"))))
        .order_by(HazardEvent.hazard_id, HazardEvent.seq)).all()
    by_hazard: dict[uuid.UUID, list[HazardEvent]] = {}
    for event in events:
        by_hazard.setdefault(event.hazard_id, []).append(event)
    numbers = {row.id: row.number for row in session.execute(select(Hazard.id, Hazard.number)
                                                              .where(Hazard.id.in_(list(by_hazard))))}
    reports = [r for hazard_id, chain in by_hazard.items() for r in reports_of(numbers.get(hazard_id, "?"), chain)]
    reports.sort(key=lambda r: r.at)
    return [r for r in reports if r.status == WAITING] if waiting_only else reports


def waiting_hazard_ids(session: Session) -> set[uuid.UUID]:
    """The hazards with a unit's report that waits for the inspector's answer (the ledger's filter,
    the summary's count)."""
    return {report.hazard_id for report in list_reports(session, waiting_only=True)}


def reports_of_hazard(session: Session, hazard_id: uuid.UUID) -> list[UnitReport]:
    """One hazard's unit reports, oldest first, each with its state (what the editor shows)."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        return []
    chain = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                            .order_by(HazardEvent.seq)).all()
    return reports_of(hazard.number, chain)


def find_report(session: Session, report_id: uuid.UUID) -> tuple[UnitReport, Hazard]:
    event = session.get(HazardEvent, report_id)
    if event is None or not _is_unit_event(event):
        raise NotFoundError(_("No report of a responsible unit with the id {id}.").format(id=report_id))
    hazard = session.get(Hazard, event.hazard_id)
    assert hazard is not None
    chain = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                            .order_by(HazardEvent.seq)).all()
    report = next(r for r in reports_of(hazard.number, chain) if r.id == report_id)
    return report, hazard


def _waiting(report: UnitReport) -> None:
    if report.status != WAITING:
        raise InspectorError(_("That report was answered already ({status}).").format(status=report.status))


def accept(session: Session, store: FileStore, report_id: uuid.UUID, actor: str, note: str = "",
           deadline: dt.date | None = None, photos: Sequence[Path] = ()) -> UnitReport:
    """Accept a report: a rectification passes re-inspection and closes the hazard (the unit's photos
    become its after-photos unless the inspector gives their own, ``photos``); an extension moves the
    deadline (to ``deadline``, else the one the unit asked for); a dispute is upheld and the hazard
    withdrawn with ``note`` as the reason."""
    report, hazard = find_report(session, report_id)
    _waiting(report)
    if report.kind == "rectification":
        if not photos:
            for attachment_id in report.photos:
                set_photo_role(session, uuid.UUID(attachment_id), "after", actor)
        change_status(session, store, hazard, Status.CLOSED.value, actor, note=note, photos=photos)
    elif report.kind == "extension":
        new = deadline or (dt.date.fromisoformat(report.wanted_deadline) if report.wanted_deadline else None)
        if new is None:
            raise InspectorError(_("The unit asked for no date: give the new deadline (--deadline)."))
        update_hazard(session, hazard, actor, deadline=new)
        audit.append_event(session, hazard, ANSWER_KIND, actor, note=note,
                           extra={"report_id": str(report.id), "accepted": True, "deadline": new.isoformat()})
    else:
        if not note.strip():
            raise InspectorError(_("Upholding a dispute withdraws the hazard: give the reason (--note)."))
        audit.append_event(session, hazard, ANSWER_KIND, actor, note=note,
                           extra={"report_id": str(report.id), "accepted": True})
        change_status(session, store, hazard, Status.WITHDRAWN.value, actor, note=note)
    return find_report(session, report_id)[0]


def reject(session: Session, store: FileStore, report_id: uuid.UUID, actor: str, note: str) -> UnitReport:
    """Reject a report with a reason the unit will read on its page: a rectification fails
    re-inspection (back to in progress), an extension is refused, a dispute is answered."""
    if not note.strip():
        raise InspectorError(_("Say why (--note): the unit reads it on its page."))
    report, hazard = find_report(session, report_id)
    _waiting(report)
    if report.kind == "rectification":
        change_status(session, store, hazard, Status.IN_PROGRESS.value, actor, note=note)
    else:
        audit.append_event(session, hazard, ANSWER_KIND, actor, note=note,
                           extra={"report_id": str(report.id), "accepted": False})
    return find_report(session, report_id)[0]

