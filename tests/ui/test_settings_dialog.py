"""The inspector's own settings in the desktop program: the name asked once at the first start (through
the real start-up, ui/app.run) and recorded on the edits made afterwards; Settings… (Ctrl+,) changes
the name, the language, the paper and the size photos are stored at, and saves them."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QWidget
from sqlalchemy import select

from inspector_app.app.context import AppContext
from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import attachments_of
from inspector_app.core.models import HazardEvent
from inspector_app.core.queries import list_hazards
from inspector_app.core.settings import load_settings
from inspector_app.i18n import set_language
from inspector_app.ui.first_start import FirstStartDialog
from inspector_app.ui.main_window import MainWindow
from inspector_app.ui.settings_dialog import SettingsDialog
from tests.real_start import run_real_start, start


class WhenShown:
    """Runs `answer` on the first visible modal widget of `kind` (a modal dialog runs its own loop)."""

    def __init__(self, kind: type[QWidget], answer: Callable[[QWidget], None]) -> None:
        self.kind, self.answer, self.seen = kind, answer, False
        self.errors: list[BaseException] = []
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if self.seen or not isinstance(widget, self.kind) or not widget.isVisible():
            return
        self.seen = True
        self.timer.stop()
        try:
            self.answer(widget)
        except BaseException as exc:  # reported by the test, not lost in the event loop
            self.errors.append(exc)
            widget.close()


@pytest.fixture
def fresh_context(tmp_path, catalogue):
    """A first start: no settings file, no --as (the demo ledger stands in for a day's work)."""
    set_language("en")
    context = AppContext(settings=load_settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "demo.sqlite"), database_url=None, actor=None, forms=[]))
    create_demo(context.db, catalogue)
    yield context
    context.close()
    set_language("en")


def _last_actor(context: AppContext, hazard_id) -> str:
    with context.db.session() as session:
        return session.scalars(select(HazardEvent.actor).where(HazardEvent.hazard_id == hazard_id)
                               .order_by(HazardEvent.seq.desc())).first()


def test_the_first_start_asks_the_name_once_and_the_edits_record_it(qtbot, fresh_context, monkeypatch):
    context = fresh_context
    with context.db.session() as session:
        hazard_id = list_hazards(session, status="open")[0].id
    found: dict[str, object] = {}

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, FirstStartDialog)
        assert not dialog.ok_button.isEnabled()  # a name first
        dialog.name.insert("  王建国 ")  # as an input method types it (QTest types ASCII only)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        QTimer.singleShot(0, edit_then_close)

    def edit_then_close() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        try:
            window.editor.set_hazard(str(hazard_id))
            description = window.editor.texts["description"]
            description.setFocus()
            qtbot.keyClicks(description, "Socket scorched")
            window.editor.commit_pending()
            found["actor"] = _last_actor(context, hazard_id)
        finally:
            window.close()  # the last window: app.exec() returns

    driver = WhenShown(FirstStartDialog, answer)
    assert start(context) == 0
    assert not driver.errors, driver.errors
    assert found["actor"] == "王建国" and context.actor == "王建国"
    saved = load_settings()
    assert saved.inspector_name == "王建国" and saved.inspector_name_asked

    # The next start asks nothing: the window closes right after what follows its first show.
    again = WhenShown(FirstStartDialog, lambda d: d.reject())
    try:
        run_real_start(context, monkeypatch, lambda _window: None)
    finally:
        again.timer.stop()
    assert not again.seen


def test_later_is_an_answer_too(qtbot, fresh_context):
    from inspector_app.ui.first_start import ask_name_once

    later = WhenShown(FirstStartDialog, lambda d: qtbot.mouseClick(d.later_button, Qt.MouseButton.LeftButton))
    assert ask_name_once(fresh_context) == ""
    assert later.seen and not later.errors
    assert load_settings().inspector_name_asked and load_settings().inspector_name == ""
    again = WhenShown(FirstStartDialog, lambda d: d.reject())
    assert ask_name_once(fresh_context) == ""
    again.timer.stop()
    assert not again.seen  # asked once: no dialog the second time


