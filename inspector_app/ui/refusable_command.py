"""An undo step the ledger may refuse (the hazard was closed, withdrawn or printed meanwhile, or the
values are wrong): it says why through ``on_error`` and makes itself obsolete, so QUndoStack drops it
instead of pretending it ran, or failing again on every undo. Shared by the plan's and the editor's
commands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from inspector_app.core.errors import InspectorError

Notify = Callable[[str], None]


class RefusableCommand(QUndoCommand):
    """``text`` may be a function giving the step's name: it is asked again by ``retranslate`` after a
    language switch, so the Edit menu never mixes languages."""

    def __init__(self, text: str | Callable[[], str], on_error: Notify | None = None) -> None:
        self._name: Callable[[], str] = text if callable(text) else (lambda: text)
        super().__init__(self._name())
        self.on_error = on_error

    def name(self, text: Callable[[], str]) -> None:
        """Give the step a (new) name, in the current language and again after each switch."""
        self._name = text
        self.setText(text())

    def retranslate(self) -> None:
        self.setText(self._name())

    def needs_open_hazards(self) -> set[str]:
        """The hazards this step can only run on while they are neither closed nor withdrawn (the
        ledger refuses it on a final one): none unless a command says so."""
        return set()

    def attempt(self, step: Callable[[], None]) -> bool:
        """Run one direction of the command; False (and obsolete, and said) when the core refused it."""
        try:
            step()
        except InspectorError as exc:
            self.setObsolete(True)
            if self.on_error is not None:
                self.on_error(str(exc))
            return False
        return True
