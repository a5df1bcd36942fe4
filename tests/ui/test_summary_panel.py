"""The summary panel shows the figures of core.summary for the site and the inspection."""

from __future__ import annotations

from inspector_app.core.models import Inspection, Site
from inspector_app.ui.summary_panel import SummaryPanel


def test_panel_shows_site_and_inspection_figures(qtbot, demo_context):
    context = demo_context
    with context.db.session() as session:
        site_id = session.query(Site.id).scalar()
        inspection_id = session.query(Inspection.id).scalar()
    panel = SummaryPanel(context)
    qtbot.addWidget(panel)
    panel.set_scope(site_id, inspection_id)
    site = panel.last["site"]
    assert f"<b>{site.total}</b> hazards" in panel.site_text.text()
    assert f"{site.overdue}</b> overdue" in panel.site_text.text()
    assert "Fixed on the spot: 4" in panel.site_text.text()
    assert not panel.inspection_box.isHidden()
    # The demo has one inspection; its one recurring hazard was reported between inspections.
    assert panel.last["inspection"].total == site.total - 1


def test_one_hazard_is_one_hazard(qtbot, empty_context, catalogue):
    """Not "1 hazards": the summary and the dialog titles that count hazards take the singular."""
    from inspector_app.core import structure
    from inspector_app.core.hazards import add_hazard
    from inspector_app.ui.status_dialogs import ReviewDialog, StatusChangeDialog

    context = empty_context
    with context.db.session() as session:
        site = structure.add_site(session, "School")
        floor = structure.add_floor(session, structure.add_building(session, site.id, "Gym").id, "1F")
        add_hazard(session, catalogue, context.db.store, actor="li", category="electrical.aging_wiring",
                   floor_id=floor.id, x=0.5, y=0.5)
        site_id = site.id
    panel = SummaryPanel(context)
    qtbot.addWidget(panel)
    panel.set_scope(site_id, None)
    assert panel.site_text.text().startswith("<b>1</b> hazard, <b>0</b> major")
    assert StatusChangeDialog({"open"}, 1).windowTitle() == "Change the status of 1 hazard"
    assert StatusChangeDialog({"open"}, 2).windowTitle() == "Change the status of 2 hazards"
    assert ReviewDialog(1).windowTitle() == "Principal review of 1 hazard"
