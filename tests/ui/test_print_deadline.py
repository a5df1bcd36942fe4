"""Printing a notice from the desktop program for a hazard whose deadline has passed: the program asks
for a new deadline (driven here as a person would: the date typed, OK clicked), records it in the
hazard's history and prints it on the notice; cancelling prints nothing and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit, QDialogButtonBox, QWidget
from sqlalchemy import select

from inspector_app.core.models import Hazard, HazardEvent, Organisation
from inspector_app.core.notice_register import today
from inspector_app.core.organisation import choose_organisation
from inspector_app.ui.print_dialogs import NewDeadlineDialog, print_selected
from tests.ui.test_org_dialogs import Answers, close_printed, save_as


def _overdue_id(context) -> str:
    with context.db.session() as session:
        session.get(Organisation, choose_organisation(session).id).public_base_url = "http://10.0.0.8:8470"
        hazard = session.scalars(select(Hazard).where(Hazard.status == "open", Hazard.deadline < today())
                                 .order_by(Hazard.seq)).first()
        assert hazard is not None
        return str(hazard.id)


def test_an_overdue_hazard_asks_for_a_new_deadline_and_prints_it(qtbot, demo_context, tmp_path):
    hazard_id = _overdue_id(demo_context)
    new = today() + dt.timedelta(days=21)
    out = tmp_path / "notice.pdf"
    parent = QWidget()
    qtbot.addWidget(parent)

    def new_deadline(widget: QWidget) -> None:
        assert isinstance(widget, NewDeadlineDialog)
        with demo_context.db.session() as session:
            number = session.get(Hazard, uuid.UUID(hazard_id)).number
        assert number in widget.message.text()
        widget.date.setFocus()
        widget.date.setSelectedSection(QDateTimeEdit.Section.YearSection)  # as a click on the year does
        qtbot.keyClicks(widget.date, new.strftime("%Y%m%d"))  # each part complete moves on to the next
        assert widget.chosen() == new
        qtbot.mouseClick(widget.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    messages: list[str] = []

    def close_and_read(widget: QWidget) -> None:
        messages.append(widget.text())  # "N pages saved to PATH."
        close_printed(widget)

    answers = Answers([new_deadline, save_as(out), close_and_read])
    try:
        print_selected(parent, demo_context, [hazard_id], "notice")
        qtbot.waitUntil(lambda: answers.done, timeout=20000)
    finally:
        answers.stop()
    written = Path(re.search(r"saved to (.+)\.$", messages[0])[1])
    assert written.name == out.name and written.is_file(), messages
    text = subprocess.run(["pdftotext", str(written), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{new.day} {new.strftime('%B')} {new.year}" in text  # the English demo's organisation
    with demo_context.db.session() as session:
        events = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == uuid.UUID(hazard_id))
                                 .order_by(HazardEvent.seq)).all()
        assert [e.kind for e in events[-2:]] == ["edited", "notice_issued"]
        assert events[-2].data["changes"]["deadline"][1] == new.isoformat()


def test_cancelling_the_new_deadline_prints_nothing(qtbot, demo_context, tmp_path):
    hazard_id = _overdue_id(demo_context)
    parent = QWidget()
    qtbot.addWidget(parent)

    def cancel(widget: QWidget) -> None:
        assert isinstance(widget, NewDeadlineDialog)
        qtbot.mouseClick(widget.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)

    answers = Answers([cancel])
    try:
        print_selected(parent, demo_context, [hazard_id], "notice")  # returns after the question
        assert answers.done
    finally:
        answers.stop()
    with demo_context.db.session() as session:
        kinds = session.scalars(select(HazardEvent.kind).where(
            HazardEvent.hazard_id == uuid.UUID(hazard_id))).all()
    assert "notice_issued" not in kinds and "edited" not in kinds
