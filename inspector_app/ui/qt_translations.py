"""Qt's own catalogues (the standard dialogs' buttons, Yes / No) kept in step with the program's
language, which the program's gettext catalogues do not cover."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication


class QtTranslations:
    """Qt's own catalogues (standard dialogs, buttons) kept in step with the program's language."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.translators: list[QTranslator] = []

    def apply(self, language: str) -> None:
        for translator in self.translators:
            self.app.removeTranslator(translator)
        self.translators.clear()
        if language == "en":
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
            return
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in ("qtbase", "qt"):
            translator = QTranslator(self.app)
            if translator.load(f"{name}_{language}", folder):
                self.app.installTranslator(translator)
                self.translators.append(translator)
