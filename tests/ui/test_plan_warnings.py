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


def test_a_plan_that_cannot_be_shown_is_named_as_it_was_imported(qtbot, panel, tmp_path):
    """The store keeps the file under its content hash; the inspector imported "ground-floor.png"."""
    from inspector_app.core.plans_store import PageFacts, current_plan

    widget, _stack, context = panel
    floor_id = widget.floor_id
    broken = tmp_path / "ground-floor.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 20)
    with context.db.session() as session:
        add_plan_version(session, context.db.store, get_floor(session, floor_id), broken,
                         PageFacts("png", 1, 800.0, 600.0))
        stored = context.db.store.find(current_plan(session, floor_id).file_hash)
    with use_language("en"):
        widget.set_floor(None)
        widget.set_floor(floor_id)
        assert widget.document is None and widget.empty_page.isVisibleTo(widget)
        text = widget.empty_text.text()
    assert "cannot be shown: ground-floor.png: " in text
    assert stored.stem not in text
