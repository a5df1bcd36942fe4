"""The central ledger's pull: the page of rows changed after a cursor that an account may reach
(issue 23, "City scale"). Read set-based, a query per table and chunk of ids; each hazard comes
whole with its history and superseded tokens, so a laptop never holds a row ahead of its events.
Called by the sync API (web/sync/api.py) with the account it checked; core.sync.server takes pushes.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inspector_app.core import signatures
from inspector_app.core.accounts import Principal, organisation_parents
from inspector_app.core.models import ChangeLog, Hazard, HazardEvent, SupersededToken
from inspector_app.core.sync.chains import event_to_json
from inspector_app.core.sync.entities import CLOCKED, OrganisationResolver, chunks, primary_key, row_item, row_to_json
from inspector_app.core.sync.server import sort_items

PULL_PAGE_LIMIT = 2000


def hazard_payloads(session: Session, hazards: list[Hazard]) -> dict[uuid.UUID, dict[str, Any]]:
    """hazard_payload for many hazards (at most a few hundred: one IN list), in two queries."""
    ids = [h.id for h in hazards]
    events: dict[uuid.UUID, list[HazardEvent]] = {h: [] for h in ids}
    tokens: dict[uuid.UUID, list[dict[str, Any]]] = {h: [] for h in ids}
    if ids:
        for event in session.scalars(select(HazardEvent).where(HazardEvent.hazard_id.in_(ids))
                                     .order_by(HazardEvent.hazard_id, HazardEvent.seq)):
            events[event.hazard_id].append(event)
        for token in session.scalars(select(SupersededToken).where(SupersededToken.hazard_id.in_(ids))):
            tokens[token.hazard_id].append(row_to_json(token))
    return {h.id: {"row": row_to_json(h), "events": [event_to_json(e) for e in events[h.id]],
                   "superseded": tokens[h.id]} for h in hazards}


def _hazard_items(session: Session, principal: Principal, parents: dict[uuid.UUID, uuid.UUID | None],
                  resolver: OrganisationResolver, hazard_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The hazards of a pull page the account may reach, each with its whole history, read a chunk
    of hazards at a time."""
    items: list[dict[str, Any]] = []
    for chunk in chunks(hazard_ids):
        found = session.scalars(select(Hazard).where(Hazard.id.in_(chunk))).all()
        reachable = [h for h in found if principal.may_reach(resolver.of_site(h.site_id), parents)]
        payloads = hazard_payloads(session, reachable)
        items += [{"entity": "hazard", **payloads[h.id]} for h in reachable]
    return items


def pull(session: Session, principal: Principal, cursor: int, limit: int = PULL_PAGE_LIMIT) -> dict[str, Any]:
    """The rows changed after ``cursor`` that the account may reach, each in its current state; a
    hazard comes with its whole history, so a page never leaves a row ahead of its events."""
    limit = max(1, min(limit, PULL_PAGE_LIMIT))
    parents = organisation_parents(session)
    query = select(ChangeLog.cursor, ChangeLog.entity, ChangeLog.entity_id, ChangeLog.deleted).where(
        ChangeLog.cursor > cursor)
    if not principal.is_admin:
        # Only the entries of the organisations this account reaches (and those whose organisation
        # was not known when they were logged): what it costs follows the account's organisations,
        # not the whole city's. Every row is still checked below as it is now.
        reach = principal.granted | {org for org in parents if principal.may_reach(org, parents)}
        query = query.where(or_(ChangeLog.organisation_id.in_(sorted(reach)), ChangeLog.organisation_id.is_(None)))
    entries = session.execute(query.order_by(ChangeLog.cursor).limit(limit)).all()
    # Set-based from here: a query per table and chunk of 500, never one per entry (a first pull of
    # 10,000 hazards made 30,000 single-row queries; issue 23).
    event_ids = [entity_id for _cursor, entity, entity_id, _deleted in entries if entity == "event"]
    hazard_of_event: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in chunks(event_ids):
        hazard_of_event.update((event_id, hazard_id) for event_id, hazard_id in session.execute(
            select(HazardEvent.id, HazardEvent.hazard_id).where(HazardEvent.id.in_(chunk))))
    touched: dict[tuple[str, uuid.UUID], bool] = {}
    for _cursor, entity, entity_id, deleted in entries:
        if entity == "event":
            if (hazard_id := hazard_of_event.get(entity_id)) is not None:
                touched[("hazard", hazard_id)] = False
            continue
        touched[(entity, entity_id)] = deleted
    by_entity: dict[str, list[uuid.UUID]] = {}
    for entity, entity_id in touched:
        by_entity.setdefault(entity, []).append(entity_id)
    resolver = OrganisationResolver(session)
    items: list[dict[str, Any]] = []
    for entity, ids in by_entity.items():
        if entity == "hazard":
            items += _hazard_items(session, principal, parents, resolver, ids)
            continue
        model = CLOCKED.get(entity)
        if model is None:
            continue
        id_column = model.__table__.c.id
        found = {primary_key(obj): obj for chunk in chunks(ids)
                 for obj in session.scalars(select(model).where(id_column.in_(chunk)))}
        if entity == "attachment":
            resolver.preload_hazards([obj.hazard_id for obj in found.values()])  # type: ignore[attr-defined]
        for entity_id in ids:
            obj = found.get(entity_id)
            if obj is None:
                if touched[(entity, entity_id)] and entity == "attachment":
                    items.append({"entity": entity, "id": str(entity_id), "deleted": True})
                continue
            if principal.may_reach(resolver.of_row(entity, obj), parents):
                items.append(row_item(session, entity, obj))
    new_cursor = entries[-1][0] if entries else cursor
    signers = (event.get("signer") for item in items for event in item.get("events") or ())
    return {"items": sort_items(items), "cursor": new_cursor, "more": len(entries) == limit,
            "keys": signatures.keys_payload(session, signers)}
