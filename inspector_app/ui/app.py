"""Starting the desktop program: the QApplication, Qt's own translations, the error reporting, the
main window's frame at once, then (once it is painted) the ledger opened and the panels filled in, and
then (once those show) the work that can wait, such as the last floor's plan and the first-start question.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _, current_language
from inspector_app.ui.first_paint import AfterFirstPaint
from inspector_app.ui.qt_translations import QtTranslations


def run(context: AppContext) -> int:
    from inspector_app.ui import pyside_feature_scan

    pyside_feature_scan.install()  # before the main window's hundreds of modules (see the module)
    from inspector_app.ui.qt_logging import quiet_qt

    quiet_qt()  # before the QApplication: Qt's real warnings only, not the same lines on every start
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Fire-Risk Inspector")
    app.setOrganizationName("FireRiskInspector")
    from inspector_app.ui import error_reporting, gui_thread_gc
    from inspector_app.ui.main_window import MainWindow

    gui_thread_gc.install(app)  # cycles are freed on this thread only (see the module)
    error_reporting.install()  # from here on an unexpected error is a short dialog and a log entry, not a crash
    qt_translations = QtTranslations(app)
    qt_translations.apply(current_language())
    # The frame first: the core and the panels take most of a start, and a double-click is answered by
    # the window itself meanwhile ("Opening the ledger…"), which the ledger's own questions then sit on.
    window = MainWindow(context, qt_translations, open_last_place=False, fill=False)
    window.show()
    AfterFirstPaint(window, lambda: open_and_fill(app, window))
    try:
        return app.exec()
    finally:
        error_reporting.close_log()


def open_and_fill(app: QApplication, window: object) -> None:
    """Open the ledger (asking before making one, offering a backup if it fails) and fill the frame;
    the program ends if the inspector gives up (0) or the window cannot show the ledger (1)."""
    from inspector_app.ui import error_reporting, gui_thread_gc
    from inspector_app.ui.ledger_file import BackupKeeper, open_ledger_or_recover
    from inspector_app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    if not open_ledger_or_recover(window.context, window):
        _end(app, window, 0)
        return
    try:
        window.fill()
    except InspectorError as exc:
        QMessageBox.critical(window, _("Fire-Risk Inspector"), str(exc))
        _end(app, window, 1)
        return
    except Exception as exc:  # e.g. a ledger damaged past the pages read when it opened: not a frame left waiting
        error_reporting.report(exc, window, "filling the main window")
        _end(app, window, 1)
        return
    gui_thread_gc.freeze_what_start_made()
    backup_keeper = BackupKeeper(window.context, window)

    def once_filled_on_screen() -> None:
        backup_keeper.start()
        after_first_show(window)

    AfterFirstPaint(window.tabs, once_filled_on_screen)


def _end(app: QApplication, window: QWidget, code: int) -> None:
    """End the start with ``code``. The frame is hidden, not closed: closing the last window makes Qt
    post a quit of its own, which would outlive this event loop and end the next one at once (the
    next dialog's, where one application runs several starts, as the tests do)."""
    window.hide()
    app.exit(code)


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
