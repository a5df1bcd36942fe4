"""The status pages' read path on PostgreSQL: the connection it keeps for the version reads survives
the database dropping it (a restart, an administrator's kill), and a change made elsewhere shows
once the freshness bound has passed however often the page was served before (the service's clock
is stepped by hand)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from inspector_app.core.db import open_database
from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import change_status, find_hazard
from inspector_app.core.queries import list_hazards
from inspector_app.web.app import StatusService
from inspector_app.web.public.versions import FRESH_SECONDS
from tests.stepped_clock import SteppedClock

pytestmark = pytest.mark.postgres


@pytest.fixture
def served(postgres_url, catalogue, tmp_path):
    db = open_database(postgres_url, store_dir=tmp_path / "files")
    create_demo(db, catalogue)
    clock = SteppedClock()
    yield db, StatusService(db, catalogue, clock=clock), clock
    db.dispose()


def _kill_other_connections(url: str) -> int:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        admin.dispose()


def test_a_dropped_connection_is_opened_again(served, postgres_url):
    db, service, clock = served
    with db.session() as session:
        row = next(r for r in list_hazards(session) if r.status == "in_progress")
    status, first, _media = service.render(row.token, "en", "", True, "/h/x")
    assert status == 200
    assert _kill_other_connections(postgres_url) >= 1  # the service's own connection among them
    clock.past_the_bound()  # so that the next request asks the database, on the connection cut
    assert service.render(row.token, "en", "", True, "/h/x") == (status, first, "application/json")


def test_a_change_shows_once_the_bound_has_passed(served):
    db, service, clock = served
    with db.session() as session:
        row = next(r for r in list_hazards(session) if r.status == "open")
    for _ in range(3):
        assert b'"status": "open"' in service.render(row.token, "en", "", True, "/h/x")[1]
        clock.advance(FRESH_SECONDS / 2)  # asked again now and then: the page stays one version
    with db.session() as session:
        change_status(session, db.store, find_hazard(session, str(row.id)), "in_progress", "li")
    clock.past_the_bound()
    assert b'"status": "in_progress"' in service.render(row.token, "en", "", True, "/h/x")[1]
