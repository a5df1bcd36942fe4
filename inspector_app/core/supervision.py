"""Supervision (督办) in the ledger: each organisation's rules as its sites see them, the levels set by
hand, the level of many hazards at once, and the use cases an administrator calls (set the rules,
put a hazard under supervision with a note). The rule itself is core.supervision_rules'.

Levels set by hand are "supervised" events in the hazard's history ({"level": 2|3} and a note); only
an administrator writes one: the central server refuses it from anyone else's push
(core.sync.push_checks), and a laptop whose last sync was with an inspector's token refuses it here
first. No Qt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import audit, dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard, HazardEvent, Organisation, Replica, Site
from inspector_app.core.settings_authority import settings_refusal
from inspector_app.core.supervision_rules import (
    FINAL_STATES,
    MANUAL_LEVELS,
    NONE,
    RULE_KEYS,
    SupervisionRules,
    chains_of_organisations,
    effective_rules,
    level_for,
    manual_level_of,
    rule_problems,
)
from inspector_app.i18n import _

SUPERVISED_EVENT = "supervised"




def rules_by_organisation(session: Session) -> dict[uuid.UUID, SupervisionRules]:
    rows = session.execute(select(Organisation.id, Organisation.parent_id, Organisation.supervision))
    return {oid: effective_rules(chain) for oid, chain in chains_of_organisations(rows).items()}


def rules_by_site(session: Session) -> dict[uuid.UUID, SupervisionRules]:
    by_org = rules_by_organisation(session)
    return {site_id: by_org.get(org_id) or effective_rules([])
            for site_id, org_id in session.execute(select(Site.id, Site.organisation_id))}


def rules_for_organisation(session: Session, org: Organisation) -> SupervisionRules:
    return rules_by_organisation(session).get(org.id) or effective_rules([])


class LevelReader:
    """Levels of many hazards on a day, with the rules and the levels set by hand read once. A level
    set by hand counts from the day it was set (so yesterday's level, for what escalated, is yesterday's)."""

    def __init__(self, session: Session, today: dt.date | None = None,
                 hazard_ids: Iterable[uuid.UUID] | None = None) -> None:
        self.today = today or dates.today()
        self.rules = rules_by_site(session)
        query = select(HazardEvent.hazard_id, HazardEvent.at, HazardEvent.data).where(
            HazardEvent.kind == SUPERVISED_EVENT)
        if hazard_ids is not None:
            query = query.where(HazardEvent.hazard_id.in_(list(hazard_ids)))
        self.manual: dict[uuid.UUID, list[tuple[dt.date, int]]] = {}
        for hazard_id, at, data in session.execute(query):
            self.manual.setdefault(hazard_id, []).append((dates.local_date(at), manual_level_of(data)))

    def rules_of(self, site_id: uuid.UUID) -> SupervisionRules:
        return self.rules.get(site_id) or effective_rules([])

    def level(self, hazard: Hazard, today: dt.date | None = None) -> int:
        day = today or self.today
        manual = max((level for since, level in self.manual.get(hazard.id, ()) if since <= day), default=NONE)
        return level_for(self.rules_of(hazard.site_id), hazard.status, hazard.severity, hazard.deadline, day, manual)


def hazard_level(session: Session, hazard: Hazard, today: dt.date | None = None) -> int:
    return LevelReader(session, today, [hazard.id]).level(hazard)


def ids_at_least(session: Session, minimum: int, today: dt.date | None = None) -> list[uuid.UUID]:
    """The hazards at ``minimum`` or above today (the ledger's filter): the unfinished ones only."""
    reader = LevelReader(session, today)
    hazards = session.scalars(select(Hazard).where(Hazard.status.not_in(sorted(FINAL_STATES))))
    return [h.id for h in hazards if reader.level(h) >= minimum]


# --- use cases --------------------------------------------------------------------------------------


def may_supervise(session: Session) -> bool:
    """An administrator's act: refused on a laptop whose last sync was with another role's token (a
    ledger that never synced is its owner's own, and the server checks again when it does)."""
    replica = session.scalars(select(Replica).limit(1)).first()
    return replica is None or not replica.server_url or replica.role in ("", "admin")


def supervise(session: Session, hazard: Hazard, actor: str, note: str, level: int = 2) -> HazardEvent:
    """Put an unfinished hazard under supervision (2) or listed supervision (3) by hand, with a note."""
    if not may_supervise(session):
        raise InspectorError(_("Only an administrator may put a hazard under supervision by hand; this laptop "
                               "syncs with an inspector's token."))
    if level not in MANUAL_LEVELS:
        raise InspectorError(_("A hazard is put under supervision (2) or listed supervision (3) by hand; "
                               "got {level}.").format(level=level))
    if not note.strip():
        raise InspectorError(_("Putting a hazard under supervision needs a note saying why (--note)."))
    if hazard.status in FINAL_STATES:
        raise InspectorError(_("Hazard {number} is finished; only unfinished hazards are supervised.").format(
            number=hazard.number))
    return audit.append_event(session, hazard, SUPERVISED_EVENT, actor, note=note.strip(), extra={"level": level})


def set_rules(session: Session, org: Organisation, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Change some of an organisation's own rules (None for a key: inherit it again). Everything is
    checked before anything changes; returns {key: [old, new]} of real changes."""
    given = {k: v for k, v in values.items() if v is not None}
    problems = rule_problems(given)
    if problems:
        raise InspectorError("; ".join(message for _key, message in problems))
    current = dict(org.supervision or {})
    wanted = {**current, **given}
    for key in (k for k, v in values.items() if v is None and k in RULE_KEYS):
        wanted.pop(key, None)
    rows = [(oid, parent, wanted if oid == org.id else values) for oid, parent, values in
            session.execute(select(Organisation.id, Organisation.parent_id, Organisation.supervision))]
    rules = effective_rules(chains_of_organisations(rows).get(org.id, [wanted]))
    if wanted.get("list_after_days", rules.list_after_days) < rules.supervise_after_days:
        raise InspectorError(_("Listed supervision cannot start before supervision: --list-after must be at "
                               "least --supervise-after ({days}).").format(days=rules.supervise_after_days))
    changes = {key: [current.get(key), wanted.get(key)] for key in RULE_KEYS if current.get(key) != wanted.get(key)}
    if changes and (refusal := settings_refusal(session, org)):
        raise InspectorError(refusal)
    if changes:
        org.supervision = wanted  # a new dict: SQLAlchemy sees a JSON column change only when replaced
        session.flush()
    return changes

