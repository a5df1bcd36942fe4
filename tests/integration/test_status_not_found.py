"""The status page never tells a withdrawn code from one that never existed: on PostgreSQL, over HTTP,
a withdrawn code, a superseded code of a hazard withdrawn since, and a code never issued get the
same bytes (in the visitor's language, not the organisation's), and cost the same as a page already
rendered: no query within the freshness bound, one once it has passed. A code that comes into use
later shows once the bound has passed (the server's clock is stepped by hand)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import event

from inspector_app.core.db import Database, open_database
from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import change_status, find_hazard, rotate_token
from inspector_app.core.queries import list_hazards
from inspector_app.web.app import create_app
from tests.live_server import live_server
from tests.stepped_clock import SteppedClock

pytestmark = pytest.mark.postgres


@dataclass
class Served:
    client: httpx.Client
    db: Database
    codes: dict[str, str]  # by kind
    statements: list[str]  # the SQL the server runs, appended as it runs
    clock: SteppedClock  # the status pages' clock


@pytest.fixture(scope="module")
def served(catalogue, tmp_path_factory) -> Iterator[Served]:
    from tests.conftest import new_postgres_database

    with new_postgres_database() as url:
        db = open_database(url, store_dir=tmp_path_factory.mktemp("files"))
        create_demo(db, catalogue, language="zh_CN")  # a Chinese school: its pages default to Chinese
        with db.session() as session:
            rows = list_hazards(session)
            withdrawn = next(r for r in rows if r.status == "withdrawn").token
            opened = [r for r in rows if r.status == "open"]
            live = opened[0].token
            hazard = find_hazard(session, str(opened[1].id))
            superseded = hazard.public_token
            rotate_token(session, hazard, "li")
            change_status(session, db.store, hazard, "withdrawn", "li", note="recorded by mistake")
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda _conn, _cursor, statement, *_rest: statements.append(statement))
        codes = {"withdrawn": withdrawn, "superseded, then withdrawn": superseded, "never issued": "Q" * 24,
                 "live": live}
        clock = SteppedClock()
        try:
            with live_server(create_app(db, catalogue, rate_per_second=1e6, burst=10**6, status_clock=clock)) as client:
                yield Served(client, db, codes, statements, clock)
        finally:
            db.dispose()


NOTHING = ("withdrawn", "superseded, then withdrawn", "never issued")
VISITORS = [{}, {"Accept-Language": "en-GB,en;q=0.9"}, {"Accept-Language": "zh-CN"}]


@pytest.mark.parametrize("headers", VISITORS)
@pytest.mark.parametrize("suffix", ["", ".json", "?lang=en", "?lang=zh"])
def test_every_code_with_nothing_to_show_gets_the_same_bytes(served, headers, suffix):
    client, codes = served.client, served.codes
    answers = [client.get(f"/h/{codes[kind]}{suffix}", headers=headers) for kind in NOTHING]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert len({tuple(sorted((k, v) for k, v in a.headers.items() if k != "date")) for a in answers}) == 1
    if headers.get("Accept-Language", "").startswith("en") and suffix in ("", "?lang=en"):
        assert "No status" in answers[0].text  # the visitor's language, not the organisation's Chinese


def test_every_code_costs_what_a_page_does(served):
    """What a rendered page costs (nothing within the bound, one indexed read of its version once
    it has passed), and no more for a code that shows nothing: the time taken must not tell them
    apart either."""
    client, codes, statements, clock = served.client, served.codes, served.statements, served.clock
    for kind in codes:
        client.get(f"/h/{codes[kind]}")  # the first request of a live page renders it
    for kind in codes:
        statements.clear()
        for _ in range(3):
            assert client.get(f"/h/{codes[kind]}").status_code == (200 if kind == "live" else 404)
        assert statements == [], (kind, statements)
    clock.past_the_bound()
    for kind in codes:
        statements.clear()
        for _ in range(3):
            assert client.get(f"/h/{codes[kind]}").status_code == (200 if kind == "live" else 404)
        assert len(statements) == 1, (kind, statements)


def test_a_code_that_comes_into_use_later_shows_once_the_bound_has_passed(served):
    """The answer "nothing here" is kept no longer than a page: a notice printed offline may be
    scanned before its laptop syncs, and shows within the bound of the sync."""
    client, codes = served.client, served.codes
    late = "L" * 24
    assert client.get(f"/h/{late}.json").status_code == 404
    with served.db.session() as session:
        hazard = find_hazard(session, codes["live"])
        hazard.public_token = late
    codes["live"] = late
    served.clock.past_the_bound()
    assert client.get(f"/h/{late}.json").status_code == 200
