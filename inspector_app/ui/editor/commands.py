"""Undoable edits of a hazard, one QUndoCommand per user step, each acting through a core use case.

The stack is owned by the main window (one Undo/Redo for the plan and the editor). A command that
cannot be applied any more (the hazard was closed meanwhile) reports why through ``on_error`` and
makes itself obsolete, so the stack drops it instead of failing again on every undo.
Typing in one text field is merged into one step (``merge_key``) so undo never goes letter by letter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoCommand

from inspector_app.core import attachments
from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.core.hazards import attach_photo, find_hazard, update_hazard
from inspector_app.core.photo_markup import set_photo_overlay
from inspector_app.core.photos import MAX_STORED_EDGE
from inspector_app.i18n import _
from inspector_app.ui.refusable_command import Notify, RefusableCommand

TEXT_MERGE_ID = 4101  # any constant: commands merge only with the same id()


class _HazardCommand(RefusableCommand):
    def __init__(self, db: Database, hazard_id: str, actor: str, text: str | Callable[[], str],
                 on_done: Notify | None = None, on_error: Notify | None = None) -> None:
        super().__init__(text, on_error)
        self.db, self.hazard_id, self.actor = db, hazard_id, actor
        self.on_done = on_done

    def _run(self, step: Callable[[], None]) -> None:
        if self.attempt(step) and self.on_done is not None:
            self.on_done(self.hazard_id)

    def needs_open_hazards(self) -> set[str]:
        return {str(self.hazard_id)}  # a final hazard's fields and photos no longer change


class EditHazardFieldsCommand(_HazardCommand):
    """Set some of a hazard's editable fields (``EDITABLE_FIELDS``); undo puts the old values back."""

    def __init__(self, db: Database, hazard_id: str, old_values: dict[str, Any], new_values: dict[str, Any],
                 actor: str, catalogue: Catalogue | None, *, merge_key: object = None,
                 text: str | Callable[[], str] | None = None,
                 on_done: Notify | None = None, on_error: Notify | None = None) -> None:
        super().__init__(db, hazard_id, actor, text or (lambda: _("Edit hazard")), on_done, on_error)
        self.old_values, self.new_values = dict(old_values), dict(new_values)
        self.catalogue = catalogue
        self.merge_key = merge_key

    def _apply(self, values: dict[str, Any]) -> None:
        with self.db.session() as session:
            update_hazard(session, find_hazard(session, self.hazard_id), self.actor, self.catalogue, **values)

    def redo(self) -> None:
        self._run(lambda: self._apply(self.new_values))

    def undo(self) -> None:
        self._run(lambda: self._apply(self.old_values))

    def id(self) -> int:
        return TEXT_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, EditHazardFieldsCommand) and other.merge_key == self.merge_key
                and other.hazard_id == self.hazard_id and set(other.new_values) == set(self.new_values)):
            return False
        self.new_values = dict(other.new_values)  # ``other`` is already applied; our undo still restores ours
        return True


class AttachPhotoCommand(_HazardCommand):
    """Attach a photo file (stored at most ``max_edge`` pixels on its long side); undo takes it off
    again, redo puts the very same photo back."""

    def __init__(self, db: Database, hazard_id: str, path: Path, role: str, actor: str,
                 on_done: Notify | None = None, on_error: Notify | None = None,
                 max_edge: int = MAX_STORED_EDGE) -> None:
        super().__init__(db, hazard_id, actor, lambda: _("Attach photo"), on_done, on_error)
        self.path, self.role, self.max_edge = Path(path), role, max_edge
        self.attachment_id: str | None = None
        self._facts: dict[str, Any] | None = None

    def redo(self) -> None:
        def step() -> None:
            with self.db.session() as session:
                if self._facts is None:
                    hazard = find_hazard(session, self.hazard_id)
                    attachment = attach_photo(session, self.db.store, hazard, self.path, self.role, self.actor,
                                              self.max_edge)
                    self.attachment_id = str(attachment.id)
                else:
                    attachments.restore_photo(session, self._facts, self.actor)
        self._run(step)

    def undo(self) -> None:
        def step() -> None:
            assert self.attachment_id is not None
            with self.db.session() as session:
                self._facts = attachments.detach_photo(session, uuid.UUID(self.attachment_id), self.actor)
        self._run(step)


class SetPhotoRoleCommand(_HazardCommand):
    """Mark a photo as before or after."""

    def __init__(self, db: Database, hazard_id: str, attachment_id: str, old_role: str, new_role: str,
                 actor: str, on_done: Notify | None = None, on_error: Notify | None = None) -> None:
        super().__init__(db, hazard_id, actor, lambda: _("Mark photo"), on_done, on_error)
        self.attachment_id, self.old_role, self.new_role = attachment_id, old_role, new_role

    def _apply(self, role: str) -> None:
        with self.db.session() as session:
            attachments.set_photo_role(session, uuid.UUID(self.attachment_id), role, self.actor)

    def redo(self) -> None:
        self._run(lambda: self._apply(self.new_role))

    def undo(self) -> None:
        self._run(lambda: self._apply(self.old_role))


class SetOverlayCommand(_HazardCommand):
    """Replace a photo's markup overlay (the photo file is never touched)."""

    def __init__(self, db: Database, hazard_id: str, attachment_id: str, old_overlay: dict[str, Any],
                 new_overlay: dict[str, Any], actor: str,
                 on_done: Notify | None = None, on_error: Notify | None = None) -> None:
        super().__init__(db, hazard_id, actor, lambda: _("Photo markup"), on_done, on_error)
        self.attachment_id = attachment_id
        self.old_overlay, self.new_overlay = old_overlay, new_overlay

    def _apply(self, overlay: dict[str, Any]) -> None:
        with self.db.session() as session:
            set_photo_overlay(session, uuid.UUID(self.attachment_id), overlay, self.actor)

    def redo(self) -> None:
        self._run(lambda: self._apply(self.new_overlay))

    def undo(self) -> None:
        self._run(lambda: self._apply(self.old_overlay))
