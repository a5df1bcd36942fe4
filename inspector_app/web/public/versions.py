"""Which version of a hazard a status page shows, read from the database at most once per token and
bound (FRESH_SECONDS) in each server process: the cost of a page that has not changed is then a
dictionary look-up, not a round trip to PostgreSQL.

Two promises, for any number of worker processes and servers:
- **Told at once.** On PostgreSQL every transaction that writes the change log (every change the
  program makes: a laptop's push through any worker, a unit's report, the CLI on the shared database)
  sends a NOTIFY at its commit (migration 0013), and each process listens on a connection and thread of
  its own (ChangeListener): what it heard makes every version it keeps stale, so the next request asks
  the database again. A change then shows on every process as soon as the notification arrives,
  milliseconds after the commit.
- **The bound.** Whatever no notification covers (an administrator's SQL, a listening connection
  that dropped and is being opened again: versions kept meanwhile are dropped once it is back) shows
  on every request that starts after T + FRESH_SECONDS, T the commit. The time kept with a version is
  taken *before* its query, so a version is never trusted for longer than the bound past the moment
  the database was asked; so is the count of notifications heard, so one that arrives while a
  version is read makes that version stale too.

Codes with nothing to show are kept exactly as pages are (a version of None), so an unknown or
withdrawn code costs what a known one does, first time and every time after.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from inspector_app.web.public.status import hazard_version

CHANNEL = "inspector_ledger_changed"  # migration 0013's trigger on change_log notifies it
LISTEN_RETRY_SECONDS = 1.0
FRESH_SECONDS = 1.0  # a scan right after a sync shows the change; a busy page costs one query a second
VERSION_ENTRIES = 16384  # tokens remembered per process (a few MB); beyond, the longest-unasked goes

Version = tuple[Any, ...] | None


class VersionReader:
    """The one-row version reads. On a server database: one connection held in autocommit (the
    handler runs on the event loop's thread, so one at a time), opened on first use and opened
    again once if the database dropped it. On SQLite (no network): the ledger's own pool."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.held = engine.dialect.name != "sqlite"
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def version(self, token: str) -> Version:
        if not self.held:
            with self.engine.connect() as connection:
                return hazard_version(connection, token)
        with self._lock:
            try:
                return hazard_version(self._connect(), token)
            except DBAPIError as exc:
                self.close()
                if not exc.connection_invalidated:
                    raise
            return hazard_version(self._connect(), token)  # the database restarted: once more

    def _connect(self) -> Connection:
        if self._connection is None or self._connection.closed or self._connection.invalidated:
            self._connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(DBAPIError):
                self._connection.close()
            self._connection = None


class RecentVersions:
    """Versions by token, each trusted for ``fresh_for`` seconds after the database was asked and
    until a change is heard of (``changed``). ``fresh_for`` 0 asks on every request. ``clock`` is
    monotonic seconds (a test may step it)."""

    def __init__(self, reader: VersionReader, fresh_for: float = FRESH_SECONDS,
                 clock: Callable[[], float] = time.monotonic, entries: int = VERSION_ENTRIES) -> None:
        self.reader, self.fresh_for, self.clock, self.entries = reader, fresh_for, clock, entries
        self._known: OrderedDict[str, tuple[float, int, Version]] = OrderedDict()
        self._lock = threading.Lock()
        self.heard = 0  # changes heard of so far; a version read before the last one is stale

    def changed(self) -> None:
        with self._lock:
            self.heard += 1

    def version(self, token: str) -> Version:
        with self._lock:
            # Both before the query: the bound runs from when the database was asked, and a change
            # heard of while it answers makes the answer stale.
            asked, heard = self.clock(), self.heard
            hit = self._known.get(token)
        if hit is not None and hit[1] == heard and asked - hit[0] < self.fresh_for:
            return hit[2]
        version = self.reader.version(token)
        with self._lock:
            self._known[token] = (asked, heard, version)
            self._known.move_to_end(token)
            while len(self._known) > self.entries:
                self._known.popitem(last=False)
        return version


class ChangeListener:
    """LISTEN on CHANNEL over a connection and thread of its own, calling ``heard`` for every
    notification, and once each time listening starts (what was missed before is covered). Started
    by the first request a process answers (``ensure_started``): a server's workers are forked after
    the app is made, and a thread does not cross a fork. Only on PostgreSQL."""

    def __init__(self, engine: Engine, heard: Callable[[], None]) -> None:
        self.engine, self.heard = engine, heard
        self.listening = False
        self._pid = 0
        self._stop = threading.Event()
        self._start_lock = threading.Lock()

    def ensure_started(self) -> None:
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            threading.Thread(target=self._run, name="status-change-listener", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        while not self._stop.is_set():
            try:
                connection = self.engine.dialect.dbapi.connect(*cargs, **{**cparams, "autocommit": True})  # type: ignore[union-attr]
                with contextlib.closing(connection):
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening = True
                    self.heard()  # whatever changed while nobody listened
                    while not self._stop.is_set():
                        for _notification in connection.notifies(timeout=1.0):
                            self.heard()
            except Exception as exc:  # the database is away: the bound still holds; try again soon
                if self.listening:
                    logging.getLogger("inspector_app.status").warning("status change listener lost: %s", exc)
            finally:
                self.listening = False
            self._stop.wait(LISTEN_RETRY_SECONDS)
