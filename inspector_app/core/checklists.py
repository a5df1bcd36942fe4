"""Walking a checklist: start a run for an area type, answer each item pass / fail / not applicable,
and complete it. A failed item creates a hazard of the item's category, prefilled and waiting for
its pin (no position yet); answering the item again does not create a second hazard.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.form_types import Text
from inspector_app.core.forms import Catalogue, Checklist
from inspector_app.core.hazards import add_hazard
from inspector_app.core.models import Building, ChecklistAnswer, ChecklistRun, Floor, Hazard, Inspection, utcnow
from inspector_app.core.organisation import document_language
from inspector_app.core.store import FileStore
from inspector_app.i18n import _, ngettext, use_language

RESULTS = ("pass", "fail", "na")


@dataclass(frozen=True)
class AnswerOutcome:
    answer: ChecklistAnswer
    created_hazard: Hazard | None


def checklist_for(catalogue: Catalogue, area_type: str) -> Checklist:
    try:
        return catalogue.checklists[area_type]
    except KeyError:
        raise InspectorError(_("There is no checklist for the area type '{area}'.").format(area=area_type)) from None


def start_run(session: Session, catalogue: Catalogue, inspection_id: uuid.UUID, area_type: str, actor: str,
              building_id: uuid.UUID | None = None, floor_id: uuid.UUID | None = None) -> ChecklistRun:
    checklist_for(catalogue, area_type)
    if session.get(Inspection, inspection_id) is None:
        raise NotFoundError(_("No inspection with the id {id}.").format(id=inspection_id))
    run = ChecklistRun(id=uuid.uuid4(), inspection_id=inspection_id, area_type=area_type,
                       building_id=building_id, floor_id=floor_id, actor=actor)
    session.add(run)
    session.flush()
    return run


def answers(session: Session, run_id: uuid.UUID) -> dict[str, ChecklistAnswer]:
    return {a.item_code: a for a in session.scalars(select(ChecklistAnswer).where(ChecklistAnswer.run_id == run_id))}


def answer_item(session: Session, catalogue: Catalogue, store: FileStore, run: ChecklistRun, item_code: str,
                result: str, actor: str, note: str = "") -> AnswerOutcome:
    if run.completed_at is not None:
        raise InspectorError(_("This checklist is completed and can no longer be changed."))
    if result not in RESULTS:
        raise InspectorError(_("An answer is pass, fail or na; got '{result}'.").format(result=result))
    checklist = checklist_for(catalogue, run.area_type)
    item = next((i for i in checklist.items if i.code == item_code), None)
    if item is None:
        raise NotFoundError(_("The checklist has no item '{code}'.").format(code=item_code))
    answer = answers(session, run.id).get(item_code)
    if answer is None:
        answer = ChecklistAnswer(id=uuid.uuid4(), run_id=run.id, item_code=item_code, result=result, note=note)
        session.add(answer)
    else:
        answer.result, answer.note, answer.answered_at = result, note, utcnow()
    created = None
    if result == "fail" and answer.hazard_id is None:
        inspection = session.get(Inspection, run.inspection_id)
        assert inspection is not None
        site_id = inspection.site_id
        if run.building_id is not None:
            building = session.get(Building, run.building_id)
            site_id = building.site_id if building else site_id
        created = add_hazard(
            session, catalogue, store, actor=actor, category=item.category, site_id=site_id,
            floor_id=run.floor_id, area_type=run.area_type,
            description=note or failed_item_description(session, site_id, item.text),
            inspection_id=run.inspection_id,
        )
        answer.hazard_id = created.id
    session.flush()
    return AnswerOutcome(answer, created)


def failed_item_description(session: Session, site_id: uuid.UUID, item: Text) -> str:
    """A failed item's hazard described as the failure. The item states what passes ("No improvised
    wiring"); the hazard says that this was not met, the requirement quoted, never the passing condition
    behind a prefix as if it were what was found. In the organisation's language, like the other texts
    from forms/ on the hazard: its notice prints it."""
    language = document_language(session, site_id)
    with use_language(language):
        return _("Not met: “{requirement}”").format(requirement=item.get(language).rstrip("。."))


def complete_run(session: Session, catalogue: Catalogue, run: ChecklistRun) -> ChecklistRun:
    """Close the run; every item must have an answer first."""
    missing = [i.code for i in checklist_for(catalogue, run.area_type).items if i.code not in answers(session, run.id)]
    if missing:
        raise InspectorError(ngettext("{count} item is not answered yet: {items}.",
                                      "{count} items are not answered yet: {items}.", len(missing)).format(
            count=len(missing), items=", ".join(missing)))
    run.completed_at = utcnow()
    return run


def runs_of_inspection(session: Session, inspection_id: uuid.UUID) -> list[ChecklistRun]:
    return list(session.scalars(select(ChecklistRun).where(ChecklistRun.inspection_id == inspection_id)
                                .order_by(ChecklistRun.started_at)))


def floor_of(session: Session, floor_id: uuid.UUID | None) -> Floor | None:
    return session.get(Floor, floor_id) if floor_id else None


def get_run(session: Session, run_id: uuid.UUID) -> ChecklistRun:
    run = session.get(ChecklistRun, run_id)
    if run is None:
        raise NotFoundError(_("No checklist run with the id {id}.").format(id=run_id))
    return run
