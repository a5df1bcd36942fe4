"""The central ledger's side of a push: each row checked, all or nothing per row (core.sync.pull_pages
hands out the pull). Called by the sync API (web/sync/api.py) with the account it checked.

Every pushed row is checked before it is written: the account must reach the row's organisation
(before and after the change), the files it names must have arrived, and a hazard's history must
continue the server's chain with intact hashes and give exactly the row that was sent. Each refusal
is answered with its reason and recorded in sync_refusals; the rest of the push still lands.
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspector_app.core import signatures
from inspector_app.core.accounts import Principal, organisation_parents
from inspector_app.core.audit import GENESIS
from inspector_app.core.db import open_transaction
from inspector_app.core.errors import InspectorError
from inspector_app.core.event_rules import EventRuleError, check_new_events
from inspector_app.core.models import (
    Attachment,
    Base,
    ChangeLog,
    Hazard,
    HazardEvent,
    KnownReplica,
    SupersededToken,
    SyncRefusal,
    notice_hazards,
    review_hazards,
    utcnow,
)
from inspector_app.core.store import FileStore
from inspector_app.core.sync.chains import (
    ChainError,
    add_superseded,
    check_links,
    check_row_matches,
    event_from_json,
    set_row,
)
from inspector_app.core.sync.entities import (
    CLOCKED,
    FILE_COLUMNS,
    OrganisationResolver,
    chunks,
    entity_order,
    primary_key,
    row_values,
)
from inspector_app.core.sync.file_access import readable_files
from inspector_app.core.sync.push_checks import (
    author_refusal,
    clock_refusal,
    hazard_row_refusal,
    link_refusal,
    organisation_refusal,
    reference_refusal,
)
from inspector_app.i18n import _, ngettext

log = logging.getLogger("inspector_app.sync")
# Rows in one push: the laptop sends 1,000 at a time (core.sync.run.PUSH_BATCH); a push of more is
# refused whole, so no token can keep a worker busy for a minute or fill every laptop's next pull.
MAX_PUSH_ITEMS = 2000
# Links a notice or review may carry (a per-unit notice covers the unit's hazards of one visit).
MAX_LINKS = 500
# Refusals of one push written to sync_refusals and the log one by one; the rest are counted in one line.
REFUSALS_RECORDED = 20


class _Refused(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


_SINGLE = object()  # an item the batch leaves to the one-at-a-time path


class _Deferred:
    """A write that is checked already but done in the batch's write phase, answering ``status``."""

    def __init__(self, write: Any, status: str = "accepted") -> None:
        self.write, self.status = write, status

    def __call__(self) -> Any:
        return self.write()


def _item_id(item: dict[str, Any]) -> str:
    return str((item.get("row") or {}).get("id") or item.get("id") or "")


def _malformed(entity: str, item: dict[str, Any], problem: Exception) -> _Refused:
    return _Refused("malformed", _("{entity} {id}: malformed ({problem})").format(
        entity=entity, id=_item_id(item), problem=problem))


def _stale(number: str) -> _Refused:
    return _Refused("stale", _("hazard {number}: the server's history moved on; pull first").format(number=number))


def _links(item: dict[str, Any]) -> list[str] | None:
    """The hazards a notice or review names, checked to be ids; None for rows that carry none."""
    links = item.get("links")
    if links is None:
        return None
    if not isinstance(links, list) or len(links) > MAX_LINKS:
        raise ValueError(f"links must be a list of at most {MAX_LINKS} hazard ids")
    return [str(uuid.UUID(str(link))) for link in links]


def _printable(text: str, limit: int) -> str:
    """A sender's text as a refusal record keeps it: without NUL (PostgreSQL text holds none), bounded."""
    return str(text).replace("\x00", "\ufffd")[:limit]


class PushTooLarge(InspectorError):
    """A push of more rows than one request may carry."""


