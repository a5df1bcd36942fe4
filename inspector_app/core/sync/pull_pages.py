"""The central ledger's pull: the page of rows changed after a cursor that an account may reach
(issue 23, "City scale"). Read set-based, a query per table and chunk of ids; each hazard comes
whole with its history and superseded tokens, so a laptop never holds a row ahead of its events.
Called by the sync API (web/sync/api.py) with the account it checked; core.sync.server takes pushes.
"""

from __future__ import annotations

import json
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
# Bytes of items a page hands out (their JSON): a laptop on a slow link gets answers of a bounded
# size whatever the rows hold (a hazard's history with long notes, a photo's markup strokes). A page
# of 2,000 entries of ordinary hazards is ~2.3 MB (benchmarks/sync.py: 2.2 KB an item), so the entry
# limit still ends those; a single item larger than the budget goes alone.
PULL_PAGE_BYTES = 4 * 1024 * 1024
FIRST_GROUP = 20  # entries whose rows a page reads first, to weigh them (see _pull)


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


def pull(session: Session, principal: Principal, cursor: int, limit: int = PULL_PAGE_LIMIT,
         max_bytes: int | None = None) -> dict[str, Any]:
    """The page after ``cursor`` (see _pull)."""
    return _pull(session, principal, cursor, limit, max_bytes)[0]


def pull_json(session: Session, principal: Principal, cursor: int, limit: int = PULL_PAGE_LIMIT) -> bytes:
    """The page after ``cursor`` as the JSON the sync API answers, as Starlette's JSONResponse would
    encode it, but each item encoded once: the text that measured it for the byte budget is the text
    sent (encoding every item twice cost the pull a fifth more CPU)."""
    page, encoded = _pull(session, principal, cursor, limit, None)
    return b"".join([b'{"items":[', b",".join(encoded[id(item)] for item in page["items"]), b'],"cursor":',
                     _encode(page["cursor"]), b',"more":', _encode(page["more"]), b',"keys":', _encode(page["keys"]),
                     b"}"])


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


def _encode(value: Any) -> bytes:
    """As Starlette's JSONResponse encodes (one encoder: json.dumps with options builds one a call)."""
    return _ENCODER.encode(value).encode()


def _pull(session: Session, principal: Principal, cursor: int, limit: int,
          max_bytes: int | None) -> tuple[dict[str, Any], dict[int, bytes]]:
    """The rows changed after ``cursor`` that the account may reach, each in its current state; a
    hazard comes with its whole history, so a page never leaves a row ahead of its events.

    A page reads at most ``limit`` change-log entries and hands out at most ``max_bytes`` of items
    (their JSON, as UTF-8; PULL_PAGE_BYTES unless given), but always at least one item, so a hazard
    whose history alone is larger still moves. It stops before the first item over the budget: its
    cursor is that of the last entry whose row it carries (or that carries none), and the next page
    starts right after it, so pages together hand out what one unbounded page would, nothing missing
    and no entry read twice."""
    limit = max(1, min(limit, PULL_PAGE_LIMIT))
    budget = PULL_PAGE_BYTES if max_bytes is None else max_bytes
    parents = organisation_parents(session)
    query = select(ChangeLog.cursor, ChangeLog.entity, ChangeLog.entity_id, ChangeLog.deleted).where(
        ChangeLog.cursor > cursor)
    if not principal.is_admin:
        # Only the entries of the organisations this account reaches (and those whose organisation
        # was not known when they were logged): what it costs follows the account's organisations,
        # not the whole city's. Every row is still checked below as it is now.
        reach = principal.granted | {org for org in parents if principal.may_reach(org, parents)}
        query = query.where(or_(ChangeLog.organisation_id.in_(sorted(reach)), ChangeLog.organisation_id.is_(None)))
    entries = list(session.execute(query.order_by(ChangeLog.cursor).limit(limit)).all())
    resolver = OrganisationResolver(session)
    items: list[dict[str, Any]] = []
    encoded: dict[int, bytes] = {}  # each item's JSON, by id(item)
    sent: set[tuple[str, uuid.UUID]] = set()
    size, new_cursor, cut = 0, cursor, False
    # The entries' rows are read a group at a time, each group as many entries as the bytes left seem
    # to hold by what the entries read so far weighed (a first small group to weigh them): ordinary
    # pages read their entries in two groups, and a page of huge histories reads few more than it sends.
    done = 0
    while done < len(entries) and not cut:
        wanted = FIRST_GROUP if done == 0 else int((budget - size) / max(1.0, size / done) * 1.25) + 1
        group = entries[done:done + max(1, wanted)]
        done += len(group)
        keys, built = _items_of(session, principal, parents, resolver, group, sent)
        for (entry_cursor, *_rest), key in zip(group, keys, strict=True):
            if key is not None and key not in sent and (item := built.get(key)) is not None:
                text = _encode(item)
                if items and size + len(text) > budget:
                    cut = True
                    break
                items.append(item)
                encoded[id(item)] = text
                sent.add(key)
                size += len(text)
            new_cursor = entry_cursor
    signers = (event.get("signer") for item in items for event in item.get("events") or ())
    page = {"items": sort_items(items), "cursor": new_cursor, "more": cut or len(entries) == limit,
            "keys": signatures.keys_payload(session, signers)}
    return page, encoded


def _items_of(session: Session, principal: Principal, parents: dict[uuid.UUID, uuid.UUID | None],
              resolver: OrganisationResolver, entries: list[Any], skip: set[tuple[str, uuid.UUID]]
              ) -> tuple[list[tuple[str, uuid.UUID] | None], dict[tuple[str, uuid.UUID], dict[str, Any]]]:
    """For change-log entries (cursor, entity, id, deleted): the row each one names, as (entity, id)
    (an event names its hazard; None for an event whose hazard is gone), and the items of those rows
    the account reaches as they are now, by the same key, except the rows in ``skip`` (already in the
    page). Set-based: a query per table and chunk of 500, never one per entry (a first pull of 10,000
    hazards made 30,000 single-row queries; issue 23)."""
    event_ids = [entity_id for _cursor, entity, entity_id, _deleted in entries if entity == "event"]
    hazard_of_event: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in chunks(event_ids):
        hazard_of_event.update((event_id, hazard_id) for event_id, hazard_id in session.execute(
            select(HazardEvent.id, HazardEvent.hazard_id).where(HazardEvent.id.in_(chunk))))
    keys: list[tuple[str, uuid.UUID] | None] = []
    touched: dict[tuple[str, uuid.UUID], bool] = {}
    for _cursor, entity, entity_id, deleted in entries:
        if entity == "event":
            hazard_id = hazard_of_event.get(entity_id)
            keys.append(("hazard", hazard_id) if hazard_id is not None else None)
            if hazard_id is not None and ("hazard", hazard_id) not in skip:
                touched[("hazard", hazard_id)] = False
            continue
        keys.append((entity, entity_id))
        if (entity, entity_id) not in skip:
            touched[(entity, entity_id)] = deleted
    by_entity: dict[str, list[uuid.UUID]] = {}
    for entity, entity_id in touched:
        by_entity.setdefault(entity, []).append(entity_id)
    built: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    for entity, ids in by_entity.items():
        if entity == "hazard":
            built.update((("hazard", uuid.UUID(item["row"]["id"])), item)
                         for item in _hazard_items(session, principal, parents, resolver, ids))
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
                    built[(entity, entity_id)] = {"entity": entity, "id": str(entity_id), "deleted": True}
                continue
            if principal.may_reach(resolver.of_row(entity, obj), parents):
                built[(entity, entity_id)] = row_item(session, entity, obj)
    return keys, built
