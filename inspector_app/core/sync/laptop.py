"""A laptop's side of the shared ledger: what it has to send, and merging what it receives.

Received rows are merged by clock (the newer row wins, a local change not yet sent stays); a received
hazard brings the server's whole history, which this ledger adopts, re-appending its own unsent
events after it (core.sync.chains.rebase). Everything received in one page is written in one
transaction together with the cursor, so an interrupted sync resumes where it stopped, and a page
received twice changes nothing the second time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspector_app.core import audit
from inspector_app.core.audit import GENESIS
from inspector_app.core.db import open_transaction
from inspector_app.core.models import (
    Base,
    ChangeLog,
    Hazard,
    HazardEvent,
    Notice,
    Replica,
    Site,
    SupersededToken,
    SyncHead,
)
from inspector_app.core.sync import tracking
from inspector_app.core.sync.chains import (
    ChainError,
    ReceivedEvent,
    add_superseded,
    chain_of,
    check_links,
    check_row_matches,
    event_from_json,
    event_to_json,
    rebase,
    set_row,
)
from inspector_app.core.sync.entities import (
    CLOCKED,
    OrganisationResolver,
    chunks,
    file_of,
    held_references,
    missing_reference,
    primary_key,
    row_item,
    row_to_json,
    row_values,
)
from inspector_app.core.sync.server import replace_links, sort_items
from inspector_app.i18n import _


@dataclass
class MergeReport:
    pulled: int = 0
    conflicts: int = 0
    renumbered: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The items that could not be applied, with the reason (kept aside by core.sync.set_aside).
    failed: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    applied: list[tuple[str, str]] = field(default_factory=list)  # (entity, id) of each item that landed


def replica(session: Session) -> Replica:
    found = session.scalars(select(Replica).limit(1)).first()
    assert found is not None, "open_database makes the replica row"
    return found


# --- what to send ---

@dataclass
class Outgoing:
    items: list[dict[str, Any]]
    up_to: int  # this ledger's change-log cursor the items cover
    files: set[str]


def pending(session: Session, push_cursor: int) -> Outgoing:
    """Every local change after ``push_cursor``: rows as they are now, hazards with unsent events.

    Read table by table (one query per table and chunk), since a first sync sends thousands."""
    up_to = session.scalar(select(func.max(ChangeLog.cursor))) or 0
    rows = session.execute(select(ChangeLog.entity, ChangeLog.entity_id).where(
        ChangeLog.cursor > push_cursor, ChangeLog.cursor <= up_to, ChangeLog.source == "local").distinct()).all()
    by_entity: dict[str, list[uuid.UUID]] = {}
    for entity, entity_id in rows:
        by_entity.setdefault(entity, []).append(entity_id)
    items: list[dict[str, Any]] = []
    files: set[str] = set()
    for entity, ids in by_entity.items():
        if entity not in CLOCKED:
            continue
        model = CLOCKED[entity]
        id_column = model.__table__.c.id
        found = {primary_key(obj): obj for chunk in chunks(ids)
                 for obj in session.scalars(select(model).where(id_column.in_(chunk)))}
        for entity_id in dict.fromkeys(ids):
            obj = found.get(entity_id)
            if obj is None:
                if entity == "attachment":
                    items.append({"entity": entity, "id": str(entity_id), "deleted": True})
                continue
            item = row_item(session, entity, obj)
            if digest := file_of(item):
                files.add(digest)
            items.append(item)
    hazard_ids = set(by_entity.get("hazard", []))
    for chunk in chunks(by_entity.get("event", [])):
        hazard_ids.update(session.scalars(select(HazardEvent.hazard_id).where(HazardEvent.id.in_(chunk))))
    for chunk in chunks(sorted(hazard_ids)):
        hazards = {h.id: h for h in session.scalars(select(Hazard).where(Hazard.id.in_(chunk)))}
        heads = {h.hazard_id: h for h in session.scalars(select(SyncHead).where(SyncHead.hazard_id.in_(chunk)))}
        events: dict[uuid.UUID, list[HazardEvent]] = {}
        for event in session.scalars(select(HazardEvent).where(HazardEvent.hazard_id.in_(chunk))
                                     .order_by(HazardEvent.hazard_id, HazardEvent.seq)):
            head = heads.get(event.hazard_id)
            if event.seq > (head.seq if head else 0):
                events.setdefault(event.hazard_id, []).append(event)
        superseded: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for token in session.scalars(select(SupersededToken).where(SupersededToken.hazard_id.in_(chunk))):
            superseded.setdefault(token.hazard_id, []).append(row_to_json(token))
        for hazard_id in chunk:
            hazard = hazards.get(hazard_id)
            if hazard is None:
                continue  # recorded by mistake and undone before it was ever sent
            head = heads.get(hazard_id)
            items.append({"entity": "hazard", "row": row_to_json(hazard),
                          "events": [event_to_json(e) for e in events.get(hazard_id, [])],
                          "superseded": superseded.get(hazard_id, []),
                          "base": [head.seq, head.hash] if head else [0, GENESIS]})
    return Outgoing(sort_items(items), up_to, files)


def record_pushed(session: Session, items: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    """Remember which hazard events the server now holds."""
    accepted = {(r["entity"], r["id"]) for r in results if r["status"] in ("accepted", "unchanged")}
    latest: dict[uuid.UUID, tuple[int, str]] = {}
    for item in items:
        if item["entity"] != "hazard" or ("hazard", item["row"]["id"]) not in accepted or not item["events"]:
            continue
        last = item["events"][-1]
        latest[uuid.UUID(item["row"]["id"])] = (int(last["seq"]), str(last["hash"]))
    for chunk in chunks(list(latest)):
        heads = {h.hazard_id: h for h in session.scalars(select(SyncHead).where(SyncHead.hazard_id.in_(chunk)))}
        for hazard_id in chunk:
            seq, digest = latest[hazard_id]
            if hazard_id in heads:
                heads[hazard_id].seq, heads[hazard_id].hash = seq, digest
            else:
                session.add(SyncHead(hazard_id=hazard_id, seq=seq, hash=digest))


def set_head(session: Session, hazard_id: uuid.UUID, seq: int, digest: str) -> None:
    head = session.get(SyncHead, hazard_id)
    if head is None:
        session.add(SyncHead(hazard_id=hazard_id, seq=seq, hash=digest))
    else:
        head.seq, head.hash = seq, digest


# --- what arrives ---

def apply_page(session: Session, items: list[dict[str, Any]], actor: str, from_server: bool = True) -> MergeReport:
    """Merge one page of received rows and hazards into this ledger (inside the caller's transaction).

    ``from_server`` is False for a bundle: then nothing is recorded as held by the server, and a
    hazard whose diverging events the server already holds is left for a sync to settle.

    Set-based (issue 23): what the page's rows would each ask is read once (_PageState); each row is
    checked in Python and the rows of one table are written together with SQLAlchemy Core (one
    executemany per table and kind of write, their change-log entries in one more), without an ORM
    object or a savepoint per row. Only what needs the ORM goes one at a time, each in a savepoint so
    that it is set aside alone: a hazard with unsent events of ours (rebased, maybe into conflicts),
    one whose number may clash with ours, a notice or review (their links), a deletion, a row that
    fails a check (to say why). A batch that meets a constraint goes again that way, row by row.
    """
    report = MergeReport()
    session.info["sync_source"] = "pulled"
    tracker = tracking.tracker_of(session)
    open_transaction(session)  # the page and its savepoints in one transaction, the cursor with it
    if session.connection().dialect.name == "sqlite":
        session.execute(text("PRAGMA defer_foreign_keys=ON"))
    page = _PageState.read(session, items)

    def merge_one(item: dict[str, Any]) -> None:
        entity = str(item.get("entity"))
        try:
            with session.begin_nested():
                if entity == "hazard":
                    _merge_hazard(session, item, actor, report, from_server, page)
                elif entity in CLOCKED:
                    _merge_row(session, entity, item, tracker, page)
                else:
                    raise ValueError(f"unknown kind of record '{entity}'")
        except (ChainError, ValueError, KeyError, TypeError, IntegrityError) as exc:
            problem = str(exc.orig).splitlines()[0] if isinstance(exc, IntegrityError) else str(exc)
            report.problems.append(_("received {entity} {id}: {problem}").format(
                entity=entity, id=item_key(item)[1], problem=problem))
            report.failed.append((item, problem))
        else:
            report.pulled += 1
            report.applied.append(item_key(item))

    batch = _Batch(page.organisations)

    def write_batch() -> None:
        if not batch.items:
            return
        session.flush()  # whatever the ORM holds goes first: the batch may name it
        try:
            with session.begin_nested():
                batch.write(session)
        except IntegrityError:
            for item in batch.items:  # again one at a time, so only the clashing row is set aside
                merge_one(item)
        else:
            report.pulled += len(batch.items)
            report.applied += [item_key(item) for item in batch.items]
        batch.clear()

    try:
        entity = None
        for item in sort_items(items):
            if item.get("entity") != entity:
                write_batch()  # the rows of the next table may name those waiting
                entity = item.get("entity")
            if entity == "hazard":
                planned = _plan_hazard(session, item, page, from_server, batch)
            else:
                planned = _plan_row(session, item, page, tracker, batch)
            if planned:
                continue
            write_batch()
            merge_one(item)
        write_batch()
    finally:
        session.info["sync_source"] = "local"
    return report


@dataclass
class _Batch:
    """Rows of one table (a hazard with its events, tokens and sync head) checked and waiting to be
    written together; ``items`` are the received items they come from, in order."""

    organisations: OrganisationResolver | None  # PostgreSQL's change log names each row's organisation
    items: list[dict[str, Any]] = field(default_factory=list)
    inserts: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    logged: dict[tuple[str, uuid.UUID], uuid.UUID | None] = field(default_factory=dict)

    def insert(self, table: Table, values: dict[str, Any]) -> None:
        self.inserts.setdefault(table, []).append(values)

    def update(self, table: Table, key: str, values: dict[str, Any]) -> None:
        self.updates.setdefault(table, []).append({**{k: v for k, v in values.items() if k != key},
                                                   "_key": values[key]})

    def log(self, entity: str, row_id: uuid.UUID, organisation: Callable[[], uuid.UUID | None]) -> None:
        self.logged[(entity, row_id)] = organisation() if self.organisations is not None else None

    def write(self, session: Session) -> None:
        """Inserts table by table in the order they were first asked for (a hazard before its
        events), then updates, then the change log: an executemany per table and set of columns."""
        connection = session.connection()
        for table, rows in self.inserts.items():
            for group in _same_columns(rows):
                connection.execute(insert(table), group)
        for table, rows in self.updates.items():
            key = next(iter(table.primary_key.columns))
            for group in _same_columns(rows):
                connection.execute(update(table).where(key == bindparam("_key")), group)
        tracking.log_written(session, self.logged)

    def clear(self) -> None:
        self.items, self.inserts, self.updates, self.logged = [], {}, {}, {}


def _same_columns(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """An executemany binds the columns of its first row: rows that carry other columns (a bundle
    from an older version leaves out a newer column, which then takes its default) go separately."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return list(groups.values())


def _plan_row(session: Session, item: dict[str, Any], page: _PageState, tracker: tracking.Tracker | None,
              batch: _Batch) -> bool:
    """Add a received row of a kind without links (a photo, a checklist answer, a building, ...) to
    the batch, merged as _merge_row merges it: new, or newer than ours by its clock (an older or equal
    one changes nothing). False where the row needs _merge_row (a deletion, links, a reference this
    ledger lacks, a field that does not check out: it says why)."""
    entity = str(item.get("entity"))
    model = CLOCKED.get(entity)
    if model is None or item.get("deleted") or item.get("links") is not None or entity in ("notice", "review"):
        return False
    try:
        values = row_values(model, item["row"])
        row_id = values["id"]
    except (ValueError, KeyError, TypeError):
        return False
    held = page.rows.setdefault(entity, {})
    clock = str(values.get("sync_clock", ""))
    if row_id in held and clock <= held[row_id]:
        if tracker is not None:
            tracker.clock.receive(clock)
        batch.items.append(item)  # ours is newer: it goes up with the next push
        return True
    try:
        if missing_reference(session, model, values, None, page.present):
            return False
    except (ValueError, KeyError, TypeError):
        return False
    if tracker is not None:
        tracker.clock.receive(clock)
    table = model.__table__
    assert isinstance(table, Table)
    if row_id in held:
        batch.update(table, "id", values)
    else:
        batch.insert(table, values)
    held[row_id] = clock
    batch.log(entity, row_id, lambda: page.organisations.of_values(entity, values) if page.organisations else None)
    batch.items.append(item)
    return True


def _plan_hazard(session: Session, item: dict[str, Any], page: _PageState, from_server: bool,
                 batch: _Batch) -> bool:
    """Add a received hazard to the batch where merging it is writing rows: a hazard this ledger
    never held, or one whose history here is a beginning of the server's (its new events are
    appended and its row becomes the server's), each checked as _merge_hazard checks it. False where
    anything is not that simple (unsent events of ours to rebase, a number that may clash with one of
    ours, a hazard it follows up, a check that fails), and _merge_hazard then does it, or says why not."""
    try:
        values = row_values(Hazard, item["row"])
        hazard_id, number = values["id"], str(values.get("number", "?"))
        local = page.chains.get(hazard_id)
        if (local is None and values.get("site_id") in page.unsent_sites) or values.get("previous_hazard_id"):
            return False
        chain = [ReceivedEvent.from_json(e) for e in item.get("events", [])]
        if local is not None and [e.hash for e in chain[:len(local)]] != local:
            return False  # events of ours the server lacks: rebased by _merge_hazard
        check_links(number, hazard_id, chain, 1, GENESIS)
        check_row_matches(number, values, chain)
        if missing_reference(session, Hazard, values, None, page.present):
            return False
        tokens = [row_values(SupersededToken, t) for t in item.get("superseded", [])]
    except (ChainError, ValueError, KeyError, TypeError):
        return False
    if any(t["hazard_id"] != hazard_id for t in tokens) or len({t["token"] for t in tokens}) != len(tokens):
        return False
    hazards, events = Hazard.__table__, HazardEvent.__table__
    assert isinstance(hazards, Table) and isinstance(events, Table)
    resolver = page.organisations

    def organisation() -> uuid.UUID | None:
        return resolver.of_site(values.get("site_id")) if resolver else None

    new_events = chain[len(local or ()):]
    if local is None:
        batch.insert(hazards, values)
        batch.log("hazard", hazard_id, organisation)
    elif new_events:  # as _merge_hazard: the row becomes the server's only with the events that made it
        batch.update(hazards, "id", values)
        batch.log("hazard", hazard_id, organisation)
    for event in new_events:
        batch.insert(events, event.values)
        batch.log("event", event.values["id"], organisation)
    known = page.tokens.get(hazard_id, set())
    for token in tokens:
        if token["token"] not in known:
            batch.insert(SupersededToken.__table__, token)  # type: ignore[arg-type]
            batch.log("hazard", hazard_id, organisation)
    if chain and from_server:
        head = (chain[-1].seq, chain[-1].hash)
        held = page.heads.get(hazard_id)
        if held is None:
            batch.insert(SyncHead.__table__, {"hazard_id": hazard_id, "seq": head[0], "hash": head[1]})  # type: ignore[arg-type]
        elif held != head:
            batch.update(SyncHead.__table__, "hazard_id", {"hazard_id": hazard_id, "seq": head[0], "hash": head[1]})  # type: ignore[arg-type]
    # A second copy of the hazard in the page is then merged against this one.
    page.chains[hazard_id] = [e.hash for e in chain]
    if chain and from_server:
        page.heads[hazard_id] = (chain[-1].seq, chain[-1].hash)
    page.tokens[hazard_id] = known | {t["token"] for t in tokens}
    batch.items.append(item)
    return True


@dataclass
class _PageState:
    """What a page's items would otherwise each ask the ledger one row at a time, read once per page
    with Core queries (a first pull applied 600 hazards with ~5 single-row queries each; issue 23)."""

    chains: dict[uuid.UUID, list[str]]  # the page's hazards this ledger holds already: their events' hashes
    heads: dict[uuid.UUID, tuple[int, str]]  # ... how much of their history the server holds
    tokens: dict[uuid.UUID, set[str]]  # ... and their superseded tokens
    unsent_sites: set[uuid.UUID]  # sites with a hazard of ours never sent: only there can a number clash
    rows: dict[str, dict[Any, str]]  # of the page's other rows, those this ledger holds: their clocks, by kind
    organisations: OrganisationResolver | None  # on PostgreSQL, for the change log
    present: set[tuple[str, Any]] = field(default_factory=set)  # rows found by reference checks

    @classmethod
    def read(cls, session: Session, items: list[dict[str, Any]]) -> _PageState:
        ids: list[uuid.UUID] = []
        other: dict[str, list[uuid.UUID]] = {}
        named: list[tuple[type[Base], Any, Any]] = []
        for item in items:
            model = Hazard if item.get("entity") == "hazard" else CLOCKED.get(str(item.get("entity")))
            if model is not None:
                named.append((model, item.get("row"), item.get("links")))
            try:
                row_id = uuid.UUID(str(item["row"]["id"]))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # malformed, or a deletion: its own merge says so
            if item.get("entity") == "hazard":
                ids.append(row_id)
            elif item.get("entity") in CLOCKED:
                other.setdefault(str(item["entity"]), []).append(row_id)
        rows: dict[str, dict[Any, str]] = {}
        for entity, wanted in other.items():
            table = CLOCKED[entity].__table__
            rows[entity] = {row_id: str(clock or "") for chunk in chunks(wanted) for row_id, clock in session.execute(
                select(table.c.id, table.c.sync_clock).where(table.c.id.in_(chunk)))}
        chains: dict[uuid.UUID, list[str]] = {}
        heads: dict[uuid.UUID, tuple[int, str]] = {}
        tokens: dict[uuid.UUID, set[str]] = {}
        for chunk in chunks(ids):
            held = session.scalars(select(Hazard.id).where(Hazard.id.in_(chunk)))
            chains.update((hazard_id, []) for hazard_id in held)
            for hazard_id, digest in session.execute(select(HazardEvent.hazard_id, HazardEvent.hash).where(
                    HazardEvent.hazard_id.in_(chunk)).order_by(HazardEvent.hazard_id, HazardEvent.seq)):
                chains[hazard_id].append(digest)
            heads.update((hazard_id, (seq, digest)) for hazard_id, seq, digest in session.execute(
                select(SyncHead.hazard_id, SyncHead.seq, SyncHead.hash).where(SyncHead.hazard_id.in_(chunk))))
            for hazard_id, token in session.execute(select(SupersededToken.hazard_id, SupersededToken.token).where(
                    SupersededToken.hazard_id.in_(chunk))):
                tokens.setdefault(hazard_id, set()).add(token)
        unsent = set(session.scalars(select(Hazard.site_id).where(
            ~select(SyncHead.hazard_id).where(SyncHead.hazard_id == Hazard.id).exists()).distinct()))
        resolver = OrganisationResolver(session) if session.connection().dialect.name == "postgresql" else None
        return cls(chains, heads, tokens, unsent, rows, resolver, held_references(session, named))


def item_key(item: dict[str, Any]) -> tuple[str, str]:
    """(entity, id) of a received item, as the set-aside table keys it."""
    return str(item.get("entity"))[:30], str((item.get("row") or {}).get("id", item.get("id")))[:40]


def _require_references(model: type, values: dict[str, Any], links: Any, session: Session,
                        page: _PageState | None = None) -> None:
    missing = missing_reference(session, model, values, links, page.present if page else None)
    if missing:
        raise ValueError(_("it names {row}, which this laptop does not have").format(row=missing))


def _merge_row(session: Session, entity: str, item: dict[str, Any], tracker: tracking.Tracker | None,
               page: _PageState) -> None:
    model = CLOCKED[entity]
    if item.get("deleted"):
        existing = session.get(model, uuid.UUID(str(item["id"])))
        if existing is not None:
            session.delete(existing)
            session.flush()
        return
    values = row_values(model, item["row"])
    if tracker is not None:
        tracker.clock.receive(str(values.get("sync_clock", "")))
    existing = session.get(model, values["id"])
    if existing is not None and str(values.get("sync_clock", "")) <= existing.sync_clock:  # type: ignore[attr-defined]
        return  # ours is newer: it goes up with the next push
    _require_references(model, values, item.get("links"), session, page)
    if entity == "notice" and existing is None:
        _free_notice_number(session, values)
    if existing is None:
        session.add(model(**values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    session.flush()
    if item.get("links") is not None:
        replace_links(session, entity, values["id"], item["links"])


def _merge_hazard(session: Session, item: dict[str, Any], actor: str, report: MergeReport,
                  from_server: bool, page: _PageState) -> None:
    values = row_values(Hazard, item["row"])
    hazard_id, number = values["id"], values.get("number", "?")
    server_chain = [event_from_json(e) for e in item.get("events", [])]
    check_links(number, hazard_id, server_chain, 1, GENESIS)
    check_row_matches(number, values, server_chain)
    _require_references(Hazard, values, None, session, page)
    existing = session.get(Hazard, hazard_id)
    local = chain_of(session, hazard_id) if existing is not None else []
    common = 0
    while (common < len(local) and common < len(server_chain)
           and local[common].hash == server_chain[common].hash):
        common += 1
    local_only, server_new = local[common:], server_chain[common:]
    held = session.get(SyncHead, hazard_id)
    if not from_server and local_only and server_new and held is not None and held.seq > common:
        raise ValueError(_("hazard {number} has changes the central server already holds; sync with the server "
                           "instead").format(number=number))
    if existing is None and values.get("site_id") in page.unsent_sites:
        _free_hazard_number(session, values, actor, report)
    if server_new:
        if local_only:
            session.execute(delete(HazardEvent).where(HazardEvent.id.in_([e.id for e in local_only])))
            session.flush()
        hazard = set_row(session, existing, values)
        session.flush()
        for event in server_new:
            session.add(event)
        session.flush()
        if local_only:
            head = (server_chain[-1].seq, server_chain[-1].hash)
            result = rebase(session, hazard, local_only, server_new, head)
            report.conflicts += result.conflicts
            session.flush()
            tracking.log_change(session, "hazard", hazard_id)  # the rebased events still have to go up
    add_superseded(session, hazard_id, item.get("superseded", []))
    if server_chain and from_server:
        if held is None:
            session.add(SyncHead(hazard_id=hazard_id, seq=server_chain[-1].seq, hash=server_chain[-1].hash))
        else:
            held.seq, held.hash = server_chain[-1].seq, server_chain[-1].hash


def _free_hazard_number(session: Session, incoming: dict[str, Any], actor: str, report: MergeReport) -> None:
    """A hazard of ours never sent that holds the number a received one has: ours takes the next one.

    Only hazards written before this laptop had its number block can meet this; the received one
    reached the server first, so it keeps the number. The QR on a printed notice carries the
    token, not the number, and keeps working; the history says what happened.
    """
    clash = session.scalars(select(Hazard).where(Hazard.site_id == incoming["site_id"],
                                                 Hazard.seq == incoming["seq"], Hazard.id != incoming["id"])).first()
    if clash is None or session.get(SyncHead, clash.id) is not None:
        return
    site = session.get(Site, clash.site_id)
    assert site is not None
    old_number = clash.number
    session.info["sync_source"] = "local"
    try:
        new_seq = max(tracking.next_hazard_seq(session, site.id), int(incoming["seq"]) + 1)
        clash.seq = new_seq
        clash.number = f"{site.code}-{new_seq:04d}"
        session.flush()
        audit.append_event(session, clash, "renumbered", actor, changes={"number": [old_number, clash.number]},
                           note=_("Another laptop gave the number {old} to another hazard first.").format(
                               old=old_number), extra={"seq": new_seq})
        session.flush()
    finally:
        session.info["sync_source"] = "pulled"
    report.renumbered.append(f"{old_number} → {clash.number}")


def _free_notice_number(session: Session, incoming: dict[str, Any]) -> None:
    clash = session.scalars(select(Notice).where(
        Notice.organisation_id == incoming.get("organisation_id"), Notice.prefix == incoming["prefix"],
        Notice.year == incoming["year"], Notice.seq == incoming["seq"], Notice.id != incoming["id"])).first()
    if clash is None:
        return
    from inspector_app.core.notice_register import format_number

    session.info["sync_source"] = "local"
    try:
        clash.seq = max(tracking.next_notice_seq(session, clash.prefix, clash.year, clash.organisation_id),
                        int(incoming["seq"]) + 1)
        clash.number = format_number(clash.prefix, clash.year, clash.seq)
        session.flush()
    finally:
        session.info["sync_source"] = "pulled"