def sort_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before children: by table, then organisations and hazards that refer to others later."""
    def key(item: dict[str, Any]) -> int:
        return entity_order(str(item.get("entity")))

    ordered = sorted(items, key=key)
    by_id = {str((i.get("row") or {}).get("id")): i for i in ordered if i.get("entity") in ("organisation", "hazard")}
    reference = {"organisation": "parent_id", "hazard": "previous_hazard_id"}
    depth: dict[str, int] = {}

    def depth_of(item_id: str, seen: frozenset[str] = frozenset()) -> int:
        if item_id in depth:
            return depth[item_id]
        item = by_id[item_id]
        parent = str((item.get("row") or {}).get(reference[item["entity"]]))
        result = 0 if parent not in by_id or parent in seen else 1 + depth_of(parent, seen | {item_id})
        depth[item_id] = result
        return result

    return sorted(ordered, key=lambda i: (key(i), depth_of(str(i["row"].get("id")))
                                          if i.get("entity") in reference and i.get("row") else 0))


class PushApplier:
    def __init__(self, session: Session, store: FileStore, principal: Principal, replica_id: uuid.UUID | None) -> None:
        self.session, self.store, self.principal, self.replica_id = session, store, principal, replica_id
        self.parents = organisation_parents(session)
        self.resolver = OrganisationResolver(session)
        self.after_photos: set[uuid.UUID] = set()
        self.refusals = 0
        self.files_named: set[str] = set()  # of a batch's files, those some row on the server names
        self.files_readable: set[str] = set()  # ... and of those, the ones this account may read
        self.keys = signatures.pushing_keys(session, principal.token_id, replica_id)
        self.known_laptops: dict[str, bool] = {}  # origin named by an event -> registered on this server

    def _learn_files(self, digests: set[str]) -> None:
        """Which of these files rows on the server name already, and which of those the account may read."""
        named: set[str] = set()
        for entity, column_name in FILE_COLUMNS.items():
            column = getattr(CLOCKED[entity], column_name)
            for chunk in chunks(sorted(digests - named)):
                named.update(self.session.scalars(select(column).where(column.in_(chunk)).distinct()))
        self.files_named = named
        self.files_readable = readable_files(self.session, self.principal, named)

    def _reach(self, organisation_id: uuid.UUID | None, what: str) -> None:
        if organisation_id is None:
            raise _Refused("missing_parent", _("{what}: the site or organisation it belongs to is not on the server "
                                               "(send it first)").format(what=what))
        if not self.principal.may_reach(organisation_id, self.parents):
            raise _Refused("forbidden", _("{what}: the account of {inspector} may not change organisation "
                                          "{organisation}").format(what=what, inspector=self.principal.inspector,
                                                                   organisation=organisation_id))

    def apply(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Apply items table by table: each table's rows are checked against one read of what the
        server holds, then written in one flush. Should that flush meet a constraint, the table's
        rows are written again one by one, so only the clashing row is refused."""
        open_transaction(self.session)  # a ledger on SQLite: savepoints inside one transaction
        ordered = sort_items(list(items))
        results: list[dict[str, Any]] = []
        for entity, group in itertools.groupby(ordered, key=lambda item: str(item.get("entity"))):
            batch = list(group)
            if entity == "hazard":
                results += self._apply_batch(entity, batch, self._check_hazards)
            elif entity in CLOCKED:
                results += self._apply_batch(entity, batch, self._check_rows)
            else:
                results += [self._apply_single(entity, item) for item in batch]
        return results

    def _apply_batch(self, entity: str, batch: list[dict[str, Any]],
                     check: Any) -> list[dict[str, Any]]:
        answers: list[dict[str, Any] | None] = [None] * len(batch)
        writes: list[tuple[int, Any]] = []
        for index, item, outcome in check(batch):
            if isinstance(outcome, _Refused):
                answers[index] = self._refusal(entity, item, outcome)
            elif outcome is _SINGLE:
                answers[index] = self._apply_single(entity, item)
            elif callable(outcome):
                writes.append((index, outcome))
            else:
                answers[index] = {"entity": entity, "id": _item_id(item), "status": outcome}
        try:
            with self.session.begin_nested():
                for _index, write in writes:
                    write()
                self.session.flush()
        except IntegrityError:
            for index, _write in writes:  # one at a time, each in its own savepoint
                answers[index] = self._apply_single(entity, batch[index])
        else:
            for index, write in writes:
                status = write.status if isinstance(write, _Deferred) else "accepted"
                answers[index] = {"entity": entity, "id": _item_id(batch[index]), "status": status}
        return [answer for answer in answers if answer is not None]

    def _apply_single(self, entity: str, item: dict[str, Any]) -> dict[str, Any]:
        try:
            with self.session.begin_nested():
                status = self._apply_one(entity, item)
            return {"entity": entity, "id": _item_id(item), "status": status}
        except _Refused as refused:
            return self._refusal(entity, item, refused)
        except (ValueError, TypeError, KeyError) as exc:
            return self._refusal(entity, item, _malformed(entity, item, exc))

    def _refusal(self, entity: str, item: dict[str, Any], refused: _Refused) -> dict[str, Any]:
        item_id = _item_id(item)
        if refused.code != "stale":
            self._record_refusal(entity, item_id, refused.reason)
        return {"entity": entity, "id": item_id, "status": refused.code, "reason": refused.reason}

    def _check_rows(self, batch: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any], Any]]:
        entity = str(batch[0].get("entity"))
        model = CLOCKED[entity]
        parsed: list[tuple[int, dict[str, Any], dict[str, Any] | None, Any]] = []
        for index, item in enumerate(batch):
            if item.get("deleted"):
                parsed.append((index, item, None, None))
                continue
            try:
                _links(item)  # checked here, so a malformed list is a malformed row
                parsed.append((index, item, row_values(model, item["row"]), None))
            except (ValueError, TypeError, KeyError) as exc:
                parsed.append((index, item, None, _malformed(entity, item, exc)))
        ids = [values["id"] for _i, _item, values, _e in parsed if values is not None]
        id_column = model.__table__.c.id
        existing = {primary_key(obj): obj for chunk in chunks(ids)
                    for obj in self.session.scalars(select(model).where(id_column.in_(chunk)))}
        if entity in ("attachment",):
            self.resolver.preload_hazards([v["hazard_id"] for _i, _item, v, _e in parsed if v and v.get("hazard_id")])
        file_column = FILE_COLUMNS.get(entity)
        if file_column:
            self._learn_files({v[file_column] for _i, _item, v, _e in parsed if v and v.get(file_column)})
        for index, item, values, error in parsed:
            if error is not None:
                yield index, item, error
                continue
            if values is None:  # a deletion: rare, done on its own
                yield index, item, _SINGLE
                continue
            try:
                outcome = self._check_row(entity, model, item, values, existing.get(values["id"]))
            except _Refused as refused:
                outcome = refused
            yield index, item, outcome

    def _check_row(self, entity: str, model: type[Base], item: dict[str, Any], values: dict[str, Any],
                   existing: Any) -> Any:
        links = _links(item)
        what = f"{entity} {values['id']}"
        organisation = self.resolver.of_values(entity, values, links)
        self._reach(organisation, what)
        if existing is not None:
            self._reach(self.resolver.of_row(entity, existing), what)
            if str(values.get("sync_clock", "")) <= existing.sync_clock:
                return "unchanged"
        refusal = clock_refusal(what, values)
        if refusal:
            raise _Refused("clock", refusal)
        assert organisation is not None  # _reach refused a row without one
        refusal = reference_refusal(self.resolver, model, what, values, links, organisation)
        if refusal:
            raise _Refused("reference", refusal)
        if entity == "organisation":
            refusal = organisation_refusal(self.principal, existing, values)
            if refusal:
                raise _Refused("forbidden", refusal)
        if entity in ("rectification_link", "review_link"):
            refusal = link_refusal(what, existing, values)
            if refusal:
                raise _Refused("forbidden", refusal)
        file_column = FILE_COLUMNS.get(entity)
        digest = values.get(file_column) if file_column else None
        # A file another organisation's rows name is, for this account, a file that has not arrived:
        # naming a hash in a row of its own must not open someone else's photo to it (the same answer
        # as for a file the server lacks, so the refusal tells nothing of what the server holds).
        foreign = digest in self.files_named and digest not in self.files_readable
        if digest and (foreign or self.store.find(digest) is None):
            raise _Refused("file_missing", _("{what}: its file {hash} has not arrived").format(
                what=what, hash=digest[:12]))
        self.resolver.remember(model.__tablename__, values["id"], organisation)  # later rows of the push may name it

        def write() -> None:
            if existing is None:
                self.session.add(model(**values))
            else:
                for key, value in values.items():
                    setattr(existing, key, value)
            if links is not None:
                self.session.flush()
                replace_links(self.session, entity, values["id"], links)
            if entity == "organisation":
                self.parents[values["id"]] = values.get("parent_id")

        return write

    def _check_hazards(self, batch: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any], Any]]:
        parsed: list[tuple[int, dict[str, Any], Any, Any]] = []
        for index, item in enumerate(batch):
            try:
                values = row_values(Hazard, item["row"])
                missing = [key for key in ("site_id", "seq", "number") if values.get(key) is None]
                if missing:
                    raise ValueError(f"the row has no {', '.join(missing)}")
                for token in item.get("superseded", []):
                    if row_values(SupersededToken, token).get("hazard_id") != values["id"]:
                        raise ValueError("a superseded token of another hazard")
                parsed.append((index, item, values, [event_from_json(e) for e in item.get("events", [])]))
            except (ValueError, TypeError, KeyError) as exc:
                parsed.append((index, item, None, _malformed("hazard", item, exc)))
        ids = [values["id"] for _i, _item, values, _e in parsed if values is not None]
        existing = {h.id: h for chunk in chunks(ids)
                    for h in self.session.scalars(select(Hazard).where(Hazard.id.in_(chunk)))}
        chains: dict[uuid.UUID, list[HazardEvent]] = {}
        for chunk in chunks(list(existing)):
            for event in self.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id.in_(chunk))
                                              .order_by(HazardEvent.hazard_id, HazardEvent.seq)):
                chains.setdefault(event.hazard_id, []).append(event)
        self.after_photos = {hazard_id for chunk in chunks(list(existing)) for hazard_id in self.session.scalars(
            select(Attachment.hazard_id).where(Attachment.hazard_id.in_(chunk), Attachment.role == "after"))}
        new_sites = {values["site_id"] for _i, _item, values, _e in parsed
                     if values is not None and values["id"] not in existing}
        taken = {(row.site_id, row.seq): row.id for site in new_sites for row in self.session.execute(
            select(Hazard.site_id, Hazard.seq, Hazard.id).where(Hazard.site_id == site))}
        for index, item, values, events in parsed:
            if values is None:
                yield index, item, events
                continue
            try:
                outcome = self._check_hazard(item, values, events, existing.get(values["id"]),
                                             chains.get(values["id"], []), taken)
            except _Refused as refused:
                outcome = refused
            yield index, item, outcome

    def _check_hazard(self, item: dict[str, Any], values: dict[str, Any], events: list[HazardEvent],
                      existing: Hazard | None, chain: list[HazardEvent],
                      taken: dict[tuple[uuid.UUID, int], uuid.UUID]) -> Any:
        hazard_id, number = values["id"], values.get("number", "?")
        self._reach(self.resolver.of_values("hazard", values), _("hazard {number}").format(number=number))
        if existing is not None:
            self._reach(self.resolver.of_site(existing.site_id), _("hazard {number}").format(number=number))
        known = {e.id: e.hash for e in chain}
        if any(e.id in known and known[e.id] != e.hash for e in events):
            raise _stale(number)
        new_events = [e for e in events if e.id not in known]
        superseded = item.get("superseded", [])
        if not new_events:
            if superseded:
                return _Deferred(lambda: add_superseded(self.session, hazard_id, superseded), "unchanged")
            return "unchanged"
        head = (chain[-1].seq, chain[-1].hash) if chain else (0, GENESIS)
        if (new_events[0].seq, new_events[0].prev_hash) != (head[0] + 1, head[1]):
            raise _stale(number)
        try:
            check_links(number, hazard_id, new_events, head[0] + 1, head[1])
            check_row_matches(number, values, chain + new_events)
        except ChainError as exc:
            raise _Refused("tampered", str(exc)) from exc
        now = utcnow()
        try:
            check_new_events(number, chain, new_events, now, hazard_id in self.after_photos)
        except EventRuleError as exc:
            raise _Refused("workflow", str(exc)) from exc
        what = _("hazard {number}").format(number=number)
        organisation = self.resolver.of_values("hazard", values)
        assert organisation is not None  # _reach refused a hazard without one
        refusal = hazard_row_refusal(number, existing, values, new_events, now)
        if refusal:
            raise _Refused("workflow", refusal)
        refusal = author_refusal(self.principal, number, new_events)
        if refusal:
            raise _Refused("forbidden", refusal)
        refusal = reference_refusal(self.resolver, Hazard, what, values, None, organisation)
        if refusal:
            raise _Refused("reference", refusal)
        # After the rules, as the dearest check: whoever signed must be this token's own laptop.
        refusal = (signatures.signature_refusal(number, new_events, self.keys)
                   or self._origin_refusal(number, new_events))
        if refusal:
            raise _Refused("unsigned", refusal)
        if existing is None:
            holder = taken.get((values["site_id"], values["seq"]))
            if holder is not None and holder != hazard_id:
                raise _Refused("number_taken", _("hazard {number}: another laptop took this number first").format(
                    number=number))
            taken[(values["site_id"], values["seq"])] = hazard_id
        self.resolver.remember("hazards", hazard_id, organisation)  # its photos, later in the push, may name it

        def write() -> None:
            set_row(self.session, existing, values)
            for event in new_events:
                self.session.add(event)
            if superseded:
                self.session.flush()
                add_superseded(self.session, hazard_id, superseded)

        return write

    def _origin_refusal(self, number: str, events: list[HazardEvent]) -> str | None:
        """An event names the laptop it was written on: this one, or one that has synced with this
        server (an event a bundle carried from it); never a laptop the server has not met."""
        for event in events:
            origin = event.data.get("origin") if isinstance(event.data, dict) else None
            if origin is None or origin == str(self.replica_id):
                continue
            if origin not in self.known_laptops:
                try:
                    self.known_laptops[origin] = self.session.get(KnownReplica, uuid.UUID(str(origin))) is not None
                except ValueError:
                    self.known_laptops[origin] = False
            if not self.known_laptops[origin]:
                return _("hazard {number}: event {seq} says it was written on laptop {origin}, which has never "
                         "synced with this server").format(number=number, seq=event.seq, origin=str(origin)[:40])
        return None

    def _record_refusal(self, entity: str, item_id: str, reason: str) -> None:
        """The first refusals of a push are kept one by one; the rest only counted (``finish``), so a
        push of junk costs one line and one row, not one per item."""
        self.refusals += 1
        if self.refusals > REFUSALS_RECORDED:
            return
        log.warning("sync push refused: account %s (%s), laptop %s, %s %s: %s", self.principal.token_id,
                    self.principal.inspector, self.replica_id, entity, item_id, reason)
        self.session.add(SyncRefusal(token_id=self.principal.token_id, replica_id=self.replica_id,
                                     entity=_printable(entity, 30), entity_id=_printable(item_id, 40),
                                     reason=_printable(reason, 2000)))
        self.session.flush()

    def finish(self) -> None:
        more = self.refusals - REFUSALS_RECORDED
        if more <= 0:
            return
        reason = ngettext("and {count} more refusal in the same push", "and {count} more refusals in the same push",
                          more).format(count=more)
        log.warning("sync push refused: account %s (%s), laptop %s, %s", self.principal.token_id,
                    self.principal.inspector, self.replica_id, reason)
        self.session.add(SyncRefusal(token_id=self.principal.token_id, replica_id=self.replica_id, entity="push",
                                     entity_id="", reason=reason))
        self.session.flush()

    def _apply_one(self, entity: str, item: dict[str, Any]) -> str:
        """One item alone, by the same checks as a batch (the path for deletions, unknown kinds and
        a batch whose write met a constraint)."""
        if entity == "hazard":
            check: Any = self._check_hazards
            what = _("hazard {number}").format(number=(item.get("row") or {}).get("number", "?"))
        elif entity in CLOCKED:
            if item.get("deleted"):
                return self._apply_delete(entity, CLOCKED[entity], uuid.UUID(str(item["id"])))
            check, what = self._check_rows, f"{entity} {_item_id(item)}"
        else:
            raise _Refused("malformed", _("unknown kind of record '{entity}'").format(entity=entity))
        ((_index, _item, outcome),) = list(check([item]))
        if isinstance(outcome, _Refused):
            raise outcome
        if not callable(outcome):
            return str(outcome)
        try:
            outcome()
            self.session.flush()
        except IntegrityError as exc:
            raise _Refused("collision", _("{what}: clashes with a record already on the server ({problem})").format(
                what=what, problem=str(exc.orig).splitlines()[0])) from exc
        return outcome.status if isinstance(outcome, _Deferred) else "accepted"

    def _apply_delete(self, entity: str, model: type, row_id: uuid.UUID) -> str:
        if entity != "attachment":
            raise _Refused("malformed", _("{entity} records are never deleted").format(entity=entity))
        existing = self.session.get(model, row_id)
        if existing is None:
            return "unchanged"
        self._reach(self.resolver.of_row(entity, existing), f"{entity} {row_id}")
        self.session.delete(existing)
        self.session.flush()
        return "accepted"