def test_settings_dialog_changes_name_language_and_paper(qtbot, fresh_context):
    context = fresh_context
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, SettingsDialog)
        dialog.name.clear()
        dialog.name.insert("李明")
        dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
        dialog.paper.setCurrentIndex(dialog.paper.findData("A3"))
        dialog.backup_days.setValue(30)
        dialog.accept()

    driver = WhenShown(SettingsDialog, answer)
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    # In one menu only (issue 22: it was in Edit and in Settings).
    assert window.settings_action in window.settings_menu.actions()
    assert [m for m in window.menuBar().findChildren(QMenu) if window.settings_action in m.actions()] == [
        window.settings_menu]
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.tree, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)  # Ctrl+,
    qtbot.waitUntil(lambda: driver.seen, timeout=5000)
    assert not driver.errors, driver.errors
    saved = load_settings()
    assert (saved.inspector_name, saved.language, saved.paper_size, saved.backup_days) == ("李明", "zh_CN", "A3", 30)
    assert context.actor == "李明" and window.editor.actor == "李明"
    assert window.edit_menu.title() == "编辑(&E)" and window.settings_action.text() == "设置…"


def test_as_on_the_command_line_wins_over_the_setting(qtbot, demo_context):
    window = MainWindow(demo_context)  # started with --as li
    qtbot.addWidget(window)
    window.set_inspector_name("李明")
    assert demo_context.actor == "li" and window.editor.actor == "li"
    assert demo_context.settings.inspector_name == "李明"


def _attach_by_button(qtbot, window: MainWindow, hazard_id, photo, monkeypatch) -> tuple[int, int]:
    """Attach a photo as the inspector does (Add photo…, the file chosen); the stored file's size."""
    window.editor.set_hazard(str(hazard_id))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(photo)], ""))
    qtbot.mouseClick(window.editor.add_photo_button, Qt.MouseButton.LeftButton)
    with window.context.db.session() as session:
        newest = attachments_of(session, hazard_id)[-1]
    assert newest.filename == photo.name
    with Image.open(window.context.db.store.path_for(newest.file_hash, ".jpg")) as stored:
        assert stored.size == (newest.width, newest.height)
        return stored.size


def test_the_photo_size_chosen_in_settings_is_the_size_photos_are_stored_at(qtbot, fresh_context, tmp_path,
                                                                             monkeypatch):
    context = fresh_context
    with context.db.session() as session:
        hazard_id = list_hazards(session, status="open")[0].id
    wide, tall = tmp_path / "wide.jpg", tmp_path / "tall.jpg"
    Image.new("RGB", (3200, 2400), "#336699").save(wide, format="JPEG")
    Image.new("RGB", (2400, 3200), "#996633").save(tall, format="JPEG")
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    shown: list[object] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, SettingsDialog)
        shown.append(dialog.photo_max_edge.currentData())
        assert [dialog.photo_max_edge.itemData(i) for i in range(dialog.photo_max_edge.count())] == [
            1600, 2048, 3072, 4096]
        dialog.photo_max_edge.setCurrentIndex(dialog.photo_max_edge.findText("1600 pixels (smallest files)"))
        dialog.accept()

    driver = WhenShown(SettingsDialog, answer)
    window.settings_action.trigger()
    qtbot.waitUntil(lambda: driver.seen, timeout=5000)
    assert not driver.errors, driver.errors
    assert shown == [4096]  # what the settings said: the default
    assert load_settings().photo_max_edge == 1600
    assert _attach_by_button(qtbot, window, hazard_id, wide, monkeypatch) == (1600, 1200)
    window.close()

    # The next start reads it from the saved settings: the long side is the tall photo's height.
    context.settings = load_settings()
    again = MainWindow(context)
    qtbot.addWidget(again)
    assert _attach_by_button(qtbot, again, hazard_id, tall, monkeypatch) == (1200, 1600)
