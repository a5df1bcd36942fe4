"""Undoable edits on the plan: adding a hazard at a spot and moving pins. Each command calls core
use cases; the canvas then redraws from the ledger (``on_change``), never from its own copy."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.core.hazards import add_hazard, discard_new_hazard, find_hazard, move_pin, place_pin
from inspector_app.i18n import _
from inspector_app.ui.refusable_command import Notify, RefusableCommand


class AddHazardCommand(RefusableCommand):
    """Pin a new hazard; undo discards it while nothing official has happened to it.

    Redo recreates it under the same id, so the editor's later steps on it still apply, and with the
    same number, short code, QR token and time found: a hazard added meanwhile (by a checklist) must not
    push it to a new number and leave a gap in the register. A refused step (bad values; or undo after
    the hazard was closed on the spot or printed) is said and dropped.
    """

    def __init__(self, db: Database, catalogue: Catalogue, actor: str, values: dict[str, Any],
                 on_change: Callable[[], None], on_error: Notify | None = None) -> None:
        super().__init__(lambda: _("Add hazard"), on_error)
        self.db, self.catalogue, self.actor, self.values, self.on_change = db, catalogue, actor, values, on_change
        self.hazard_id: uuid.UUID | None = None
        self.number = ""
        self.identity: dict[str, Any] = {}  # what the first add drew, given back by each redo

    def _add(self) -> None:
        with self.db.session() as session:
            hazard = add_hazard(session, self.catalogue, self.db.store, actor=self.actor,
                                hazard_id=self.hazard_id, **self.values, **self.identity)
            self.hazard_id, self.number = hazard.id, hazard.number
            self.identity = {"seq": hazard.seq, "short_code": hazard.short_code,
                             "public_token": hazard.public_token, "found_at": hazard.found_at}

    def _discard(self) -> None:
        assert self.hazard_id is not None
        with self.db.session() as session:
            discard_new_hazard(session, self.hazard_id)

    def redo(self) -> None:
        if self.attempt(self._add):
            self.name(lambda: _("Add hazard {number}").format(number=self.number))
            self.on_change()

    def undo(self) -> None:
        if self.attempt(self._discard):
            self.on_change()

    def needs_open_hazards(self) -> set[str]:
        # Its undo discards the hazard, which a status change (closing it) makes impossible for good.
        return {str(self.hazard_id)} if self.hazard_id is not None else set()


class MovePinsCommand(RefusableCommand):
    """Move one or more pins; ``moves`` maps hazard id -> ((old x, old y), (new x, new y))."""

    def __init__(self, db: Database, actor: str, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 on_change: Callable[[], None], on_error: Notify | None = None) -> None:
        super().__init__(lambda: _("Move {count} pins").format(count=len(moves)) if len(moves) > 1 else _("Move pin"),
                         on_error)
        self.db, self.actor, self.moves, self.on_change = db, actor, moves, on_change

    def _apply(self, which: int) -> None:
        def move() -> None:  # one session: a refused pin (withdrawn meanwhile) leaves none half-moved
            with self.db.session() as session:
                for hazard_id, positions in self.moves.items():
                    x, y = positions[which]
                    move_pin(session, find_hazard(session, hazard_id), self.actor, x, y)

        self.attempt(move)
        self.on_change()

    def redo(self) -> None:
        self._apply(1)

    def undo(self) -> None:
        self._apply(0)


class PlacePinCommand(RefusableCommand):
    """Give a hazard that has no pin yet (one a checklist created) its spot on this plan; undo takes
    the pin off again and puts back the floor it had."""

    def __init__(self, db: Database, actor: str, hazard_id: str, spot: tuple[uuid.UUID | None, int, float, float],
                 on_change: Callable[[], None], on_error: Notify | None = None) -> None:
        super().__init__(lambda: _("Place pin"), on_error)
        self.db, self.actor, self.hazard_id, self.spot, self.on_change = db, actor, hazard_id, spot, on_change
        self.before: tuple[uuid.UUID | None, int, float | None, float | None] | None = None

    def _apply(self, place: tuple[uuid.UUID | None, int, float | None, float | None]) -> None:
        def put() -> None:
            with self.db.session() as session:
                hazard = find_hazard(session, self.hazard_id)
                if self.before is None:
                    self.before = (hazard.floor_id, hazard.page, hazard.x, hazard.y)
                place_pin(session, hazard, self.actor, *place)

        self.attempt(put)
        self.on_change()

    def redo(self) -> None:
        self._apply(self.spot)

    def undo(self) -> None:
        assert self.before is not None
        self._apply(self.before)
