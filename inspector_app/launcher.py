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
    """For a process without a console: give it somewhere to write, then run as usual."""
    if sys.stdout is None or sys.stderr is None:
        log = _console_log()
        if sys.stdout is None:
            sys.stdout = log
        if sys.stderr is None:
            sys.stderr = log
    return run()


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
