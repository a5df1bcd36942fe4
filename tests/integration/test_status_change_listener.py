"""The status servers' change listener (web/public/versions.py ChangeListener) on a real PostgreSQL:
a commit that writes the change log is heard (migration 0013's trigger), a rolled-back one is not,
and when the database drops the listening connection the listener opens another and counts that as
a change (whatever was committed meanwhile was not heard)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from inspector_app.core import structure
from inspector_app.core.db import open_database
from inspector_app.web.public.versions import ChangeListener

pytestmark = pytest.mark.postgres


class Heard:
    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self.changed.set()

    def wait_for(self, count: int, seconds: float = 10.0) -> int:
        deadline = time.monotonic() + seconds
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.count


def test_commits_are_heard_rollbacks_are_not_and_a_dropped_connection_is_reopened(postgres_url):
    db = open_database(postgres_url)
    heard = Heard()
    listener = ChangeListener(db.engine, heard)
    try:
        listener.ensure_started()
        assert heard.wait_for(1) == 1 and listener.listening  # listening: counted once (nothing missed)

        with db.session() as session:
            structure.create_organisation(session, "County A", kind="county")
        assert heard.wait_for(2) == 2

        with db.session() as session:
            structure.create_organisation(session, "County B", kind="county")
            session.flush()
            session.rollback()
        with db.session() as session:
            structure.create_organisation(session, "County C", kind="county")
        assert heard.wait_for(3) == 3
        time.sleep(0.3)  # had the rollback sent one too, it would have arrived by now
        assert heard.count == 3  # the rollback sent nothing; the commit after it did

        with db.engine.connect() as connection:  # the database drops the listener's connection
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"))
            connection.commit()
        assert heard.wait_for(4) == 4 and listener.listening  # back, and counted as a change
        with db.session() as session:
            structure.create_organisation(session, "County D", kind="county")
        assert heard.wait_for(5) == 5
    finally:
        listener.stop()
        db.dispose()
