"""One sync of a laptop with the server: say hello, pull every page, send changes and the files they name, and keep
the status (last success, pending changes, last error) that the program shows.

The order is pull, then push: pushing after pulling means our unsent events are already rebased onto
the server's history, so a push is refused as "stale" only when another laptop pushed in between;
then we pull and push again (a few rounds at most). The transport (HTTP, see web/sync/client.py)
is handed in, so this module speaks no HTTP.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, select

from inspector_app.core import signatures
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import ChangeLog, utcnow
from inspector_app.core.sync import laptop, set_aside, tracking
from inspector_app.core.sync.conflicts import open_conflicts
from inspector_app.core.sync.entities import file_of
from inspector_app.i18n import _

# Rows per push request: each request pays a token check, a transaction and a round trip; at 400 those
# were a fifth of a first sync (benchmarks/sync.py: 7.8 s -> 6.2 s for 6,000 hazards at 1,000; 2,000 gains
# nothing more). A batch of 1,000 rows is about 2.5 MB of JSON, far below the server's 64 MB limit.
PUSH_BATCH = 1000
MAX_ROUNDS = 4
Progress = Callable[[str, int, int], None]  # (phase, done, total)


class Transport(Protocol):
    def hello(self, replica_id: uuid.UUID, name: str, public_key: str | None = None) -> dict[str, Any]:
        """signatures.KeyTaken when the server will not bind ``public_key`` to this token and laptop."""
    def pull(self, cursor: int) -> dict[str, Any]: ...
    def push(self, replica_id: uuid.UUID, items: list[dict[str, Any]]) -> dict[str, Any]: ...
    def missing_files(self, hashes: list[str]) -> list[str]: ...
    def upload_many(self, files: list[tuple[str, str]], progress: Callable[[int, int], None] | None = None) -> None:
        """Send these (digest, path) files to the server's store; ``progress(done, total)``."""
    def download_many(self, digests: list[str], database: Database) -> int:
        """Put the files among ``digests`` that ``database.store`` lacks into it, each only once it
        hashes to its name; returns how many arrived. InspectorError naming a file that could not be
        had, after every file that could was kept."""


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    open_conflicts: int = 0
    files_sent: int = 0
    files_received: int = 0
    renumbered: list[str] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    device_index: int | None = None
    stale: dict[str, Any] = field(default_factory=dict)
    set_aside: list[dict[str, Any]] = field(default_factory=list)  # received rows this laptop could not apply

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _no_progress(_phase: str, _done: int, _total: int) -> None:
    return None


def synchronise(database: Database, transport: Transport, actor: str, server_url: str = "",
                progress: Progress = _no_progress) -> SyncReport:
    report = SyncReport()
    with database.session() as session:
        me = laptop.replica(session)
        me.last_attempt_at = utcnow()
        replica_id, name = me.id, me.name
    try:
        _run(database, transport, actor, replica_id, name, server_url, report, progress)
    except Exception as exc:
        with database.session() as session:
            laptop.replica(session).last_error = str(exc)[:2000]
        raise
    with database.session() as session:
        me = laptop.replica(session)
        me.last_sync_at = utcnow()
        # Never empty after a sync that had a problem: rows the server refused, rows kept aside here.
        me.last_error = "; ".join([*(str(r["reason"]) for r in report.refused), *report.problems])[:2000]
        tracker = tracking.tracker_of(session)
        if tracker is not None:
            me.clock = tracker.clock.last
        report.open_conflicts = len(open_conflicts(session))
    return report


def _run(database: Database, transport: Transport, actor: str, replica_id: uuid.UUID, name: str, server_url: str,
         report: SyncReport, progress: Progress) -> None:
    welcome = _hello(database, transport, replica_id, name)
    index = int(welcome["device_index"])
    report.device_index = index
    with database.session() as session:
        me = laptop.replica(session)
        me.device_index, me.server_url = index, server_url or me.server_url
        me.role = str(welcome.get("role") or "")[:20]  # what this laptop may record (core.supervision)
        tracker = tracking.tracker_of(session)
        if tracker is not None:
            tracker.device_index = index
    for _round in range(MAX_ROUNDS):
        _pull_all(database, transport, actor, report, progress)
        if _push_all(database, transport, replica_id, report, progress):
            return
    if report.problems:
        raise InspectorError(_("Sync stopped: {problems}").format(problems="; ".join(report.problems[:3])))
    raise InspectorError(_("The server kept changing while this laptop synced; try again in a moment."))


