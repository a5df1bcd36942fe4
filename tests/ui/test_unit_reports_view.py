"""The inspector's view of what responsible units sent (ui/unit_reports_view.py), driven as a user does
in the main window: the sync status says a report waits and its link opens the view; the unit's
words and photos show beside the inspector's, an old photo marked; Reject asks for the reason and
sends the hazard back to in progress, and Accept on the next report closes it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from inspector_app.core import dates, rectification_links, unit_reports
from inspector_app.core.models import Hazard
from tests.phone_photos import phone_photo
from tests.ui.conftest import answer_dialog, click_button, shown_window


def _send(context, hazard_id, text: str) -> None:
    """What the server writes when the unit reports through its link (here, in the laptop's ledger)."""
    with context.db.session() as session:
        secret = rectification_links.issue(session, hazard_id, "li")
        link = rectification_links.open_link(session, secret)
        now = dates.now()
        unit_reports.submit(session, context.db.store, link, unit_reports.UnitSubmission(
            "report", text, "Wang", "logistics", photos=(phone_photo("2020:01:01 08:00:00"),)),
            dates.local_date(now), dates.start_of_day(dates.local_date(now)))


def _status(context, hazard_id) -> str:
    with context.db.session() as session:
        return session.get(Hazard, hazard_id).status


def test_the_inspector_rejects_then_accepts_a_units_report(qtbot, demo_context):
    context = demo_context
    with context.db.session() as session:
        hazard_id = session.scalars(select(Hazard.id).where(Hazard.status == "in_progress")).first()
    _send(context, hazard_id, "New socket fitted")
    with shown_window(qtbot, context) as window:
        panel = window.sync_panel
        panel.refresh_status()
        assert "1 report from a unit waiting" in panel.text()
        panel.label.linkActivated.emit("reports")
        dialog = panel.reports_dialog
        qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
        assert dialog.model.rowCount() == 1 and "New socket fitted" in dialog.words.text()
        labels = [label.text() for label in dialog.photos.findChildren(QLabel)]
        assert "From the unit" in labels and "Inspector's photo" in labels
        flagged = [label for label in dialog.photos.findChildren(QLabel) if "taken 2020-01-01" in label.text()]
        assert flagged and "font-weight: bold" in flagged[0].styleSheet()  # an old photo stands out

        def reason(answer) -> None:
            qtbot.keyClicks(answer.text, "The cover is still cracked")
            click_button(answer, "OK")

        answer_dialog(qtbot, reason)
        qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
        assert _status(context, hazard_id) == "in_progress"
        assert not dialog.reject_button.isEnabled()  # answered: nothing more to do with it

        _send(context, hazard_id, "Cover replaced too")
        dialog.reload()
        assert dialog.model.rows[0].status == "waiting" and "Cover replaced too" in dialog.words.text()
        answer_dialog(qtbot, lambda answer: click_button(answer, "OK"))
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
        assert _status(context, hazard_id) == "closed"
        panel.refresh_status()
        assert "report" not in panel.text()


def test_the_editor_shows_a_waiting_report_and_answers_it(qtbot, demo_context):
    """The summary's count lists the hazards whose unit wrote in the ledger; choosing one shows the
    unit's report at the top of the editor, before- and after-photos side by side; Reject there asks
    for the reason, and Accept on the next report closes the hazard."""
    context = demo_context
    with context.db.session() as session:
        hazard_id = session.scalars(select(Hazard.id).where(Hazard.status == "in_progress")).first()
    _send(context, hazard_id, "Extension cord removed")
    with shown_window(qtbot, context) as window:
        window.summary.refresh()
        assert "1 hazard with a unit's report waiting" in window.summary.site_text.text()
        window.summary.site_text.linkActivated.emit("reports")  # the count is a link
        ledger = window.ledger_view
        assert window.tabs.currentWidget() is ledger and ledger.reports_waiting.isChecked()
        qtbot.waitUntil(lambda: ledger.model.rowCount() == 1)
        assert ledger.model.id_at(0) == hazard_id
        assert "Unit reports waiting" in ledger.describe_filters()  # an export names the filter

        ledger.table.selectRow(0)
        panel = window.editor.unit_report
        qtbot.waitUntil(lambda: panel.isVisible())
        assert "Extension cord removed" in panel.words.text() and "Wang" in panel.words.text()
        captions = [label.text() for label in panel.tiles.findChildren(QLabel)]
        assert "Inspector's photo" in captions and "From the unit" in captions

        def reason(answer) -> None:
            qtbot.keyClicks(answer.text, "The socket is still overloaded")
            click_button(answer, "OK")

        answer_dialog(qtbot, reason)
        qtbot.mouseClick(panel.reject_button, Qt.MouseButton.LeftButton)
        assert _status(context, hazard_id) == "in_progress"
        qtbot.waitUntil(lambda: not panel.isVisible())  # answered: nothing waits now
        qtbot.waitUntil(lambda: ledger.model.rowCount() == 0)  # and the filter lists it no more

        _send(context, hazard_id, "Socket replaced")
        window.editor.reload()
        assert panel.isVisible() and "Socket replaced" in panel.words.text()
        answer_dialog(qtbot, lambda answer: click_button(answer, "OK"))
        qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
        assert _status(context, hazard_id) == "closed"
        assert not panel.isVisible()


def test_a_refused_answer_in_the_editor_says_why_and_keeps_the_report(qtbot, demo_context):
    context = demo_context
    with context.db.session() as session:
        hazard_id = session.scalars(select(Hazard.id).where(Hazard.status == "in_progress")).first()
    _send(context, hazard_id, "Done")
    with shown_window(qtbot, context) as window:
        window.editor.set_hazard(hazard_id)
        panel = window.editor.unit_report
        assert panel.isVisible()
        answer_dialog(qtbot, lambda answer: click_button(answer, "OK"))  # a rejection without a reason
        qtbot.mouseClick(panel.reject_button, Qt.MouseButton.LeftButton)
        assert panel.problem.text() and panel.isVisible()
        assert _status(context, hazard_id) == "awaiting_reinspection"
