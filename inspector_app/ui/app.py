"""Starting the desktop program: the QApplication, Qt's own translations, the error reporting, the
main window, and then (once the window shows) the work that can wait, such as the first-start question.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app.app.context import AppContext
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _, current_language
from inspector_app.ui.first_paint import AfterFirstPaint
from inspector_app.ui.qt_translations import QtTranslations


def run(context: AppContext) -> int:
    from inspector_app.ui import pyside_feature_scan

    pyside_feature_scan.install()  # before the main window's hundreds of modules (see the module)
    from inspector_app.ui.qt_logging import quiet_qt
    from inspector_app.ui.start_screen import show_start_screen

    quiet_qt()  # before the QApplication: Qt's real warnings only, not the same lines on every start
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Fire-Risk Inspector")
    app.setOrganizationName("FireRiskInspector")
    from inspector_app.ui import gui_thread_gc

    gui_thread_gc.install(app)  # cycles are freed on this thread only (see the module)
    start_screen = show_start_screen(app)  # at once; the main window's modules take a while to load

    from inspector_app.ui import error_reporting
    from inspector_app.ui.main_window import MainWindow

    error_reporting.install()  # from here on an unexpected error is a short dialog and a log entry, not a crash
    qt_translations = QtTranslations(app)
    qt_translations.apply(current_language())
    from inspector_app.ui.ledger_file import BackupKeeper, open_ledger_or_recover

    if not open_ledger_or_recover(context):  # asks before making a ledger, offers a backup if it fails
        return 0
    try:
        window = MainWindow(context, qt_translations, open_last_place=False)
    except InspectorError as exc:
        start_screen.finish()
        QMessageBox.critical(None, _("Fire-Risk Inspector"), str(exc))
        return 1
    window.show()
    start_screen.finish()
    gui_thread_gc.freeze_what_start_made()
    backup_keeper = BackupKeeper(context, window)

    def once_on_screen() -> None:
        backup_keeper.start()
        after_first_show(window)

    AfterFirstPaint(window, once_on_screen)
    try:
        return app.exec()
    finally:
        error_reporting.close_log()


def after_first_show(window: object) -> None:
    """What waits until the window is on screen: the last floor's plan (proved in a child process,
    then drawn), then the first-start question (asked once)."""
    from inspector_app.ui.first_start import ask_name_once
    from inspector_app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.open_last_place()
    name = ask_name_once(window.context, window)
    if name:
        window.set_inspector_name(name)
