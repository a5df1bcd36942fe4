"""Walking a checklist in the dialog: a failed item creates a hazard, completion is kept."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from inspector_app.app.context import AppContext
from inspector_app.core import checklists, structure
from inspector_app.core.hazards import find_hazard
from inspector_app.core.settings import Settings
from inspector_app.i18n import set_language
from inspector_app.ui.checklist_dialog import ChecklistDialog


@pytest.fixture
def dialog(qtbot, tmp_path):
    set_language("en")
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "c.sqlite"), database_url=None, actor="wang", forms=[]))
    with context.db.session() as session:
        org = structure.create_organisation(session, "Bureau")
        site = structure.create_site(session, org, "School", code="SC")
        inspection = structure.create_inspection(session, site, dt.date.today())
    widget = ChecklistDialog(context, inspection.id, area_type="canteen")
    qtbot.addWidget(widget)
    yield widget
    context.close()


def _button(dialog, code, result):
    return next(b for b in dialog.groups[code].buttons() if b.property("result") == result)


def test_walk_with_one_failed_item(dialog, qtbot):
    dialog.start()
    codes = list(dialog.groups)
    assert len(codes) == len(dialog.context.catalogue.checklists["canteen"].items)
    with qtbot.waitSignal(dialog.hazardCreated) as created:
        _button(dialog, codes[0], "fail").click()
    for code in codes[1:]:
        assert not dialog.complete_button.isEnabled()
        _button(dialog, code, "pass").click()
    assert dialog.complete_button.isEnabled()
    dialog.complete()
    assert dialog.result() == dialog.DialogCode.Accepted
    with dialog.context.db.session() as session:
        hazard = find_hazard(session, created.args[0])
        item = dialog.context.catalogue.checklists["canteen"].items[0]
        assert hazard.category == item.category and hazard.x is None
        run = checklists.runs_of_inspection(session, dialog.inspection_id)[0]
        assert run.completed_at is not None and run.area_type == "canteen"
    assert hazard.number in dialog.progress.text()