def replace_links(session: Session, entity: str, row_id: uuid.UUID, links: list[str]) -> None:
    if entity == "notice":
        session.execute(delete(notice_hazards).where(notice_hazards.c.notice_id == row_id))
        for position, hazard_id in enumerate(links):
            session.execute(insert(notice_hazards).values(notice_id=row_id, hazard_id=uuid.UUID(str(hazard_id)),
                                                          position=position))
    elif entity == "review":
        session.execute(delete(review_hazards).where(review_hazards.c.review_id == row_id))
        for hazard_id in links:
            session.execute(insert(review_hazards).values(review_id=row_id, hazard_id=uuid.UUID(str(hazard_id))))


def push(session: Session, store: FileStore, principal: Principal, replica_id: uuid.UUID | None,
         items: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply a push; the answer lists every item's fate and the cursors this push's changes took.
    PushTooLarge for more than MAX_PUSH_ITEMS rows (nothing is applied)."""
    if len(items) > MAX_PUSH_ITEMS:
        raise PushTooLarge(_("A push carries at most {limit} rows; this one had {count}.").format(
            limit=MAX_PUSH_ITEMS, count=len(items)))
    session.info["sync_source"] = "pushed"
    session.info["token_id"] = principal.token_id
    before = session.scalar(select(func.max(ChangeLog.cursor))) or 0
    applier = PushApplier(session, store, principal, replica_id)
    results = applier.apply(items)
    applier.finish()
    session.flush()
    span = session.execute(select(func.min(ChangeLog.cursor), func.max(ChangeLog.cursor))
                           .where(ChangeLog.cursor > before, ChangeLog.token_id == principal.token_id)).one()
    cursor_range = [span[0], span[1]] if span[0] is not None else None
    return {"results": results, "cursor_range": cursor_range}
