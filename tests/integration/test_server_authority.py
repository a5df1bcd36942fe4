"""The central server as an inspector's token holder would attack it (issue 21): `inspector-app serve`
with two workers on a real PostgreSQL, two organisations, an admin and an inspector token each,
pushes made by hand over HTTP. Each finding is a test: what the token tried is refused with a reason,
nothing of it is stored, and the organisation's laptops keep syncing everything else.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from inspector_app.core import hazards, structure
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.forms import load_catalogue
from inspector_app.core.models import Building, Hazard, Organisation, SyncRefusal
from inspector_app.core.sync.registration import PROTOCOL_VERSION
from inspector_app.core.sync.run import status, synchronise
from inspector_app.core.sync.server import MAX_PUSH_ITEMS, REFUSALS_RECORDED
from inspector_app.web.sync.client import HttpTransport
from tests.conftest import new_postgres_database
from tests.forgery import now_clock, with_event
from tests.live_server import serve_process

pytestmark = pytest.mark.postgres


def cli(url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--database-url", url, "--lang", "en", *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


class City:
    """The server, its two organisations' tokens, and a laptop of each that made them."""

    def __init__(self, url: str, base: str, work: Path) -> None:
        self.url, self.base, self.work = url, base, work
        self.catalogue = load_catalogue()
        self.admin = json.loads(cli(url, "token", "create", "--inspector", "Bureau admin", "--role", "admin"))["token"]
        self.laptop_a = self.laptop("a")
        self.org_a, self.floor_a = self.organisation(self.laptop_a, "Lüliang bureau", "LL1", "吕教安")
        self.hazard_a = self.add(self.laptop_a, self.floor_a, "frayed cable")
        self.laptop_b = self.laptop("b")
        self.org_b, self.floor_b = self.organisation(self.laptop_b, "Xiaoyi bureau", "XY1", "孝教安")
        self.hazard_b = self.add(self.laptop_b, self.floor_b, "blocked exit")
        # Laptop A belongs to 李伟 from its first sync (a laptop stays with the account that registered it).
        self.inspector_a = self.token("李伟", self.org_a)
        self.sync(self.laptop_a, self.inspector_a)
        self.sync(self.laptop_b, self.admin)

    def laptop(self, name: str) -> Database:
        return open_database(sqlite_url(self.work / f"{name}.sqlite"))

    def token(self, inspector: str, organisation: uuid.UUID) -> str:
        created = cli(self.url, "token", "create", "--inspector", inspector, "--organisation", str(organisation))
        return str(json.loads(created)["token"])

    @staticmethod
    def organisation(db: Database, name: str, code: str, prefix: str) -> tuple[uuid.UUID, uuid.UUID]:
        with db.session() as session:
            org = structure.create_organisation(session, name, kind="county", notice_prefix=prefix)
            site = structure.create_site(session, org, "No. 1 School", code=code)
            building = structure.create_building(session, site, "Dormitory", "dormitory")
            return org.id, structure.create_floor(session, building, "1F", 1).id

    def add(self, db: Database, floor: uuid.UUID, description: str) -> uuid.UUID:
        with db.session() as session:
            return hazards.add_hazard(session, self.catalogue, db.store, actor="wang",
                                      category="electrical.aging_wiring", floor_id=floor, x=0.3, y=0.4,
                                      description=description).id

    def sync(self, db: Database, token: str) -> Any:
        transport = HttpTransport(self.base, token)
        try:
            return synchronise(db, transport, "wang", server_url=self.base)
        finally:
            transport.close()

    def post(self, token: str, path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{self.base}/sync/{path}", json=body, timeout=60, headers={
            "authorization": f"Bearer {token}", "x-inspector-sync": str(PROTOCOL_VERSION)})

    def push(self, token: str, *items: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self.post(token, "push", {"replica_id": str(uuid.uuid4()), "items": list(items)})
        assert answer.status_code == 200, answer.text
        return list(answer.json()["results"])

    def pulled(self, token: str) -> dict[tuple[str, str], dict[str, Any]]:
        """Everything the token may read, by (entity, id), as the server hands it out."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        cursor = 0
        while True:
            page = self.post(token, "pull", {"cursor": cursor}).json()
            for item in page["items"]:
                found[(item["entity"], str((item.get("row") or {}).get("id", item.get("id"))))] = item
            cursor = page["cursor"]
            if not page["more"]:
                return found

    def server(self) -> Database:
        return open_database(self.url, store_dir=self.work / "files")


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Iterator[City]:
    work = tmp_path_factory.mktemp("city")
    with new_postgres_database() as url:
        cli(url, "init")
        with serve_process(["--database-url", url], "--files", str(work / "files"), "--workers", "2",
                           env={"INSPECTOR_RATE_PER_SECOND": "10000", "INSPECTOR_BURST": "10000"}) as port:
            yield City(url, f"http://127.0.0.1:{port}", work)


def hazard_item(city: City, hazard_id: uuid.UUID) -> dict[str, Any]:
    return city.pulled(city.admin)[("hazard", str(hazard_id))]


def server_hazard(city: City, hazard_id: uuid.UUID) -> Hazard:
    db = city.server()
    try:
        with db.session() as session:
            found = session.get(Hazard, hazard_id)
            assert found is not None
            session.expunge(found)
            return found
    finally:
        db.dispose()


# --- finding 1: one inspector token stopped every laptop of its organisation ---

def test_a_notice_naming_another_organisations_hazard_is_refused_and_laptops_keep_syncing(city):
    notice = {"entity": "notice", "links": [str(city.hazard_a), str(city.hazard_b)], "row": {
        "id": str(uuid.uuid4()), "number": "吕教安〔2026〕999号", "prefix": "吕教安", "year": 2026, "seq": 999,
        "kind": "per_unit", "language": "zh_CN", "issued_at": "2026-12-01T08:00:00.000000", "issued_by": "李伟",
        "pdf_hash": "", "sync_clock": now_clock()}}
    (result,) = city.push(city.inspector_a, notice)
    assert result["status"] == "reference" and "another organisation" in result["reason"]
    assert ("notice", notice["row"]["id"]) not in city.pulled(city.admin)
    # A colleague's hazard pushed afterwards reaches a new laptop of the organisation, and nothing stalls.
    later = city.add(city.laptop_a, city.floor_a, "charger on a bed")
    city.sync(city.laptop_a, city.inspector_a)
    newcomer = city.laptop("a-newcomer")
    try:
        report = city.sync(newcomer, city.inspector_a)
        assert report.problems == [] and status(newcomer)["last_error"] == ""
        with newcomer.session() as session:
            assert session.get(Hazard, later) is not None
    finally:
        newcomer.dispose()


def test_a_notice_naming_a_hazard_the_server_lacks_is_refused(city):
    notice = {"entity": "notice", "links": [str(uuid.uuid4())], "row": {
        "id": str(uuid.uuid4()), "number": "X", "prefix": "吕教安", "year": 2026, "seq": 998, "kind": "per_hazard",
        "language": "zh_CN", "issued_at": "2026-12-01T08:00:00.000000", "issued_by": "", "pdf_hash": "",
        "sync_clock": now_clock()}}
    (result,) = city.push(city.inspector_a, notice)
    assert result["status"] in ("missing_parent", "reference")


def test_a_hazard_on_another_organisations_floor_is_refused(city):
    item = with_event(hazard_item(city, city.hazard_a), "pin_moved",
                      {"floor_id": [str(city.floor_a), str(city.floor_b)]})
    (result,) = city.push(city.inspector_a, item)
    assert result["status"] == "reference" and "another organisation" in result["reason"]
    assert server_hazard(city, city.hazard_a).floor_id == city.floor_a


# --- finding 2: clock poisoning, and an inspector setting the organisation's address ---

@pytest.mark.parametrize("poison", ["zzzz", "9999999999999.99999." + "f" * 32, "", None])
def test_a_malformed_or_far_future_clock_is_refused(city, poison):
    building = copy.deepcopy(next(item for (entity, _id), item in city.pulled(city.inspector_a).items()
                                  if entity == "building"))
    building["row"].update(name="Poisoned", sync_clock=poison)
    (result,) = city.push(city.inspector_a, building)
    assert result["status"] in ("clock", "unchanged")  # a clock older than the stored one changes nothing
    db = city.server()
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).where(Building.name == "Poisoned")) == 0
    finally:
        db.dispose()


def test_an_admins_later_change_wins_after_a_poisoned_clock_was_tried(city):
    pulled = city.pulled(city.inspector_a)
    building = copy.deepcopy(next(item for (entity, _id), item in pulled.items() if entity == "building"))
    building["row"].update(name="Poisoned", sync_clock="9999999999999.99999." + "f" * 32)
    city.push(city.inspector_a, building)
    admins = city.laptop("admin")  # the bureau's own laptop, with everything pulled
    try:
        city.sync(admins, city.admin)
        with admins.session() as session:
            session.get(Building, uuid.UUID(building["row"]["id"])).name = "Dormitory, renamed by the admin"
        report = city.sync(admins, city.admin)
    finally:
        admins.dispose()
    assert report.refused == []
    after = city.pulled(city.inspector_a)[("building", building["row"]["id"])]
    assert after["row"]["name"] == "Dormitory, renamed by the admin"


def test_an_inspector_cannot_change_the_organisations_settings(city):
    organisation = copy.deepcopy(city.pulled(city.inspector_a)[("organisation", str(city.org_a))])
    organisation["row"].update(public_base_url="https://attacker.example", sync_clock=now_clock())
    (result,) = city.push(city.inspector_a, organisation)
    assert result["status"] == "forbidden" and "public_base_url" in result["reason"]
    db = city.server()
    try:
        with db.session() as session:
            assert session.get(Organisation, city.org_a).public_base_url == ""
    finally:
        db.dispose()
    (result,) = city.push(city.admin, organisation)  # the organisation's administrator may
    assert result["status"] == "accepted"
    organisation["row"].update(public_base_url="", sync_clock=now_clock())
    assert city.push(city.admin, organisation)[0]["status"] == "accepted"


# --- finding 3: no workflow on the server ---

FORGERIES = {
    "closing with no after-photo": dict(kind="fixed_on_spot", changes={"status": ["open", "closed"],
                                                                      "fixed_on_spot": [False, True]}, note="done"),
    "withdrawing without a reason": dict(kind="withdrawn", changes={"status": ["open", "withdrawn"]}),
    "a status that does not exist": dict(kind="rectification_started", changes={"status": ["open", "bogus"]}),
    "a severity that does not exist": dict(kind="edited", changes={"severity": ["general", "extreme"]}),
    "an event dated 9999-12-31": dict(kind="edited", changes={"room": ["", "101"]},
                                      at=dt.datetime(9999, 12, 31, tzinfo=dt.UTC)),
    "a kind the program never writes": dict(kind="teleported", changes={}),
    "an edit that moves the status": dict(kind="edited", changes={"status": ["open", "in_progress"]}),
    "a pin off the page": dict(kind="pin_moved", changes={"x": [0.3, 7.5]}),
    "a second creation": dict(kind="created", changes={}),
}


@pytest.mark.parametrize("forgery", FORGERIES, ids=list(FORGERIES))
def test_a_history_the_program_would_never_write_is_refused(city, forgery):
    before = server_hazard(city, city.hazard_a)
    item = with_event(hazard_item(city, city.hazard_a), **FORGERIES[forgery])
    (result,) = city.push(city.inspector_a, item)
    assert result["status"] == "workflow", result
    after = server_hazard(city, city.hazard_a)
    assert (after.status, after.severity, after.x, after.room) == (before.status, before.severity, before.x,
                                                                   before.room)


def test_found_at_cannot_be_rewritten_by_an_empty_edit(city):
    item = with_event(hazard_item(city, city.hazard_a), "edited", {}, found_at="2001-01-01T00:00:00.000000")
    (result,) = city.push(city.inspector_a, item)
    assert result["status"] == "workflow" and "found_at" in result["reason"]
    assert server_hazard(city, city.hazard_a).found_at.year >= 2026


def test_a_withdrawn_hazard_stays_withdrawn(city):
    withdrawn = city.add(city.laptop_a, city.floor_a, "false alarm")
    with city.laptop_a.session() as session:
        hazards.change_status(session, city.laptop_a.store, session.get(Hazard, withdrawn), "withdrawn", "wang",
                              note="recorded twice")
    assert city.sync(city.laptop_a, city.inspector_a).refused == []
    item = with_event(hazard_item(city, withdrawn), "rectification_started", {"status": ["withdrawn", "in_progress"]})
    (result,) = city.push(city.inspector_a, item)
    assert result["status"] == "workflow" and server_hazard(city, withdrawn).status == "withdrawn"


def test_what_the_program_writes_still_goes_through(city):
    """The rules refuse forgeries, not work: a real re-inspection with its after-photo, a pin moved,
    an edit, from the organisation's inspector."""
    with city.laptop_a.session() as session:
        hazard = session.get(Hazard, city.hazard_a)
        hazards.update_hazard(session, hazard, "wang", room="203")
        hazards.move_pin(session, hazard, "wang", 0.5, 0.5)
        hazards.change_status(session, city.laptop_a.store, hazard, "awaiting_reinspection", "wang")
    report = city.sync(city.laptop_a, city.inspector_a)
    assert report.refused == [] and report.problems == []
    after = server_hazard(city, city.hazard_a)
    assert (after.room, after.x, after.status) == ("203", 0.5, "awaiting_reinspection")


# --- finding 6 (rows): malformed but parseable input is refused, not a server error ---

MALFORMED_ROWS = {
    "a NUL byte in a description": lambda item: with_event(item, "edited", {"description": ["frayed cable",
                                                                                        "a\x00b"]}),
    "a severity longer than its column": lambda item: with_event(item, "edited", {"severity": ["general",
                                                                                              "x" * 500]}),
    "a hazard row without an id": lambda item: {**item, "row": {k: v for k, v in item["row"].items() if k != "id"}},
    "a hazard row with only an id": lambda item: {**item, "row": {"id": item["row"]["id"]}},
    "superseded garbage": lambda item: {**item, "superseded": [{"token": 5}]},
    "events that are not a list": lambda item: {**item, "events": 5},
    # A time that reads as one but has no UTC (before year 1): once an OverflowError, a 500.
    "an event at year 1 east of Greenwich": lambda item: _event_at(with_event(item, "edited", {"room": ["", "x"]}),
                                                                   "0001-01-01T00:00:00+08:00"),
}


def _event_at(item: dict[str, Any], at: str) -> dict[str, Any]:
    item["events"][-1]["at"] = at
    return item


@pytest.mark.parametrize("case", MALFORMED_ROWS, ids=list(MALFORMED_ROWS))
def test_a_malformed_hazard_row_is_refused_with_a_reason(city, case):
    answer = city.post(city.inspector_a, "push", {"replica_id": str(uuid.uuid4()),
                                                  "items": [MALFORMED_ROWS[case](hazard_item(city, city.hazard_a))]})
    if answer.status_code != 200:
        assert 400 <= answer.status_code < 500, answer.text
        return
    (result,) = answer.json()["results"]
    assert result["status"] not in ("accepted", "unchanged") and result["reason"]


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("row", [
    {"id": None, "name": "x"}, {"name": "no id"}, {"id": "not-a-uuid"},
    {"id": "@", "organisation_id": {"a": 1}}, {"id": str(uuid.uuid4()), "name": "y" * 100_000},
])
def test_a_malformed_site_row_is_refused(city, row):
    (result,) = city.push(city.inspector_a, {"entity": "site", "row": row})
    assert result["status"] == "malformed"


def test_an_attachment_without_its_hazard_and_a_deep_overlay_are_refused(city):
    attachment = {"entity": "attachment", "row": {
        "id": str(uuid.uuid4()), "role": "before", "file_hash": "0" * 64, "filename": "a.jpg", "mime": "image/jpeg",
        "sync_clock": now_clock()}}
    deep = copy.deepcopy(attachment)
    # Past a row's 32 levels of structure, within the 64 the HTTP layer takes for the whole body.
    deep["row"].update(id=str(uuid.uuid4()), hazard_id=str(city.hazard_a), overlay=nested(40))
    results = city.push(city.inspector_a, attachment, deep)
    assert [r["status"] for r in results] in (["missing_parent", "malformed"], ["malformed", "missing_parent"])


# --- finding 7: no cap on a push ---

def test_a_push_past_the_row_cap_is_refused_whole(city):
    junk = [{"entity": "building", "row": {"id": str(uuid.uuid4())}} for _ in range(MAX_PUSH_ITEMS + 1)]
    answer = city.post(city.inspector_a, "push", {"replica_id": str(uuid.uuid4()), "items": junk})
    assert answer.status_code == 413


def test_refusals_of_one_push_are_recorded_in_bounded_form(city):
    db = city.server()
    try:
        with db.session() as session:
            before = session.scalar(select(func.count()).select_from(SyncRefusal))
        junk = [{"entity": "site", "row": {"name": f"junk {n}"}} for n in range(500)]
        results = city.push(city.inspector_a, *junk)
        assert len(results) == 500 and {r["status"] for r in results} == {"malformed"}
        with db.session() as session:
            written = session.scalar(select(func.count()).select_from(SyncRefusal)) - before
            summary = session.scalars(select(SyncRefusal.reason).where(SyncRefusal.entity == "push")).all()
        assert written == REFUSALS_RECORDED + 1
        assert any(str(500 - REFUSALS_RECORDED) in reason for reason in summary)
    finally:
        db.dispose()


# --- finding 4: namespaces shared by all organisations ---

def test_two_organisations_made_by_demo_join_one_server_with_the_same_codes_and_notice_numbers(city):
    """Both demo schools are LL1 (as is the first organisation's) and both number their notices
    吕教安〔2026〕第0001号 before their first sync: each keeps its own, nobody's is refused."""
    from inspector_app.core.notice_register import reserve_notices

    numbers = []
    for name in ("demo-c", "demo-d"):
        path = city.work / f"{name}.sqlite"
        done = subprocess.run([sys.executable, "-m", "inspector_app", "--db", str(path), "--lang", "zh", "demo"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        db = open_database(sqlite_url(path))
        try:
            with db.session() as session:
                hazard = session.scalars(select(Hazard).order_by(Hazard.seq)).first()
                (notice,) = reserve_notices(session, [[hazard.id]], prefix="吕教安", kind="per_hazard",
                                            language="zh_CN", actor="wang")
                numbers.append(notice.number)
            report = city.sync(db, city.admin)
            assert report.refused == [] and report.problems == [], (report.refused, report.problems)
        finally:
            db.dispose()
    assert numbers[0] == numbers[1]
    server = city.server()
    try:
        with server.session() as session:
            from inspector_app.core.models import Notice, Site

            assert session.scalar(select(func.count()).where(Site.code == "LL1")) == 3
            assert session.scalar(select(func.count()).where(Notice.number == numbers[0])) == 2
    finally:
        server.dispose()


# --- issue 23: a pull reads the entries of its account's organisations, not the city's ---

def test_the_change_log_knows_each_entrys_organisation_and_a_pull_pages_through_its_own(city):
    db = city.server()
    try:
        from inspector_app.core.models import ChangeLog

        with db.session() as session:
            unknown = session.scalars(select(ChangeLog.entity).where(ChangeLog.organisation_id.is_(None))).all()
            ours = session.scalar(select(func.count()).where(ChangeLog.organisation_id == city.org_a))
        assert set(unknown) <= {"review"} and ours > 0
    finally:
        db.dispose()
    seen, cursor, pages = set(), 0, 0
    while True:
        page = city.post(city.inspector_a, "pull", {"cursor": cursor, "limit": 3}).json()
        seen |= {(item["entity"], str((item.get("row") or {}).get("id", item.get("id")))) for item in page["items"]}
        pages, cursor = pages + 1, page["cursor"]
        if not page["more"]:
            break
    assert ("hazard", str(city.hazard_a)) in seen and ("organisation", str(city.org_a)) in seen
    assert ("hazard", str(city.hazard_b)) not in seen and ("organisation", str(city.org_b)) not in seen
    assert pages > 1


def test_naming_another_organisations_photo_in_a_row_of_ones_own_does_not_open_it(city, tmp_path):
    """Knowing a photo's hash is not having it: a row of one's own naming another county's photo is
    answered as if the photo had not arrived, and the photo stays unreadable to that account."""
    from PIL import Image

    photo = tmp_path / "theirs.jpg"
    Image.new("RGB", (64, 48), "#225588").save(photo, format="JPEG")
    with city.laptop_b.session() as session:
        digest = hazards.attach_photo(session, city.laptop_b.store, session.get(Hazard, city.hazard_b), photo,
                                      role="before", actor="zhao").file_hash
    assert city.sync(city.laptop_b, city.admin).refused == []
    claim = {"entity": "attachment", "row": {
        "id": str(uuid.uuid4()), "hazard_id": str(city.hazard_a), "role": "before", "file_hash": digest,
        "filename": "mine.jpg", "mime": "image/jpeg", "width": 64, "height": 48, "overlay": {}, "created_by": "x",
        "sync_clock": now_clock()}}
    (result,) = city.push(city.inspector_a, claim)
    assert result["status"] == "file_missing"
    fetched = httpx.get(f"{city.base}/sync/files/{digest}", timeout=30, headers={
        "authorization": f"Bearer {city.inspector_a}", "x-inspector-sync": str(PROTOCOL_VERSION)})
    assert fetched.status_code == 404
