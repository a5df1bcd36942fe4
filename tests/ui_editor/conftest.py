"""Fixtures of the hazard-editor tests: a hazard in a real temporary ledger and the editor showing it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from inspector_app.core.hazards import add_hazard
from inspector_app.ui.editor import HazardEditor

FIRST_CATEGORY = "electrical.aging_wiring"  # 15 days, not fixable on the spot
SECOND_CATEGORY = "electrical.improvised_wiring"  # 7 days


@pytest.fixture
def hazard_id(db, floor, catalogue, english) -> str:
    with db.session() as session:
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
