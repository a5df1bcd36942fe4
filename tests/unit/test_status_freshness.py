"""How long a status page may stand (web/public/versions.py): within the bound a page, a withdrawn
code and an unknown code are all answered without a query; once it has passed each is asked once
more, and a change, a withdrawal or a code that came into use shows. On the ledger itself (SQLite),
with the queries the service runs counted and its clock stepped by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import change_status, find_hazard
from inspector_app.core.queries import list_hazards
from inspector_app.web.app import StatusService
from inspector_app.web.public.versions import FRESH_SECONDS, RecentVersions, VersionReader
from tests.stepped_clock import SteppedClock


@pytest.fixture
def served(db, catalogue):
    create_demo(db, catalogue)
    with db.session() as session:
        rows = list_hazards(session)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, *_rest: statements.append(statement))
    clock = SteppedClock()
    codes = {"live": next(r for r in rows if r.status == "open").token,
             "withdrawn": next(r for r in rows if r.status == "withdrawn").token, "never issued": "Q" * 24}
    return StatusService(db, catalogue, clock=clock), clock, statements, codes, db


def _status(service, token):
    return service.render(token, "en", "", True, "/h/x")


def test_within_the_bound_no_code_costs_a_query_and_after_it_each_costs_one(served):
    service, clock, statements, codes, _db = served
    first = {kind: _status(service, code) for kind, code in codes.items()}
    assert [first[kind][0] for kind in codes] == [200, 404, 404]
    clock.advance(FRESH_SECONDS * 0.9)
    statements.clear()
    assert {kind: _status(service, code) for kind, code in codes.items()} == first
    assert statements == []
    clock.advance(FRESH_SECONDS * 0.1)
    for code in codes.values():
        statements.clear()
        _status(service, code)
        assert len(statements) == 1  # the version, and the page already rendered for it
    statements.clear()
    for code in codes.values():
        _status(service, code)
    assert statements == []  # trusted for another bound


def test_a_change_shows_once_the_bound_has_passed(served):
    service, clock, _statements, codes, db = served
    assert b'"status": "open"' in _status(service, codes["live"])[1]
    with db.session() as session:
        change_status(session, db.store, find_hazard(session, codes["live"]), "in_progress", "li")
    clock.past_the_bound()
    assert b'"status": "in_progress"' in _status(service, codes["live"])[1]
    with db.session() as session:
        change_status(session, db.store, find_hazard(session, codes["live"]), "withdrawn", "li", note="a mistake")
    clock.past_the_bound()
    assert _status(service, codes["live"]) == _status(service, codes["never issued"])


def test_the_bound_runs_from_when_the_database_was_asked(served):
    """A version read just before a change is not trusted for longer than the bound after the read,
    however the requests in between fall."""
    service, clock, _statements, codes, db = served
    _status(service, codes["live"])
    clock.advance(FRESH_SECONDS / 2)
    with db.session() as session:
        change_status(session, db.store, find_hazard(session, codes["live"]), "in_progress", "li")
    _status(service, codes["live"])  # within the bound: may still be the old page
    clock.advance(FRESH_SECONDS / 2)
    assert b'"status": "in_progress"' in _status(service, codes["live"])[1]


def test_a_code_that_comes_into_use_shows_once_the_bound_has_passed(served):
    """"Nothing here" is kept no longer than a page: a notice printed offline may be scanned before
    its laptop syncs, and shows within the bound of the sync."""
    service, clock, _statements, codes, db = served
    late = "L" * 24
    assert _status(service, late)[0] == 404
    with db.session() as session:
        find_hazard(session, codes["live"]).public_token = late
    clock.past_the_bound()
    assert _status(service, late)[0] == 200


def test_a_bound_of_zero_asks_on_every_request(db, catalogue):
    create_demo(db, catalogue)
    with db.session() as session:
        token = list_hazards(session)[0].token
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    versions = RecentVersions(VersionReader(db.engine), fresh_for=0, clock=SteppedClock())
    for _ in range(3):
        versions.version(token)
    assert len(statements) == 3


def test_the_tokens_remembered_are_bounded(db, catalogue):
    """A flood of made-up codes cannot grow a worker's memory: beyond the limit the token whose
    version was read longest ago is forgotten (and asked again when it comes back)."""
    create_demo(db, catalogue)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    versions = RecentVersions(VersionReader(db.engine), clock=SteppedClock(), entries=2)
    for token in ("A" * 24, "B" * 24, "A" * 24, "C" * 24):  # A's second time is remembered: no query
        versions.version(token)
    assert len(statements) == 3
    versions.version("B" * 24)  # B and C are remembered
    versions.version("C" * 24)
    assert len(statements) == 3
    versions.version("A" * 24)  # A was forgotten when C came
    assert len(statements) == 4


def test_a_change_heard_of_makes_every_kept_version_stale(db, catalogue):
    """What the change listener calls (RecentVersions.changed) makes the next request for each token
    ask again, within the bound; and a change heard of while a version is being read makes that
    version stale too (the count of changes is taken before the query, as the time is)."""
    create_demo(db, catalogue)
    with db.session() as session:
        tokens = [row.token for row in list_hazards(session)[:2]]
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    versions = RecentVersions(VersionReader(db.engine), clock=SteppedClock())
    for token in tokens * 2:
        versions.version(token)
    assert len(statements) == 2  # each asked once, then kept
    versions.changed()
    for token in tokens * 2:
        versions.version(token)
    assert len(statements) == 4  # each asked once more, then kept again

    reader = versions.reader
    original = reader.version

    def heard_while_reading(token):  # the notification arrives while the database answers
        answer = original(token)
        versions.changed()
        return answer

    reader.version = heard_while_reading  # type: ignore[method-assign]
    versions.changed()
    versions.version(tokens[0])
    reader.version = original  # type: ignore[method-assign]
    versions.version(tokens[0])
    assert len(statements) == 6  # the version read during the change was not trusted


def test_a_renamed_place_shows_once_the_bound_has_passed(served):
    """The page names the hazard's site, building and floor: renaming any of them changes the page
    (the version covers the places, not only the hazard), though the hazard itself did not change."""
    from inspector_app.core.models import Building, Floor, Hazard, Site
    from inspector_app.core.structure import rename_place

    service, clock, _statements, codes, db = served
    with db.session() as session:
        hazard = find_hazard(session, codes["live"])
        floor = session.get(Floor, hazard.floor_id)
        building = session.get(Building, floor.building_id)
        places = {"site": hazard.site_id, "building": building.id, "floor": floor.id}
        assert session.get(Site, hazard.site_id) is not None and isinstance(hazard, Hazard)
    for kind, place_id in places.items():
        new_name = f"Renamed {kind} 7"
        assert new_name.encode() not in _status(service, codes["live"])[1]
        with db.session() as session:
            rename_place(session, kind, place_id, new_name)
        clock.past_the_bound()
        assert new_name.encode() in _status(service, codes["live"])[1], kind
