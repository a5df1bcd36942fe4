"""Undoable edits on the plan: adding a hazard at a spot and moving pins. Each command calls core
use cases; the canvas then redraws from the ledger (``on_change``), never from its own copy."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.core.hazards import add_hazard, discard_new_hazard, find_hazard, move_pin
from inspector_app.i18n import _


class AddHazardCommand(QUndoCommand):
    def __init__(self, db: Database, catalogue: Catalogue, actor: str, values: dict[str, Any],
                 on_change: Callable[[], None]) -> None:
        super().__init__(_("Add hazard"))
        self.db, self.catalogue, self.actor, self.values, self.on_change = db, catalogue, actor, values, on_change
        self.hazard_id: uuid.UUID | None = None
        self.number = ""

    def redo(self) -> None:
        with self.db.session() as session:
            hazard = add_hazard(session, self.catalogue, self.db.store, actor=self.actor, **self.values)
            self.hazard_id, self.number = hazard.id, hazard.number
        self.setText(_("Add hazard {number}").format(number=self.number))
        self.on_change()

    def undo(self) -> None:
        assert self.hazard_id is not None
        with self.db.session() as session:
            discard_new_hazard(session, self.hazard_id)
        self.on_change()


class MovePinsCommand(QUndoCommand):
    """Move one or more pins; ``moves`` maps hazard id -> ((old x, old y), (new x, new y))."""

    def __init__(self, db: Database, actor: str, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 on_change: Callable[[], None]) -> None:
        super().__init__(_("Move {count} pins").format(count=len(moves)) if len(moves) > 1 else _("Move pin"))
        self.db, self.actor, self.moves, self.on_change = db, actor, moves, on_change

    def _apply(self, which: int) -> None:
        with self.db.session() as session:
            for hazard_id, positions in self.moves.items():
                x, y = positions[which]
                move_pin(session, find_hazard(session, hazard_id), self.actor, x, y)
        self.on_change()

    def redo(self) -> None:
        self._apply(1)

    def undo(self) -> None:
        self._apply(0)
