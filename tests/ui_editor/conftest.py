"""Fixtures of the hazard-editor tests: a hazard in a real temporary ledger and the editor showing it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from inspector_app.core.hazards import add_hazard
from inspector_app.core.models import Organisation
from inspector_app.ui.editor import HazardEditor

FIRST_CATEGORY = "electrical.aging_wiring"  # 15 days, not fixable on the spot
SECOND_CATEGORY = "electrical.improvised_wiring"  # 7 days


@pytest.fixture
def org_language() -> str:
    """The language of the organisation's documents: English, as the screen (a test overrides it with
    ``@pytest.mark.parametrize("org_language", ["zh_CN"])``)."""
    return "en"


@pytest.fixture
def hazard_id(db, floor, catalogue, english, org_language) -> str:
    with db.session() as session:
        for org in session.scalars(select(Organisation)):
            org.language = org_language
        hazard = add_hazard(session, catalogue, db.store, actor="li", category=FIRST_CATEGORY, floor_id=floor,
                            x=0.5, y=0.5, description="")
        return str(hazard.id)


@pytest.fixture
def stack(qtbot) -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def editor(qtbot, db, catalogue, stack, hazard_id, english) -> HazardEditor:
    widget = HazardEditor(db, catalogue, "li", stack)
    qtbot.addWidget(widget)
    widget.set_hazard(hazard_id)
    return widget
