"""Conflicts between laptops: two people changed the same field of a hazard from the same base.

The value that reached the server first is in effect; the other is kept in a "conflict" event of the
hazard's history (so every ledger shows the same conflicts) until a person resolves it with a
"conflict_resolved" event. "Mine" is the value this laptop's edit set; on a laptop that made
neither edit, "mine" is the value that was set aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import audit
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import Hazard, HazardEvent
from inspector_app.core.sync import tracking
from inspector_app.core.sync.chains import set_field
from inspector_app.core.workflow import check_transition
from inspector_app.i18n import _


@dataclass(frozen=True)
class Conflict:
    event: HazardEvent
    hazard: Hazard

    @property
    def data(self) -> dict[str, Any]:
        return self.event.data or {}

    def mine_is_set_aside(self, replica_id: str | None) -> bool:
        return not (replica_id and self.data.get("kept_origin") == replica_id)

    def as_dict(self, replica_id: str | None) -> dict[str, Any]:
        data = self.data
        set_aside_mine = self.mine_is_set_aside(replica_id)
        return {
            "id": str(self.event.id), "hazard": self.hazard.number, "hazard_id": str(self.hazard.id),
            "field": data.get("field"), "in_effect": data.get("kept"), "set_aside": data.get("set_aside"),
            "mine": data.get("set_aside") if set_aside_mine else data.get("kept"),
            "theirs": data.get("kept") if set_aside_mine else data.get("set_aside"),
            "set_aside_by": data.get("set_aside_by"), "kept_by": data.get("kept_by"),
            "in_effect_is_mine": not set_aside_mine,
            "reason": data.get("reason"), "at": self.event.at,
        }


def open_conflicts(session: Session) -> list[Conflict]:
    resolved = {str((data or {}).get("conflict")) for data in session.scalars(
        select(HazardEvent.data).where(HazardEvent.kind == "conflict_resolved"))}
    rows = session.execute(select(HazardEvent, Hazard).join(Hazard, Hazard.id == HazardEvent.hazard_id)
                           .where(HazardEvent.kind == "conflict").order_by(Hazard.site_id, Hazard.seq,
                                                                           HazardEvent.seq)).all()
    return [Conflict(event, hazard) for event, hazard in rows if str(event.id) not in resolved]


def find_conflict(session: Session, ref: str) -> Conflict:
    ref = ref.strip().lower()
    matches = [c for c in open_conflicts(session) if str(c.event.id).startswith(ref)] if len(ref) >= 4 else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise InspectorError(_("Several conflicts start with '{ref}': give more of the id.").format(ref=ref))
    raise NotFoundError(_("No open conflict '{ref}' (see 'conflicts list').").format(ref=ref))


def resolve(session: Session, ref: str, keep: str, actor: str) -> dict[str, Any]:
    """Settle a conflict: keep "mine" or "theirs"; the hazard changes if the set-aside value wins."""
    if keep not in ("mine", "theirs"):
        raise InspectorError(_("Keep either 'mine' or 'theirs'; got '{keep}'.").format(keep=keep))
    conflict = find_conflict(session, ref)
    replica_id = tracking.origin_of(session)
    take_set_aside = conflict.mine_is_set_aside(replica_id) == (keep == "mine")
    hazard, name = conflict.hazard, str(conflict.data.get("field"))
    changes: dict[str, list[Any]] = {}
    if take_set_aside:
        value = conflict.data.get("set_aside")
        current = audit.snapshot(hazard).get(name)
        if current != value:
            if name == "status":
                check_transition(hazard.status, str(value), note=_("conflict resolved"), has_after_photo=True)
            elif name == "major_rule" or (name == "severity" and hazard.major_rule and value != "major"):
                raise InspectorError(_("Hazard {number} was confirmed a major hazard: its rule changes only by a new "
                                       "decision, its severity only lowered with a reason; keep the value in "
                                       "effect.").format(number=hazard.number))
            elif hazard.status in ("closed", "withdrawn"):
                raise InspectorError(_("Hazard {number} is final: the set-aside value can no longer be applied; "
                                       "keep the value in effect.").format(number=hazard.number))
            set_field(hazard, name, value, audit.utcnow())
            changes[name] = [current, value]
    kept = "set_aside" if take_set_aside else "in_effect"
    audit.append_event(session, hazard, "conflict_resolved", actor, changes=changes,
                       extra={"conflict": str(conflict.event.id), "kept": kept})
    session.flush()
    return {"id": str(conflict.event.id), "hazard": hazard.number, "field": name,
            "value": audit.snapshot(hazard).get(name)}

