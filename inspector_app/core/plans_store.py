"""Use cases for a floor's plan documents: attach a new version, find the current one, and nudge
pins when a revised drawing is offset. Files are kept in the content-addressed store, old versions
included, so a notice printed last month can still show the plan it was printed with.
"""

from __future__ import annotations

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
