"""The photo's full view on a laptop screen: the whole window, its title bar too, inside a 1366×768
screen under a top bar (its bottom was off the screen); and on a closed hazard, why the markup tools
are greyed out."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

from inspector_app.ui import screen_fit
from inspector_app.ui.editor.markup_dialog import MarkupDialog

LAPTOP = QRect(0, 27, 1366, 741)  # what a 1366×768 screen leaves free under a 27-px top bar


def test_the_full_view_and_its_title_bar_fit_a_laptop_screen(editor, jpeg_photo, qtbot, monkeypatch):
    monkeypatch.setattr(screen_fit, "available_area", lambda _widget, _near=None: LAPTOP)
    editor.attach_files([jpeg_photo])
    dialog = editor.markup_dialog(editor.strip.photo_model.photo(0))
    qtbot.addWidget(dialog)
    # pos() is the frame's corner: the title bar the window manager adds comes below it, then the window.
    whole = QRect(dialog.pos(), QSize(dialog.width(), screen_fit.TITLE_BAR + dialog.height()))
    assert LAPTOP.contains(whole), f"{whole} is not inside {LAPTOP}"
    assert dialog.height() >= 600  # fitted, not shrunk to nothing
    dialog.show()
    qtbot.waitExposed(dialog)
    screen_fit.keep_inside(dialog)  # after showing: the real frame is kept inside too
    assert LAPTOP.contains(dialog.frameGeometry())


def test_a_closed_hazards_markup_says_why_its_tools_are_greyed_out(editor, jpeg_photo, qtbot):
    editor.attach_files([jpeg_photo])
    dialog = MarkupDialog(editor.strip.photo_model.photo(0), read_only=True, parent=editor)
    qtbot.addWidget(dialog)
    why = "This hazard is closed or withdrawn: its photos can be looked at, no longer marked up."
    assert not dialog.hint.isHidden() and dialog.hint.text() == why
    assert all(not b.isEnabled() and b.toolTip() == why for b in dialog.tool_buttons.values())