def _hello(database: Database, transport: Transport, replica_id: uuid.UUID, name: str) -> dict[str, Any]:
    """Say hello with this laptop's signing key; a key the server has retired (its token was revoked,
    and this is the replacement) or will not bind is replaced by a new one, once."""
    with database.session() as session:
        public_key = signatures.laptop_key(session).public_key
    try:
        return transport.hello(replica_id, name, public_key)
    except signatures.KeyTaken:
        with database.session() as session:
            public_key = signatures.laptop_key(session, new=True).public_key
        return transport.hello(replica_id, name, public_key)


def _pull_all(database: Database, transport: Transport, actor: str, report: SyncReport, progress: Progress) -> None:
    """Every page after the cursor; a row that cannot be applied is kept aside with its reason and the
    cursor moves on (core.sync.set_aside), then the kept rows are tried again once the pages are in."""
    key_problems: list[str] = []
    while True:
        with database.session() as session:
            cursor = laptop.replica(session).pull_cursor
        page = transport.pull(cursor)
        needed = {digest for item in page["items"] if (digest := file_of(item))}
        # Before the page is applied: a row never lands ahead of its file (and a cut download leaves
        # the cursor where it was, so the next sync asks for the page and its files again).
        if needed:
            report.files_received += transport.download_many(sorted(needed), database)
        with database.session() as session:
            key_problems += signatures.remember_keys(session, page.get("keys") or [])
            merged = laptop.apply_page(session, page["items"], actor)
            set_aside.forget(session, merged.applied)
            set_aside.keep(session, merged.failed)
            laptop.replica(session).pull_cursor = int(page["cursor"])  # with the data, in one transaction
        report.pulled += merged.pulled
        report.conflicts += merged.conflicts
        report.renumbered += merged.renumbered
        progress("pull", report.pulled, report.pulled + (1 if page.get("more") else 0))
        if not page.get("more"):
            break
    with database.session() as session:
        retried = set_aside.retry(session, actor)
        report.pulled += retried.pulled
        report.conflicts += retried.conflicts
        report.renumbered += retried.renumbered
        report.set_aside = set_aside.listing(session)
    report.problems = key_problems + [_("received {entity} {id} is kept aside: {reason}").format(**row)
                                      for row in report.set_aside]


def _push_all(database: Database, transport: Transport, replica_id: uuid.UUID, report: SyncReport,
              progress: Progress) -> bool:
    """Send everything pending; False if the server moved on meanwhile (pull and try again)."""
    with database.session() as session:
        me = laptop.replica(session)
        outgoing = laptop.pending(session, me.push_cursor)
        # Signed here, after any rebase onto the server's history gave the events their final hashes.
        signatures.sign_outgoing(session, outgoing.items, signatures.laptop_key(session))
    if not outgoing.items:
        with database.session() as session:
            laptop.replica(session).push_cursor = outgoing.up_to
        return True
    missing = transport.missing_files(sorted(outgoing.files)) if outgoing.files else []
    paths = {digest: database.store.find(digest) for digest in missing}
    lost = [digest for digest, path in paths.items() if path is None]
    if lost:
        with database.session() as session:
            report.problems += _lost_file_problems(session, lost)
    present = [(digest, str(path)) for digest, path in paths.items() if path]
    batches = [outgoing.items[start:start + PUSH_BATCH] for start in range(0, len(outgoing.items), PUSH_BATCH)]
    shown = _PushProgress(progress, len(outgoing.items) + len(present))
    again = False
    last_stale: dict[str, Any] = {}
    refused: list[dict[str, Any]] = []
    cursor_ranges: list[list[int]] = []
    with _FilesAhead(transport, present, batches, report, shown) as files_ahead:
        for number, batch in enumerate(batches):
            files_ahead.wait_for(number)
            answer = transport.push(replica_id, batch)
            results = answer["results"]
            with database.session() as session:
                laptop.record_pushed(session, batch, results)
            for result in results:
                if result["status"] == "accepted":
                    report.pushed += 1
                elif result["status"] in ("stale", "number_taken"):
                    again = True
                    last_stale = result
                elif result["status"] != "unchanged":
                    refused.append(result)
            if answer.get("cursor_range"):
                cursor_ranges.append(answer["cursor_range"])
            shown.advance(len(batch))
    report.refused = refused
    with database.session() as session:
        me = laptop.replica(session)
        retry = _rows_of(refused)
        if not again and retry is not None:
            me.push_cursor = outgoing.up_to
            # A refused row waits alone for the next sync, logged again: before, one refused row (a
            # photo whose file this laptop lost) held the cursor, and every later sync sent everything
            # after it again, growing with each day's work.
            for entity, entity_id in retry:
                tracking.log_change(session, entity, entity_id)
        # Our own changes need not come back in the next pull when nobody else wrote in between.
        for low, high in cursor_ranges:
            if me.pull_cursor == low - 1:
                me.pull_cursor = high
    if again:
        report.stale = last_stale
    return not again



