"""A pull read set-based, page by page (issue 23): small pages give exactly what one large page gives,
only the account's own organisation, every hazard with its whole history; and a first pull killed
after a few pages resumes from its cursor with nothing missing or doubled."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient

from inspector_app.core import accounts, hazards, structure
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import Hazard, HazardEvent
from inspector_app.core.sync import pull_pages
from inspector_app.core.sync.run import synchronise
from inspector_app.web.sync.client import HttpTransport
from tests.sync.conftest import Laptop, add, edit, ledger_state, school, verified


class SmallPages(HttpTransport):
    """The real client, asking for pages of ``limit`` entries, and cut off after ``pages`` of them."""

    def __init__(self, central: Any, token: str, limit: int, pages: int | None = None) -> None:
        super().__init__("http://central", token, client=TestClient(central.app, base_url="http://central/sync"),
                         sleep=lambda _s: None)
        self.limit, self.pages_left = limit, pages

    def pull(self, cursor: int) -> dict[str, Any]:
        if self.pages_left is not None:
            if self.pages_left == 0:
                raise ConnectionError("the laptop was switched off mid-pull")
            self.pages_left -= 1
        return dict(self._request("POST", "/pull", json={"cursor": cursor, "limit": self.limit}).json())


@pytest.fixture
def city(central, laptops, catalogue, jpeg_photo):
    """Two counties on one server: ours with 12 hazards (edited, some with photos, one superseded token),
    and another with 5."""
    ours = laptops("ours")
    places = school(ours)
    ids = [add(ours, catalogue, places["floor"], f"hazard {n}", photos=[jpeg_photo] if n % 4 == 0 else ())
           for n in range(12)]
    for hazard_id in ids[::3]:
        edit(ours, hazard_id, room=f"room of {hazard_id.hex[:4]}")
    with ours.db.session() as session:
        hazards.change_status(session, ours.db.store, session.get(Hazard, ids[1]), "in_progress", "李伟")
    theirs = laptops("theirs")
    with theirs.db.session() as session:
        org = structure.create_organisation(session, "Another bureau", kind="county")
        site = structure.create_site(session, org, "Another school", code="AN1")
        floor = structure.create_floor(session, structure.create_building(session, site, "Block", "dormitory"),
                                       "1F", 1).id
    foreign = [add(theirs, catalogue, floor, f"theirs {n}") for n in range(5)]
    ours.sync(central, central.token("李伟", places["org"]))
    theirs.sync(central, central.token("Zhao", org.id))
    return {"ours": ours, "org": places["org"], "ids": ids, "foreign": foreign}


def _pages(central, principal, limit: int) -> tuple[list[dict[str, Any]], int]:
    pages, cursor = [], 0
    with central.db.session() as session:
        while True:
            page = pull_pages.pull(session, principal, cursor, limit)
            pages.append(page)
            cursor = page["cursor"]
            if not page["more"]:
                return pages, cursor


def _latest(pages: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for page in pages:
        for item in page["items"]:
            latest[(item["entity"], str((item.get("row") or {}).get("id", item.get("id"))))] = item
    return latest


def test_small_pages_give_what_one_large_page_gives_and_only_the_accounts_own(central, city):
    token = central.token("王芳", city["org"])
    with central.db.session() as session:
        principal = accounts.authenticate(session, token)
    assert principal is not None
    whole, end = _pages(central, principal, pull_pages.PULL_PAGE_LIMIT)
    paged, paged_end = _pages(central, principal, 3)
    assert len(whole) == 1 and len(paged) > 5 and paged_end == end
    assert _latest(paged) == _latest(whole)
    pulled_hazards = {key[1] for key in _latest(paged) if key[0] == "hazard"}
    assert pulled_hazards == {str(h) for h in city["ids"]}  # none of the other county's
    with central.db.session() as session:
        for page in paged:
            for item in page["items"]:
                if item["entity"] == "hazard":  # each hazard with its whole history, in order
                    held = session.query(HazardEvent.seq).filter(HazardEvent.hazard_id == uuid.UUID(
                        item["row"]["id"])).count()
                    assert [e["seq"] for e in item["events"]] == list(range(1, held + 1))


def test_a_first_pull_killed_after_a_few_pages_resumes_with_nothing_missing_or_doubled(central, city, tmp_path):
    newcomer = Laptop("new", open_database(sqlite_url(tmp_path / "new.sqlite"), store_dir=tmp_path / "new-files"),
                      "王芳")
    token = central.token("王芳", city["org"])
    with pytest.raises(ConnectionError):
        synchronise(newcomer.db, SmallPages(central, token, limit=4, pages=3), "王芳", "http://central")
    with newcomer.db.session() as session:
        part = session.query(Hazard).count()
    assert 0 < part < len(city["ids"])  # some pages landed, with their cursor
    report = synchronise(newcomer.db, SmallPages(central, token, limit=4), "王芳", "http://central")
    assert report.refused == [] and report.problems == []
    assert ledger_state(newcomer.db) == ledger_state(city["ours"].db)
    assert verified(newcomer.db)


def test_a_first_pull_in_pages_cut_by_bytes_killed_and_resumed_misses_and_doubles_nothing(central, city, tmp_path,
                                                                                          monkeypatch):
    """Pages bounded by bytes (a few hazards each) rather than entries, through the real API: killed
    after three pages, the pull resumes from the cursor of the last page applied."""
    newcomer = Laptop("new", open_database(sqlite_url(tmp_path / "new.sqlite"), store_dir=tmp_path / "new-files"),
                      "王芳")
    token = central.token("王芳", city["org"])
    with central.db.session() as session:
        principal = accounts.authenticate(session, token)
    assert principal is not None
    whole, end = _pages(central, principal, pull_pages.PULL_PAGE_LIMIT)
    monkeypatch.setattr(pull_pages, "PULL_PAGE_BYTES", 6_000)
    by_bytes, by_bytes_end = _pages(central, principal, pull_pages.PULL_PAGE_LIMIT)
    assert len(whole) == 1 and len(by_bytes) > 3 and all(page["items"] for page in by_bytes)
    assert _latest(by_bytes) == _latest(whole) and by_bytes_end == end
    with pytest.raises(ConnectionError):
        synchronise(newcomer.db, SmallPages(central, token, limit=pull_pages.PULL_PAGE_LIMIT, pages=3), "王芳",
                    "http://central")
    with newcomer.db.session() as session:
        part = session.query(Hazard).count()
    assert 0 < part < len(city["ids"])
    report = synchronise(newcomer.db, SmallPages(central, token, limit=pull_pages.PULL_PAGE_LIMIT), "王芳",
                         "http://central")
    assert report.refused == [] and report.problems == []
    assert ledger_state(newcomer.db) == ledger_state(city["ours"].db)
    assert verified(newcomer.db)
