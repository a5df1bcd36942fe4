"""Use cases for a floor's plan documents: attach a new version, find the current one, and nudge
pins when a revised drawing is offset. Files are kept in the content-addressed store, old versions
included, so a notice printed last month can still show the plan it was printed with.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import move_pin
from inspector_app.core.models import Floor, Hazard, PlanDocument
from inspector_app.core.store import FileStore
from inspector_app.core.workflow import FINAL_STATES
from inspector_app.i18n import _


@dataclass(frozen=True)
class PageFacts:
    """What the plan reader found out about the file (filled in by inspector_app.plans)."""

    format: str
    page_count: int
    width: float
    height: float
    units: str = "px"


def add_plan_version(session: Session, store: FileStore, floor: Floor, path: Path, facts: PageFacts,
                     page: int = 0) -> PlanDocument:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InspectorError(_("Cannot read the plan {path}: {problem}").format(path=path, problem=exc)) from exc
    digest = store.put(data, Path(path).suffix.lower())
    version = (session.scalar(select(func.max(PlanDocument.version)).where(PlanDocument.floor_id == floor.id))
               or 0) + 1
    plan = PlanDocument(
        id=uuid.uuid4(), floor_id=floor.id, version=version, file_hash=digest, filename=Path(path).name,
        format=facts.format, page=page, page_count=facts.page_count, width=facts.width, height=facts.height,
        units=facts.units,
    )
    session.add(plan)
    session.flush()
    return plan


def current_plan(session: Session, floor_id: uuid.UUID) -> PlanDocument | None:
    return session.scalars(
        select(PlanDocument).where(PlanDocument.floor_id == floor_id).order_by(PlanDocument.version.desc()).limit(1)
    ).first()


def plan_versions(session: Session, floor_id: uuid.UUID) -> list[PlanDocument]:
    return list(session.scalars(
        select(PlanDocument).where(PlanDocument.floor_id == floor_id).order_by(PlanDocument.version)))


def nudge_pins(session: Session, floor_id: uuid.UUID, dx: float, dy: float, actor: str) -> int:
    """Shift every live pin on a floor by (dx, dy) of the page, for a revised drawing that is offset.

    Pins stay within the page; each move is an event like any other, so it can be audited.
    """
    moved = 0
    hazards = session.scalars(select(Hazard).where(Hazard.floor_id == floor_id, Hazard.x.is_not(None))).all()
    for hazard in hazards:
        if hazard.status in FINAL_STATES or hazard.x is None or hazard.y is None:
            continue
        x = min(1.0, max(0.0, hazard.x + dx))
        y = min(1.0, max(0.0, hazard.y + dy))
        if move_pin(session, hazard, actor, x, y):
            moved += 1
    plan = current_plan(session, floor_id)
    if plan is not None:
        plan.offset_x += dx
        plan.offset_y += dy
    return moved


def read_plan_facts(path: Path, page: int = 0) -> PageFacts:
    """Open a plan file as the program will show it and say what it is; a clear error otherwise."""
    from inspector_app import plans

    if not Path(path).is_file():
        raise InspectorError(_("{path}: no such file.").format(path=path))
    try:
        with plans.open(path) as document:
            if not 0 <= page < document.page_count:
                raise InspectorError(_("{path}: there is no page {page}.").format(path=path, page=page + 1))
            info = document.page(page)
            return PageFacts(document.format, document.page_count, float(info.width_px), float(info.height_px))
    except plans.PlanError as exc:
        raise InspectorError(_("{path}: {problem}").format(path=Path(path).name, problem=exc)) from exc


@dataclass(frozen=True)
class PlanVersionRecord:
    """Everything a plan version row holds, to put it back after an undo took it away."""

    id: uuid.UUID
    floor_id: uuid.UUID
    version: int
    file_hash: str
    filename: str
    facts: PageFacts
    page: int


def withdraw_plan_version(session: Session, plan_id: uuid.UUID) -> PlanVersionRecord:
    """Take back the newest version of a floor's plan (undo of an import); its file stays in the store,
    and the version before it becomes the current one again."""
    plan = session.get(PlanDocument, plan_id)
    if plan is None:
        raise InspectorError(_("That plan version is gone already."))
    newest = current_plan(session, plan.floor_id)
    if newest is None or newest.id != plan.id:
        raise InspectorError(_("A newer plan version was added since: take that one back first."))
    record = PlanVersionRecord(plan.id, plan.floor_id, plan.version, plan.file_hash, plan.filename,
                               PageFacts(plan.format, plan.page_count, plan.width, plan.height, plan.units),
                               plan.page)
    session.delete(plan)
    session.flush()
    return record


def restore_plan_version(session: Session, record: PlanVersionRecord) -> PlanDocument:
    """Put a withdrawn version back as the floor's newest (redo of an import)."""
    if session.get(Floor, record.floor_id) is None:
        raise InspectorError(_("The floor of that plan was removed."))
    newest = current_plan(session, record.floor_id)
    version = max(record.version, (newest.version + 1) if newest else 1)
    plan = PlanDocument(id=record.id, floor_id=record.floor_id, version=version, file_hash=record.file_hash,
                        filename=record.filename, format=record.facts.format, page=record.page,
                        page_count=record.facts.page_count, width=record.facts.width, height=record.facts.height,
                        units=record.facts.units)
    session.add(plan)
    session.flush()
    return plan


# -- pins after a plan revision ---------------------------------------------------------------------
PIN_EVENTS = ("created", "pin_moved", "pin_checked")


def pins_to_check(session: Session, floor_id: uuid.UUID) -> set[uuid.UUID]:
    """Live pins of the floor placed (or last checked) on an older version of its plan: they stay
    where they were on the page until someone moves them or says they are right."""
    plan = current_plan(session, floor_id)
    if plan is None or plan.version < 2:
        return set()
    from inspector_app.core.models import HazardEvent  # the history is where a pin's last placing is

    last_placed = dict(session.execute(
        select(HazardEvent.hazard_id, func.max(HazardEvent.at))
        .join(Hazard, Hazard.id == HazardEvent.hazard_id)
        .where(Hazard.floor_id == floor_id, Hazard.x.is_not(None), HazardEvent.kind.in_(PIN_EVENTS))
        .group_by(HazardEvent.hazard_id)).all())
    live = session.execute(select(Hazard.id, Hazard.status).where(Hazard.floor_id == floor_id,
                                                                   Hazard.x.is_not(None))).all()
    since = _aware(plan.created_at)
    return {hazard_id for hazard_id, status in live if status not in FINAL_STATES
            and hazard_id in last_placed and _aware(last_placed[hazard_id]) < since}


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; they were written in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def confirm_pins(session: Session, hazard_ids: list[uuid.UUID], actor: str, plan_version: int) -> int:
    """Record that these pins were checked on the current plan (they are right where they are)."""
    from inspector_app.core import audit

    done = 0
    for hazard_id in hazard_ids:
        hazard = session.get(Hazard, hazard_id)
        if hazard is None or hazard.status in FINAL_STATES:
            continue
        audit.append_event(session, hazard, "pin_checked", actor,
                           note=_("position checked on plan version {version}").format(version=plan_version))
        done += 1
    session.flush()
    return done
