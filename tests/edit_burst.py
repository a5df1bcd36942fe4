"""A burst of hazard edits in a real process, for the kill tests (tests/*/test_kill_*.py).

    python -m tests.edit_burst cli LEDGER HAZARD COUNT    `hazard edit` through the CLI's own main()
    python -m tests.edit_burst gui LEDGER HAZARD COUNT    the desktop program (offscreen), typing in
                                                          the hazard editor's Room field

Edit i sets the hazard's room to ``value(i)``; once the program has saved it, the line ``ack i`` is
printed and flushed. The test kills this process (SIGKILL) somewhere in the burst and then checks
that every acknowledged value is in the ledger's history.
"""

from __future__ import annotations

import sys


def value(i: int) -> str:
    return f"burst-{i:04d}"


def cli_burst(ledger: str, hazard: str, count: int) -> int:
    import contextlib
    import io

    from inspector_app.cli import main

    for i in range(count):
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["--db", ledger, "--lang", "en", "--as", "burst", "hazard", "edit", hazard, "--room", value(i)])
        if code:
            return code
        print(f"ack {i}", flush=True)
    return 0


def gui_burst(ledger: str, hazard: str, count: int) -> int:
    import argparse

    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from inspector_app.app.context import AppContext
    from inspector_app.core.hazards import find_hazard
    from inspector_app.core.settings import Settings
    from inspector_app.ui.app import run
    from inspector_app.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=ledger, database_url=None, actor="burst", forms=[], creates_ledger=False))

    def edit(i: int) -> None:
        window = next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
        if window is None or not window.filled:  # the window's frame is up, its panels not yet: again in a moment
            QTimer.singleShot(20, lambda: edit(i))
            return
        editor = window.editor
        if i == 0:
            with context.db.session() as session:
                editor.set_hazard(find_hazard(session, hazard).id)
        field = editor.texts["room"]
        field.setFocus()
        field.selectAll()
        QTest.keyClicks(field, value(i))  # typed, as a person would
        editor.commit_text("room")  # what the typing pause or leaving the field does
        print(f"ack {i}", flush=True)
        if i + 1 < count:
            QTimer.singleShot(0, lambda: edit(i + 1))
        else:
            app.quit()

    QTimer.singleShot(0, lambda: edit(0))  # runs once run() has opened the ledger and shown the window
    return run(context)


if __name__ == "__main__":
    mode, ledger_path, hazard_ref, how_many = sys.argv[1:5]
    burst = cli_burst if mode == "cli" else gui_burst
    sys.exit(burst(ledger_path, hazard_ref, int(how_many)))
