"""The one exception every plan reader raises for a file it cannot show, naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

from inspector_app.i18n import _


class PlanError(Exception):
    """A plan file that cannot be opened or rendered.

    The message is already translated and reads as one line: "<file>: <problem>", so the CLI can
    print it as is and the GUI can show it in a message box without a traceback.
    """

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        name = self.path.name if self.path is not None else _("(no file)")
        super().__init__(_("{file}: {problem}").format(file=name, problem=problem))
