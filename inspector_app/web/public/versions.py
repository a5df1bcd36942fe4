"""Which version of a hazard a status page shows, read from the database at most once per token and
bound (FRESH_SECONDS) in each server process: the cost of a page that has not changed is then a
dictionary look-up, not a round trip to PostgreSQL.

The bound is the promise, for any number of worker processes and servers: a change committed at
time T shows on every request that starts after T + FRESH_SECONDS, whichever process wrote it (a
laptop's push through another worker, the CLI on the shared database, an administrator's SQL). The
time kept with a version is taken *before* its query, so a version is never trusted for longer than
the bound past the moment the database was asked. Nothing is shared between processes and nothing
has to be told about a change, so there is no message to lose (PostgreSQL's LISTEN/NOTIFY would
need a listening connection per worker, triggers on every table a page shows, and a full flush
whenever that connection dropped: more to go wrong for a few hundred milliseconds).

Codes with nothing to show are kept exactly as pages are (a version of None), so an unknown or
withdrawn code costs what a known one does, first time and every time after.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from inspector_app.web.public.status import hazard_version

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
    """Versions by token, each trusted for ``fresh_for`` seconds after the database was asked.
    ``fresh_for`` 0 asks on every request. ``clock`` is monotonic seconds (a test may step it)."""

    def __init__(self, reader: VersionReader, fresh_for: float = FRESH_SECONDS,
                 clock: Callable[[], float] = time.monotonic, entries: int = VERSION_ENTRIES) -> None:
        self.reader, self.fresh_for, self.clock, self.entries = reader, fresh_for, clock, entries
        self._known: OrderedDict[str, tuple[float, Version]] = OrderedDict()
        self._lock = threading.Lock()

    def version(self, token: str) -> Version:
        asked = self.clock()  # before the query: the bound runs from when the database was asked
        with self._lock:
            hit = self._known.get(token)
        if hit is not None and asked - hit[0] < self.fresh_for:
            return hit[1]
        version = self.reader.version(token)
        with self._lock:
            self._known[token] = (asked, version)
            self._known.move_to_end(token)
            while len(self._known) > self.entries:
                self._known.popitem(last=False)
        return version