def _rows_of(refused: list[dict[str, Any]]) -> list[tuple[str, uuid.UUID]] | None:
    """The rows the server refused, or None if an answer names one unreadably (then everything after
    the push cursor is sent again, as it always was)."""
    rows = []
    for result in refused:
        try:
            rows.append((str(result["entity"]), uuid.UUID(str(result["id"]))))
        except (KeyError, ValueError):
            return None
    return rows


def _lost_file_problems(session: Any, digests: list[str]) -> list[str]:
    """What to tell the inspector of files the server lacks and this laptop no longer has (deleted or
    moved outside the program): which hazard's which photo, and what brings it back."""
    from inspector_app.core.models import Attachment, Hazard

    named: dict[str, str] = {}
    for digest, filename, number in session.execute(
            select(Attachment.file_hash, Attachment.filename, Hazard.number)
            .join(Hazard, Attachment.hazard_id == Hazard.id).where(Attachment.file_hash.in_(digests))):
        named.setdefault(digest, _("hazard {number}, photo {filename}").format(number=number, filename=filename))
    return [_("The file of {what} is missing from this laptop (deleted or moved outside the program): the rest "
              "was sent; add the same photo to the hazard again, or remove it from the hazard.").format(
                what=named.get(digest, digest[:12])) for digest in digests]


class _PushProgress:
    """One "push" progress for rows and files together, since both travel at once; either thread may
    advance it."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        self.lock = threading.Lock()

    def advance(self, count: int) -> None:
        with self.lock:
            self.done += count
            self.progress("push", self.done, self.total)


class _FilesAhead:
    """Uploads the files a push names on a thread of its own, while the rows that name none (the
    hazards, most of a first sync) are pushed: files go in the order the batches first need them, and
    a batch waits only for the files its rows, or earlier batches' rows, name. A first sync of 10,000
    hazards and 2,000 photos spent a third of its time sending photos before its first row
    (benchmarks/sync.py). A failed upload is raised where the batch that needs it waits."""

    def __init__(self, transport: Transport, files: list[tuple[str, str]], batches: list[list[dict[str, Any]]],
                 report: SyncReport, shown: _PushProgress) -> None:
        first_need: dict[str, int] = {}
        for number, batch in enumerate(batches):
            for item in batch:
                digest = file_of(item)
                if digest:
                    first_need.setdefault(digest, number)
        groups: dict[int, list[tuple[str, str]]] = {}
        for digest, path in files:  # a file no row names (cannot happen today) goes first, to be safe
            groups.setdefault(first_need.get(digest, 0), []).append((digest, path))
        self.groups = sorted(groups.items())
        self.transport, self.report, self.shown = transport, report, shown
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-files")
        self.sent: list[tuple[int, Future[None]]] = []

    def __enter__(self) -> _FilesAhead:
        # One worker: the groups go one after the other, in the order the batches need them.
        self.sent = [(number, self.pool.submit(self._send, group)) for number, group in self.groups]
        return self

    def _send(self, group: list[tuple[str, str]]) -> None:
        before = 0

        def sent(done: int, _total: int) -> None:
            nonlocal before
            self.report.files_sent += done - before
            self.shown.advance(done - before)
            before = done

        self.transport.upload_many(group, sent)

    def wait_for(self, batch_number: int) -> None:
        for number, future in self.sent:
            if number <= batch_number:
                future.result()

    def __exit__(self, *_exc: object) -> None:
        # After a failed push nobody waits for the remaining uploads: they are dropped (one under way
        # ends first). Otherwise the last batch waited for every group already.
        self.pool.shutdown(wait=True, cancel_futures=True)


def status(database: Database) -> dict[str, Any]:
    """What the program shows about sync: last success and error, what waits to be sent, conflicts."""
    with database.session() as session:
        me = laptop.replica(session)
        # An event always touches its hazard's row too: count the hazard once, not its events again.
        waiting = session.scalar(select(func.count(func.distinct(ChangeLog.entity_id))).where(
            ChangeLog.cursor > me.push_cursor, ChangeLog.source == "local", ChangeLog.entity != "event")) or 0
        return {
            "replica": str(me.id), "server": me.server_url, "device_index": me.device_index,
            "last_sync_at": me.last_sync_at, "last_attempt_at": me.last_attempt_at, "last_error": me.last_error,
            "pending_changes": int(waiting), "open_conflicts": len(open_conflicts(session)),
            "set_aside": set_aside.count(session), "set_aside_rows": set_aside.listing(session),
        }
