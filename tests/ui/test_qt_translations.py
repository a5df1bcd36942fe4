"""Qt's own dialogs and buttons follow the program's language."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from inspector_app.ui.qt_translations import QtTranslations


def test_standard_buttons_in_chinese_and_back(qtbot):
    app = QApplication.instance()
    translations = QtTranslations(app)
    try:
        translations.apply("zh_CN")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    finally:
        translations.apply("en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"
