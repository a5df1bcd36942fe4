"""The organisation's address from the desktop program, driving the real dialogs (each answered by the
test as a person would): the address dialog checks and stores the address in the ledger; printing QR
labels with an address phones cannot reach asks first (set the address, print anyway, or cancel);
the status server dialog needs the ledger's organisation."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.models import Organisation
from inspector_app.core.organisation import FALLBACK_BASE_URL, choose_organisation
from inspector_app.core.queries import list_hazards
from inspector_app.core.settings import Settings
from inspector_app.ui.org_dialogs import OrgAddressDialog, UnreachableAddressBox
from inspector_app.ui.print_dialogs import print_selected
from inspector_app.ui.status_server import LocalStatusServer, StatusServerDialog
from tests.notices.test_notices import decoded_qr_per_page

Answer = Callable[[QWidget], None]


class Answers:
    """Answers the modal dialogs that open, one answer per dialog, in order."""

    def __init__(self, answers: list[Answer]) -> None:
        self.pending = list(answers)
        self.seen: list[QWidget] = []
        self.errors: list[BaseException] = []
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible() or any(widget is w for w in self.seen) or not self.pending:
            return
        self.seen.append(widget)
        try:
            self.pending.pop(0)(widget)
        except BaseException as exc:  # reported by the test, not lost in the event loop
            self.errors.append(exc)
            widget.close()

    @property
    def done(self) -> bool:
        return not self.pending

    def stop(self) -> None:
        self.timer.stop()
        assert not self.errors, self.errors


def _org(context: AppContext) -> Organisation:
    with context.db.session() as session:
        return choose_organisation(session)


def _open_ids(context: AppContext, count: int = 1) -> list[str]:
    with context.db.session() as session:
        return [str(r.id) for r in list_hazards(session, status="open")[:count]]


def _tokens(context: AppContext, ids: list[str]) -> list[str]:
    with context.db.session() as session:
        return [r.token for r in list_hazards(session) if str(r.id) in ids]


def click_set_address(widget: QWidget) -> None:
    assert isinstance(widget, UnreachableAddressBox)
    assert FALLBACK_BASE_URL in widget.text() and "phones" in widget.text()
    widget.set_button.click()


def type_address(url: str) -> Answer:
    def answer(widget: QWidget) -> None:
        assert isinstance(widget, OrgAddressDialog)
        widget.url.setText("localhost:8470")  # a slip first: refused, the dialog stays open
        widget.save()
        assert "localhost:8470" in widget.error.text() and widget.isVisible()
        widget.url.setText(url)
        widget.save()
    return answer


def save_as(path: Path) -> Answer:
    def answer(widget: QWidget) -> None:
        assert isinstance(widget, QFileDialog)
        widget.selectFile(str(path))
        # Typed over the suggested name (the hazard's number), as a user choosing another name does.
        widget.findChild(QLineEdit, "fileNameEdit").setText(str(path))
        widget.accept()
    return answer


def close_printed(widget: QWidget) -> None:
    assert isinstance(widget, QMessageBox) and "saved to" in widget.text() and widget.windowTitle() == "Saved"
    widget.button(QMessageBox.StandardButton.Close).click()


def test_address_dialog_checks_and_stores_in_the_ledger(qtbot, demo_context):
    org = _org(demo_context)
    dialog = OrgAddressDialog(demo_context, org.id)
    qtbot.addWidget(dialog)
    assert org.name in dialog.windowTitle()
    dialog.url.setText("")
    dialog.save()
    assert dialog.error.text() and dialog.result() == 0
    dialog.url.setText("http://host/?x=1")
    dialog.save()
    assert "http://host/?x=1" in dialog.error.text() and _org(demo_context).public_base_url == ""
    dialog.url.setText(" https://status.example.cn/ll/ ")
    dialog.save()
    assert dialog.saved_url == "https://status.example.cn/ll" and dialog.result() == dialog.DialogCode.Accepted
    assert _org(demo_context).public_base_url == "https://status.example.cn/ll"


def test_printing_labels_offers_to_set_an_address_phones_reach(qtbot, demo_context, tmp_path):
    ids = _open_ids(demo_context)
    out = tmp_path / "labels.pdf"
    parent = QWidget()
    qtbot.addWidget(parent)
    answers = Answers([click_set_address, type_address("http://192.168.1.20:8470/"), save_as(out), close_printed])
    try:
        print_selected(parent, demo_context, ids, "labels")
        qtbot.waitUntil(lambda: answers.done, timeout=20000)
    finally:
        answers.stop()
    assert _org(demo_context).public_base_url == "http://192.168.1.20:8470"
    assert decoded_qr_per_page(out) == [[f"http://192.168.1.20:8470/h/{t}" for t in _tokens(demo_context, ids)]]


def test_print_anyway_uses_the_local_address_and_changes_nothing(qtbot, demo_context, tmp_path):
    ids = _open_ids(demo_context)
    out = tmp_path / "labels.pdf"
    parent = QWidget()
    qtbot.addWidget(parent)

    def anyway(widget: QWidget) -> None:
        assert isinstance(widget, UnreachableAddressBox)
        widget.anyway_button.click()

    answers = Answers([anyway, save_as(out), close_printed])
    try:
        print_selected(parent, demo_context, ids, "labels")
        qtbot.waitUntil(lambda: answers.done, timeout=20000)
    finally:
        answers.stop()
    assert _org(demo_context).public_base_url == ""
    assert decoded_qr_per_page(out) == [[f"{FALLBACK_BASE_URL}/h/{t}" for t in _tokens(demo_context, ids)]]


def test_cancel_prints_nothing_and_a_reachable_address_asks_nothing(qtbot, demo_context, tmp_path):
    ids = _open_ids(demo_context)
    parent = QWidget()
    qtbot.addWidget(parent)

    def cancel(widget: QWidget) -> None:
        assert isinstance(widget, UnreachableAddressBox)
        widget.cancel_button.click()

    answers = Answers([cancel])
    try:
        print_selected(parent, demo_context, ids, "notice")  # returns after the question: no file dialog
        assert answers.done and len(answers.seen) == 1
    finally:
        answers.stop()

    with demo_context.db.session() as session:
        session.get(Organisation, _org(demo_context).id).public_base_url = "http://10.0.0.8:8470"
    out = tmp_path / "labels.pdf"
    answers = Answers([save_as(out), close_printed])  # straight to the file dialog
    try:
        print_selected(parent, demo_context, ids, "labels")
        qtbot.waitUntil(lambda: answers.done, timeout=20000)
    finally:
        answers.stop()
    assert decoded_qr_per_page(out) == [[f"http://10.0.0.8:8470/h/{t}" for t in _tokens(demo_context, ids)]]


def test_status_server_dialog_shows_and_saves_the_organisations_address(qtbot, demo_context):
    with demo_context.db.session() as session:
        session.get(Organisation, _org(demo_context).id).public_base_url = "http://10.0.0.8:8470"
    dialog = StatusServerDialog(demo_context, LocalStatusServer(demo_context, host="127.0.0.1"))
    qtbot.addWidget(dialog)
    assert dialog.base_url.text() == "http://10.0.0.8:8470"
    dialog.base_url.setText("http://10.0.0.9:8470/")
    dialog.save()
    assert _org(demo_context).public_base_url == "http://10.0.0.9:8470"
    assert demo_context.settings.public_base_url == Settings().public_base_url


def test_status_server_dialog_without_an_organisation_says_so(qtbot, tmp_path):
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "e.sqlite"), database_url=None, actor="t", forms=[]))
    try:
        dialog = StatusServerDialog(context, LocalStatusServer(context, host="127.0.0.1"))
        qtbot.addWidget(dialog)
        assert "no organisation" in dialog.error.text()
        dialog.base_url.setText("http://10.0.0.9:8470")
        dialog.save()
        assert dialog.result() == 0 and dialog.error.text()
    finally:
        context.close()
