"""Changing hazards' status: the one way the ledger's "Change status…" button, the editor's status
badge and a pin's menu on the plan all do it.

The next states come from the workflow (core.workflow.allowed_targets, via common_targets), offered in a menu
(``add_next_states``); StatusChangeDialog asks for what the chosen step needs (a note, an
after-photo); core.hazards.change_status_many applies it, and the hazards it refused are named.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import attachments_of, change_status_many
from inspector_app.core.workflow import common_targets, status_label
from inspector_app.i18n import _
from inspector_app.ui.status_dialogs import StatusChangeDialog


@dataclass(frozen=True)
class HazardState:
    """A hazard whose status is to change: what the dialog and the messages name it by."""

    id: uuid.UUID
    number: str
    status: str


def add_next_states(menu: QMenu, statuses: set[str], chosen: Callable[[str], object]) -> list[QAction]:
    """Add one entry per next state to ``menu``; ``chosen(state)`` when one is picked."""
    actions = []
    for target in common_targets(statuses):
        action = menu.addAction(_("{status}…").format(status=status_label(target)))
        action.setData(target.value)
        action.triggered.connect(lambda _checked=False, state=target.value: chosen(state))
        actions.append(action)
    return actions


def apply_status_change(parent: QWidget, db: Database, actor: str, photo_max_edge: int, ids: Sequence[uuid.UUID],
                        target: str, note: str, photos: list[Path]) -> list[tuple[str, str]] | None:
    """Change these hazards to ``target``; the refused ones (number, reason) are said in a box and
    returned; None when nothing could be done at all (said too)."""
    try:
        with db.session() as session:
            refused = change_status_many(session, db.store, list(ids), target, actor, note=note, photos=photos,
                                         photo_max_edge=photo_max_edge)
    except InspectorError as exc:
        QMessageBox.warning(parent, _("Change status"), str(exc))
        return None
    if refused:
        QMessageBox.warning(parent, _("Change status"), _("These hazards were not changed:") + "\n" + "\n".join(
            f"{number}: {reason}" for number, reason in refused))
    return refused


def ask_status_change(parent: QWidget, db: Database, actor: str, photo_max_edge: int,
                      hazards: Sequence[HazardState], target: str | None = None) -> int:
    """Ask for the next state (``target`` chosen already from a menu) and what it needs, then apply it.
    Returns how many hazards changed: 0 when cancelled or refused."""
    if not hazards:
        return 0
    with db.session() as session:
        has_after = all(any(a.role == "after" for a in attachments_of(session, h.id)) for h in hazards)
    dialog = StatusChangeDialog({h.status for h in hazards}, len(hazards), parent, target=target,
                                number=hazards[0].number if len(hazards) == 1 else "", has_after_photo=has_after)
    if not dialog.exec():
        return 0
    chosen, note, photos = dialog.chosen()
    refused = apply_status_change(parent, db, actor, photo_max_edge, [h.id for h in hazards], chosen, note, photos)
    return 0 if refused is None else len(hazards) - len(refused)
