"""The program's entry points: `inspector-app` (console), `inspector-app-gui` (no console window on
Windows), `python -m inspector_app` and the two executables of the PyInstaller bundle.

All of them take the command line of inspector_app.cli, plus `--self-test [PLAN...]` (see
inspector_app.selftest). A windowed process (pythonw, the bundle's FireRiskInspector.exe) has no
stdout or stderr, so there they go to a log file in the user's log folder instead of vanishing, and a
message printed by a command cannot crash it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

SELF_TEST = "--self-test"


def run(argv: Sequence[str] | None = None) -> int:
    """The command line, with --self-test in front of everything else."""
    args = list(sys.argv[1:] if argv is None else argv)
    if SELF_TEST in args:
        from inspector_app.selftest import self_test

        return self_test([a for a in args if a != SELF_TEST])
    from inspector_app.cli import main

    return main(args)


def console_main() -> int:
    return run()


def gui_main() -> int:
    """For a process without a console: give it somewhere to write, then run as usual. A bundle file
    given alone (a double-click on a .fribundle) is offered for merging, then the program opens."""
    if sys.stdout is None or sys.stderr is None:
        log = _console_log()
        if sys.stdout is None:
            sys.stdout = log
        if sys.stderr is None:
            sys.stderr = log
    if len(sys.argv) == 2 and sys.argv[1].lower().endswith(".fribundle"):
        return open_bundle_then_program(Path(sys.argv[1]))
    return run()


def open_bundle_then_program(path: Path) -> int:
    import argparse

    from PySide6.QtWidgets import QApplication

    from inspector_app.app.context import AppContext
    from inspector_app.i18n import current_language, normalise_language, set_language, system_language
    from inspector_app.ui.app import run as run_program
    from inspector_app.ui.bundle_open import is_bundle_argument, offer_bundle
    from inspector_app.ui.qt_translations import QtTranslations

    if not is_bundle_argument([str(path)]):
        return run()  # not an existing bundle: the command line says why
    context = AppContext.from_environment()
    set_language(normalise_language(context.settings.language) or system_language())
    context.configure(argparse.Namespace(db=None, database_url=None, actor=None, forms=[]))
    from inspector_app.ui.qt_logging import quiet_qt

    quiet_qt()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    QtTranslations(app).apply(current_language())  # Qt's own Yes / No in the program's language
    try:
        offer_bundle(context, path)
        return run_program(context)
    finally:
        context.close()


def _console_log() -> TextIO:
    """Kept open for the life of the process; os.devnull when the log folder cannot be written."""
    from inspector_app.paths import user_log_dir

    folder = user_log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return open(folder / "console.log", "a", encoding="utf-8", buffering=1)
    except OSError:
        return open(os.devnull, "w", encoding="utf-8")


def bundle_main() -> int:
    """The PyInstaller bundle's two executables run this one script; the name decides the kind: the
    windowed FireRiskInspector starts the desktop program, the console inspector-app is the CLI."""
    name = Path(sys.executable).stem.lower()
    return console_main() if name.startswith("inspector-app") else gui_main()
