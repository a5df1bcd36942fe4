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
