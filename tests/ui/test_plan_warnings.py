"""What a plan reader left out is said on the plan panel, not only by `plan info`."""

from __future__ import annotations

from pathlib import Path

from inspector_app.core.plans_store import add_plan_version, read_plan_facts
from inspector_app.core.structure import get_floor
from inspector_app.i18n import use_language

ODD_PDF = Path(__file__).resolve().parents[1] / "data" / "hostile" / "public" / "pdfjs_boundingbox_invalid.pdf"


def test_a_page_left_out_of_a_pdf_is_said_when_the_plan_opens(qtbot, panel):
    widget, _stack, context = panel
    floor_id = widget.floor_id
    with context.db.session() as session:
        add_plan_version(session, context.db.store, get_floor(session, floor_id), ODD_PDF, read_plan_facts(ODD_PDF))
    with use_language("en"):
        widget.set_floor(None)
        widget.set_floor(floor_id)
        qtbot.waitUntil(lambda: widget.document is not None, timeout=30000)
        assert widget.document.page_count == 2  # the 0×0 third page is left out
        assert not widget.message.isHidden() and "page 3" in widget.message.text()
        assert "#8a5300" in widget.message.styleSheet()  # a note, not an error
