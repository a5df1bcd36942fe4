"""Fixtures of the UI tests: the program's context on a fresh demo ledger, in English."""

from __future__ import annotations

import argparse

import pytest

from inspector_app.cli.context import AppContext
from inspector_app.core.demo import create_demo
from inspector_app.core.settings import Settings
from inspector_app.i18n import set_language


@pytest.fixture
def demo_context(tmp_path, catalogue):
    set_language("en")
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "demo.sqlite"), database_url=None, actor="li", forms=[]))
    create_demo(context.db, catalogue)
    yield context
    context.close()
    set_language("en")


@pytest.fixture
def panel(qtbot, demo_context):
    """A plan panel on the floor of the demo's first hazard, with its own undo stack."""
    from PySide6.QtGui import QUndoStack

    from inspector_app.core.queries import list_hazards
    from inspector_app.ui.plan_panel import PlanPanel

    context = demo_context
    with context.db.session() as session:
        floor_id = list_hazards(session)[0].floor_id
    stack = QUndoStack()
    widget = PlanPanel(context, stack)
    widget.resize(1000, 700)
    qtbot.addWidget(widget)
    widget.set_floor(floor_id)
    yield widget, stack, context
    widget.shutdown()
