"""What the hazard editor's action mixins (photos, fixing on the spot, the status badge) need from the
editor they are mixed into: one declaration of its state and hooks, so the three cannot drift apart.
HazardEditor provides each of them."""

from __future__ import annotations

from typing import Any

from inspector_app.core.db import Database


class EditorHooks:
    db: Database
    actor: str
    hazard_id: str | None
    photo_max_edge: int
    hazardChanged: Any

    def commit_pending(self) -> None:
        raise NotImplementedError

    def show_message(self, text: str, error: bool = True) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError
