"""Copies of a SQLite ledger: rotating automatic backups beside it, a backup on demand, and restoring one.

Copies are made with SQLite's online backup API, so they are consistent even while the program writes,
and each copy is checked (``PRAGMA quick_check``) before it counts: a damaged ledger never pushes a good
backup out of the rotation. Backups live in ``<ledger stem>-backups/`` beside the ledger, named by the
time they were made (UTC). Plans and photos are not copied: the file store beside the ledger is written
by content hash and never rewritten, so an older copy of the database still finds every file it names.

Restoring refuses a ledger that a running program has open (core.ledger_lock), and holds the ledger's
lock while it swaps the files, so that no program opens it half replaced.

Rotation (``prune_backups``): the newest ``KEEP_RECENT`` copies are always kept; older ones are kept
while they are younger than the ``keep_days`` setting, one per day (the day's last).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inspector_app.core.db import (
    HEAD_REVISION,
    LedgerError,
    check_sqlite_header,
    known_revisions,
    ledger_exists,
    newer_schema_message,
)
from inspector_app.core.ledger_lock import LedgerLock
from inspector_app.i18n import _

KEEP_RECENT = 5
DAILY = timedelta(days=1)
STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: datetime  # UTC


@dataclass(frozen=True)
class Restored:
    ledger: Path
    source: Path
    replaced_kept_at: Path | None  # where the ledger that was there before now is; None if there was none
    created: bool


def backup_dir(ledger: Path) -> Path:
    return ledger.with_name(ledger.stem + "-backups")


def _now() -> datetime:
    return datetime.now(UTC)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    # as_uri() percent-encodes '?', '#' and spaces and writes a Windows drive as file:///C:/...
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def check_ledger_file(path: Path) -> str:
    """The schema revision of a ledger file; a clear ``LedgerError`` if it is missing, not an SQLite
    file, damaged, not a ledger, or written by a newer program."""
    if not ledger_exists(path):
        raise LedgerError(_("no ledger at {path}").format(path=path), "missing", path)
    check_sqlite_header(path)
    try:
        connection = _connect_readonly(path)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise LedgerError(_("The ledger {path} is damaged: {problem}").format(
                    path=path, problem=problems[0]), "damaged", path)
            has_version = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone() if has_version \
                else None
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise LedgerError(_("The ledger {path} is damaged and cannot be read: {problem}").format(
            path=path, problem=exc), "damaged", path) from exc
    if revision is None:
        raise LedgerError(_("{path} is a database but not a ledger: it has no ledger schema.").format(path=path),
                          "not_ledger", path)
    if revision[0] != HEAD_REVISION and revision[0] not in known_revisions():
        raise LedgerError(newer_schema_message(str(path), revision[0]), "newer", path)
    return str(revision[0])


def copy_ledger(ledger: Path, out: Path) -> Path:
    """Copy a ledger to ``out`` with the online backup API (safe while it is being written), through a
    temporary file so ``out`` is never half written; the copy is checked before it replaces ``out``."""
    check_sqlite_header(ledger)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        source = _connect_readonly(ledger)
        try:
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                target.close()
        finally:
            source.close()
        check_ledger_file(tmp)
        tmp.replace(out)
    except sqlite3.Error as exc:
        raise LedgerError(_("Cannot back up the ledger {path}: {problem}").format(path=ledger, problem=exc),
                          "damaged", ledger) from exc
    except LedgerError as exc:
        # Name the ledger being copied, not the temporary file.
        raise LedgerError(str(exc).replace(str(tmp), str(ledger)), exc.reason, ledger) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return out


def list_backups(ledger: Path) -> list[Backup]:
    """The automatic backups of a ledger, newest first."""
    found = []
    prefix = ledger.stem + "-"
    folder = backup_dir(ledger)
    if not folder.is_dir():
        return []
    for path in folder.glob(f"{ledger.stem}-*.sqlite"):
        try:
            made_at = datetime.strptime(path.stem[len(prefix):], STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue  # not one of ours
        found.append(Backup(path, made_at))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def latest_backup(ledger: Path) -> Backup | None:
    backups = list_backups(ledger)
    return backups[0] if backups else None


def make_backup(ledger: Path, keep_days: int, now: datetime | None = None) -> Backup:
    """One automatic backup now, then the rotation."""
    now = now or _now()
    stamp = now.strftime(STAMP)
    out = backup_dir(ledger) / f"{ledger.stem}-{stamp}.sqlite"
    copy_ledger(ledger, out)
    prune_backups(ledger, keep_days, now)
    return Backup(out, now.replace(microsecond=0))


def backup_if_due(ledger: Path, keep_days: int, now: datetime | None = None,
                  every: timedelta = DAILY) -> Backup | None:
    """A backup if the newest one is older than ``every`` (or there is none); None if not due."""
    now = now or _now()
    newest = latest_backup(ledger)
    if newest is not None and now - newest.made_at < every:
        return None
    return make_backup(ledger, keep_days, now)


def prune_backups(ledger: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete the backups the rotation no longer keeps; returns what was deleted."""
    now = now or _now()
    kept_days: set[str] = set()
    removed = []
    for index, backup in enumerate(list_backups(ledger)):
        day = backup.made_at.strftime("%Y%m%d")
        young = now - backup.made_at < timedelta(days=max(keep_days, 0))
        if index < KEEP_RECENT or (young and day not in kept_days):
            kept_days.add(day)
            continue
        backup.path.unlink(missing_ok=True)
        removed.append(backup.path)
    for part in backup_dir(ledger).glob(".*.part"):  # a copy cut short when its program was killed
        with contextlib.suppress(OSError):
            if now.timestamp() - part.stat().st_mtime > 3600:
                part.unlink()
    return removed


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _fold_wal(path: Path) -> None:
    """Write a healthy ledger's -wal back into it, so the copy kept aside is one file; a damaged one is
    moved as it is, -wal and all."""
    try:
        connection = sqlite3.connect(path, timeout=5)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except sqlite3.Error:
        pass


def restore_ledger(ledger: Path, source: Path, now: datetime | None = None) -> Restored:
    """Put the ledger in ``source`` at ``ledger``. The source is checked first (a file that is not a
    ledger, damaged or newer is refused and nothing changes); the ledger that was there is moved aside,
    with its -wal and -shm files, as ``<name>.replaced-<time>.sqlite``, never deleted. A ledger that a
    running program has open is refused too (``LedgerInUse``, naming that program's process), and
    nothing changes."""
    now = now or _now()
    source, ledger = source.resolve(), ledger.resolve()
    if source == ledger:
        raise LedgerError(_("{path} is the ledger itself: restore from a backup or another copy.").format(
            path=source), "not_ledger", source)
    check_ledger_file(source)
    ledger.parent.mkdir(parents=True, exist_ok=True)
    with LedgerLock.acquire(ledger):
        return _replace_ledger(ledger, source, now)


def _replace_ledger(ledger: Path, source: Path, now: datetime) -> Restored:
    """The swap itself, under the ledger's lock: a complete copy first, then the files renamed."""
    incoming = ledger.with_name(f".{ledger.name}.restoring")
    copy_ledger(source, incoming)  # first a complete copy, so a failure leaves the ledger as it was
    kept: Path | None = None
    created = not ledger.exists()
    try:
        if not created:
            _fold_wal(ledger)
            kept = ledger.with_name(f"{ledger.stem}.replaced-{now.strftime(STAMP)}{ledger.suffix or '.sqlite'}")
            ledger.replace(kept)
            for sidecar, moved in zip(_sidecars(ledger), _sidecars(kept), strict=True):
                if sidecar.exists():
                    sidecar.replace(moved)
        incoming.replace(ledger)
    finally:
        with contextlib.suppress(OSError):
            incoming.unlink(missing_ok=True)
    return Restored(ledger=ledger, source=source, replaced_kept_at=kept, created=created)
