"""The ledger view on the demo ledger: search and filters narrow the rows; bulk status change,
re-inspection and principal review go through the core and show in the table; the lazy model
passes Qt's model tester."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from inspector_app.core.audit import verify
from inspector_app.core.models import Hazard
from inspector_app.core.reviews import reviews_of
from inspector_app.ui import ledger_view as ledger_view_module
from inspector_app.ui import status_dialogs as status_dialogs_module
from inspector_app.ui.ledger_model import LEDGER_COLUMNS
from inspector_app.ui.ledger_view import LedgerView


@pytest.fixture
def view(qtbot, demo_context):
    widget = LedgerView(demo_context)
    qtbot.addWidget(widget)
    return widget


def _rows(view):
    return [view.model.row_at(r) for r in range(view.model.rowCount())]


def test_search_and_filters(view, qtbot):
    everything = view.model.rowCount()
    assert everything >= 40
    target = _rows(view)[7]
    view.search.setText(target.number)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.row_at(0).id == target.id
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == everything)
    view.status.setCurrentIndex(view.status.findData("in_progress"))
    assert {r.status for r in _rows(view)} == {"in_progress"}
    view.status.setCurrentIndex(0)
    view.overdue.setChecked(True)
    assert _rows(view) and all(r.overdue for r in _rows(view))
    assert view.count_label.text() == f"{view.model.rowCount()} hazards"


def test_the_supervision_column_and_filter(view, qtbot):
    """The demo has hazards at each supervision level (issue 25): the column names each level, and the
    filter narrows the rows to those at a level or above, as a user picks it."""
    column = [key for key, _header in LEDGER_COLUMNS].index("supervision")
    assert view.model.headerData(column, Qt.Orientation.Horizontal) == "Supervision"
    shown = {view.model.index(r, column).data() for r in range(view.model.rowCount())}
    assert shown == {"", "Reminder", "Supervised", "Listed supervision"}
    listed = sum(1 for r in _rows(view) if r.supervision_level == 3)
    view.supervision.setCurrentIndex(view.supervision.findData("3"))
    assert view.model.rowCount() == listed > 0 and all(r.supervision_level == 3 for r in _rows(view))
    assert "Supervision: Listed supervision" in view.describe_filters()
    view.supervision.setCurrentIndex(view.supervision.findData("1"))
    assert {r.supervision_level for r in _rows(view)} == {1, 2, 3}
    view.supervision.setCurrentIndex(0)
    assert {r.supervision_level for r in _rows(view)} == {0, 1, 2, 3}


def test_sorting_by_header(view):
    view.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # deadline
    rows = _rows(view)
    # The demo's confirmed major hazard, under listed supervision, heads the ledger in every order; the
    # rest follow in the order asked for.
    listed = [r for r in rows if r.major_rule and r.status not in ("closed", "withdrawn")]
    assert len(listed) == 1 and rows[0] == listed[0]
    deadlines = [r.deadline for r in rows[1:]]
    assert deadlines == sorted(deadlines, reverse=True)


def _fake_exec(monkeypatch, cls, configure):
    def exec_(dialog):
        configure(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(cls, "exec", exec_)


def test_bulk_status_change(view, monkeypatch):
    view.status.setCurrentIndex(view.status.findData("open"))
    count = view.model.rowCount()
    view.table.selectAll()
    _fake_exec(monkeypatch, status_dialogs_module.StatusChangeDialog,
               lambda d: d.target.setCurrentIndex(d.target.findData("in_progress")))
    view.change_status()
    assert "changed" in view.message.text()
    with view.context.db.session() as session:
        assert session.query(Hazard).filter(Hazard.status == "open").count() == 0
        assert session.query(Hazard).filter(Hazard.status == "in_progress").count() >= count
    view.apply_filter()
    assert view.model.rowCount() == 0


def test_reinspection_pass_and_fail(view, monkeypatch, jpeg_photo):
    view.status.setCurrentIndex(view.status.findData("awaiting_reinspection"))
    first, second = view.model.id_at(0), view.model.id_at(1)

    view.table.selectRow(0)
    _fake_exec(monkeypatch, ledger_view_module.ReinspectionDialog,
               lambda d: (d.photos.set_paths([jpeg_photo]), d.note.setPlainText("all good")))
    view.reinspect()
    view.table.clearSelection()
    view.select_hazard(second)
    _fake_exec(monkeypatch, ledger_view_module.ReinspectionDialog,
               lambda d: (d.failed.setChecked(True), d.note.setPlainText("cable still loose")))
    view.reinspect()
    with view.context.db.session() as session:
        assert session.get(Hazard, first).status == "closed"
        assert session.get(Hazard, second).status == "in_progress"
        assert verify(session).ok


def sign_with_the_mouse(qtbot, pad, points):
    """One stroke as a hand makes it: press, move through the points with the button held, release."""
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(pad, point)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=points[-1])


def dark_pixels(png: bytes) -> list[tuple[int, int]]:
    image = QImage.fromData(png)
    assert not image.isNull()
    return [(x, y) for y in range(image.height()) for x in range(image.width())
            if image.pixelColor(x, y).alpha() > 128 and image.pixelColor(x, y).lightness() < 100]


def test_principal_review_with_a_signature_drawn_with_the_mouse(view, monkeypatch, qtbot):
    view.table.selectRow(0)
    view.table.selectRow(1)
    y = 60

    def sign(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # a review needs the reviewer's name
        qtbot.keyClicks(dialog.reviewer, "Principal Zhao")
        pad = dialog.signature
        assert pad.is_empty()
        sign_with_the_mouse(qtbot, pad, [QPoint(40, y - 30), QPoint(60, y - 5), QPoint(80, y + 20)])
        sign_with_the_mouse(qtbot, pad, [QPoint(120, y), QPoint(200, y), QPoint(280, y)])
        assert not pad.is_empty()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert dialog.result() == QDialog.DialogCode.Accepted  # the OK click closed it

    _fake_exec(monkeypatch, ledger_view_module.ReviewDialog, sign)
    hazard_id = view.model.id_at(1)
    view.review()
    with view.context.db.session() as session:
        found = reviews_of(session, hazard_id)
    assert [r.reviewer for r in found] == ["Principal Zhao"]
    png = view.context.db.store.find(found[0].signature_hash).read_bytes()
    ink = dark_pixels(png)
    # Ink lies along both strokes, and not between them where the hand was lifted.
    assert any(abs(px - 240) < 3 and abs(py - y) < 3 for px, py in ink)
    assert any(abs(px - 70) < 4 and abs(py - (y + 7)) < 4 for px, py in ink)
    assert not any(90 < px < 115 for px, _py in ink)
    assert not any(px > 290 or py < y - 35 for px, py in ink)


def test_a_cleared_signature_is_not_stored(view, monkeypatch, qtbot):
    view.table.selectRow(0)

    def sign_then_clear(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.keyClicks(dialog.reviewer, "Principal Zhao")
        sign_with_the_mouse(qtbot, dialog.signature, [QPoint(40, 40), QPoint(200, 90)])
        assert not dialog.signature.is_empty()
        clear = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Clear signature")
        qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
        assert dialog.signature.is_empty()
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        assert dialog.result() == QDialog.DialogCode.Accepted  # the OK click closed it

    _fake_exec(monkeypatch, ledger_view_module.ReviewDialog, sign_then_clear)
    hazard_id = view.model.id_at(0)
    view.review()
    with view.context.db.session() as session:
        found = reviews_of(session, hazard_id)
    assert [(r.reviewer, bool(r.signature_hash)) for r in found] == [("Principal Zhao", False)]


def test_action_without_selection_says_so(view):
    view.change_status()
    assert "Select" in view.message.text()


def test_double_click_asks_to_show_the_pin(view, qtbot):
    with qtbot.waitSignal(view.hazardActivated) as signal:
        view._activated(view.model.index(3, 0))
    assert signal.args == [str(view.model.id_at(3))]


def test_lazy_model_passes_model_tester(view, qtmodeltester):
    qtmodeltester.check(view.model)
