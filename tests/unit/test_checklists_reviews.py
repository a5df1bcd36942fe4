"""Walking a checklist (a failed item creates a hazard waiting for its pin) and principal reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from inspector_app.core import checklists, reviews, structure
from inspector_app.core.audit import verify
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import add_hazard
from inspector_app.core.models import Floor, Hazard, HazardEvent, Organisation


@pytest.fixture
def inspection(db, floor):
    with db.session() as session:
        site_id = session.get(Floor, floor).building_id
        from inspector_app.core.models import Building, Site

        site = session.get(Site, session.get(Building, site_id).site_id)
        return structure.create_inspection(session, site, dt.date.today(), "periodic", "Wang, Li").id


def _documents_in(db, language: str) -> None:
    with db.session() as session:
        for org in session.scalars(select(Organisation)):
            org.language = language


def test_failed_item_creates_one_prefilled_hazard_without_a_pin(db, catalogue, inspection, english):
    checklist = catalogue.checklists["dormitory"]
    _documents_in(db, "en")
    with db.session() as session:
        run = checklists.start_run(session, catalogue, inspection, "dormitory", "wang")
        first, second = checklist.items[0], checklist.items[1]
        outcome = checklists.answer_item(session, catalogue, db.store, run, first.code, "fail", "wang")
        assert outcome.created_hazard is not None
        hazard = outcome.created_hazard
        assert (hazard.category, hazard.x, hazard.floor_id) == (first.category, None, None)
        # The item says what passes; the hazard says it was not met, the requirement quoted (issue 22: not
        # "Checklist item not met: no improvised wiring", the passing condition behind a prefix).
        assert hazard.description == f"Not met: “{first.text.get('en')}”"
        assert hazard.legal_basis == catalogue.categories[first.category].legal_basis.get("en")
        again = checklists.answer_item(session, catalogue, db.store, run, first.code, "fail", "wang", note="still")
        assert again.created_hazard is None
        assert checklists.answer_item(session, catalogue, db.store, run, second.code, "pass", "wang").created_hazard \
            is None
        with pytest.raises(InspectorError, match="not answered"):
            checklists.complete_run(session, catalogue, run)
        for item in checklist.items[2:]:
            checklists.answer_item(session, catalogue, db.store, run, item.code, "na", "wang")
        checklists.complete_run(session, catalogue, run)
        assert run.completed_at is not None
        with pytest.raises(InspectorError, match="completed"):
            checklists.answer_item(session, catalogue, db.store, run, first.code, "pass", "wang")
        assert len(session.scalars(select(Hazard)).all()) == 1
        assert checklists.runs_of_inspection(session, inspection)[0].id == run.id


def test_a_failed_item_is_written_in_the_language_of_the_notices_not_the_screens(db, catalogue, inspection,
                                                                                english):
    """An English screen, an organisation whose notices are Chinese: the hazard's words are Chinese,
    like every other text of the notice it will be printed on."""
    first = catalogue.checklists["dormitory"].items[0]
    _documents_in(db, "zh_CN")
    with db.session() as session:
        run = checklists.start_run(session, catalogue, inspection, "dormitory", "wang")
        hazard = checklists.answer_item(session, catalogue, db.store, run, first.code, "fail", "wang").created_hazard
        # The failure, not the passing condition, in the Chinese of the notices (the item's own words quoted).
        assert hazard.description == f"不符合要求：“{first.text.zh.rstrip('。.')}”"
        category = catalogue.categories[first.category]
        assert (hazard.legal_basis, hazard.required_measures) == (category.legal_basis.zh, category.requirement.zh)


def test_bad_answers_are_refused(db, catalogue, inspection, english):
    with db.session() as session:
        run = checklists.start_run(session, catalogue, inspection, "canteen", "wang")
        with pytest.raises(InspectorError, match="pass, fail or na"):
            checklists.answer_item(session, catalogue, db.store, run, "canteen.01", "maybe", "wang")
        with pytest.raises(InspectorError, match="no item"):
            checklists.answer_item(session, catalogue, db.store, run, "canteen.99", "fail", "wang")
        with pytest.raises(InspectorError, match="no checklist"):
            checklists.start_run(session, catalogue, inspection, "moon_base", "wang")


def test_review_marks_hazards_and_keeps_history_valid(db, catalogue, floor, english):
    with db.session() as session:
        ids = [add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                          floor_id=floor, x=0.1 * i, y=0.5).id for i in range(1, 4)]
        review = reviews.record_review(session, db.store, ids[:2], "Principal Zhao", dt.date(2026, 11, 20),
                                       "wang", note="seen", signature_png=b"\x89PNG fake signature")
        assert db.store.find(review.signature_hash) is not None
        assert [r.reviewer for r in reviews.reviews_of(session, ids[0])] == ["Principal Zhao"]
        assert reviews.reviews_of(session, ids[2]) == []
        kinds = session.scalars(select(HazardEvent.kind).where(HazardEvent.hazard_id == ids[0])).all()
        assert "reviewed" in kinds
        with pytest.raises(InspectorError, match="name"):
            reviews.record_review(session, db.store, ids, " ", dt.date.today(), "wang")
    with db.session() as session:
        assert verify(session).ok


def test_a_failed_items_hazard_speaks_the_organisations_language(db, catalogue, inspection, english):
    """The description is printed on the notice, like the legal basis: in the organisation's language,
    whatever the program's, and as the failure (“不符合要求”), not the passing condition."""
    from inspector_app.core.organisation import choose_organisation, set_organisation

    with db.session() as session:
        set_organisation(session, choose_organisation(session), language="zh_CN")
        run = checklists.start_run(session, catalogue, inspection, "teaching_building", "wang")
        item = catalogue.checklists["teaching_building"].items[1]
        hazard = checklists.answer_item(session, catalogue, db.store, run, item.code, "fail", "wang").created_hazard
        assert hazard is not None
        assert hazard.description == f"不符合要求：“{item.text.zh}”"
