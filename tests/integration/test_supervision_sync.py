"""Supervision (督办) across the shared ledger (issue 25), with `inspector-app serve` on a real
PostgreSQL and laptops syncing over HTTP: an organisation's rules travel to its laptops like its other
settings and only its admin changes them; supervision by hand is an administrator's event, refused from
an inspector's push by the server and, once the laptop knows its token's role, by the laptop first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspector_app.core import hazards, structure
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import load_catalogue
from inspector_app.core.models import HazardEvent, Organisation, Replica, SyncRefusal
from inspector_app.core.supervision import set_rules, supervise
from inspector_app.core.sync.run import synchronise
from inspector_app.web.sync.client import HttpTransport
from tests.conftest import new_postgres_database
from tests.live_server import serve_process

pytestmark = pytest.mark.postgres


def cli(url: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--database-url", url, "--lang", "en", *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Shared:
    def __init__(self, url: str, base: str, work: Path) -> None:
        self.url, self.base, self.work = url, base, work
        self.admin = cli(url, "token", "create", "--inspector", "Bureau admin", "--role", "admin")["token"]
        self.bureau = self.laptop("bureau")
        with self.bureau.session() as session:
            org = structure.create_organisation(session, "Lüliang bureau", kind="county")
            site = structure.create_site(session, org, "No. 1 School", code="LL1")
            floor = structure.create_floor(session, structure.create_building(session, site, "Dormitory",
                                                                              "dormitory"), "1F", 1)
            self.org = org.id
            self.hazard = hazards.add_hazard(session, load_catalogue(), self.bureau.store, actor="wang",
                                             category="electrical.aging_wiring", floor_id=floor.id, x=0.3,
                                             y=0.4).id
        self.sync(self.bureau, self.admin)
        self.inspector = cli(url, "token", "create", "--inspector", "李伟", "--organisation", str(self.org))["token"]
        self.field = self.laptop("field")
        self.sync(self.field, self.inspector)

    def laptop(self, name: str) -> Database:
        return open_database(sqlite_url(self.work / f"{name}.sqlite"))

    def sync(self, db: Database, token: str) -> Any:
        transport = HttpTransport(self.base, token)
        try:
            return synchronise(db, transport, "wang", server_url=self.base)
        finally:
            transport.close()

    def server(self) -> Database:
        return open_database(self.url, store_dir=self.work / "files")


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Iterator[Shared]:
    work = tmp_path_factory.mktemp("supervision")
    with new_postgres_database() as url:
        cli_init = subprocess.run([sys.executable, "-m", "inspector_app", "--database-url", url, "init"],
                                  capture_output=True, text=True, timeout=120)
        assert cli_init.returncode == 0, cli_init.stderr
        with serve_process(["--database-url", url], "--files", str(work / "files")) as port:
            yield Shared(url, f"http://127.0.0.1:{port}", work)


def supervised_on_server(shared: Shared) -> list[str]:
    server = shared.server()
    try:
        with server.session() as session:
            return list(session.scalars(select(HazardEvent.note).where(
                HazardEvent.hazard_id == shared.hazard, HazardEvent.kind == "supervised")))
    finally:
        server.dispose()


def test_an_inspectors_laptop_knows_its_role_and_refuses_supervision_first(shared):
    with shared.field.session() as session:
        assert session.scalars(select(Replica)).one().role == "inspector"
        with pytest.raises(InspectorError, match="Only an administrator"):
            supervise(session, hazards.find_hazard(session, "LL1-0001"), "李伟", "late", 2)


def test_the_server_refuses_supervision_pushed_with_an_inspectors_token(shared):
    rogue = shared.laptop("rogue")  # a laptop that does not know (yet) what its token may do
    try:
        shared.sync(rogue, shared.inspector)
        with rogue.session() as session:
            session.scalars(select(Replica)).one().role = ""
            supervise(session, hazards.find_hazard(session, "LL1-0001"), "李伟", "not mine to say", 3)
        report = shared.sync(rogue, shared.inspector)
        assert [r["status"] for r in report.refused] == ["forbidden"]
        assert "is an administrator's" in report.refused[0]["reason"]
        assert "not mine to say" not in supervised_on_server(shared)
        server = shared.server()
        try:
            with server.session() as session:
                reasons = list(session.scalars(select(SyncRefusal.reason)))
            assert any("(supervised) is an administrator's" in reason for reason in reasons)
        finally:
            server.dispose()
    finally:
        rogue.dispose()


def test_the_admins_supervision_and_rules_reach_every_laptop_and_an_inspector_cannot_change_them(shared):
    with shared.bureau.session() as session:
        supervise(session, hazards.find_hazard(session, "LL1-0001"), "Bureau", "escape route blocked", 2)
        set_rules(session, session.get(Organisation, shared.org), {"remind_days_before": 7,
                                                                   "show_on_status_page": True})
    assert shared.sync(shared.bureau, shared.admin).refused == []
    assert "escape route blocked" in supervised_on_server(shared)
    shared.sync(shared.field, shared.inspector)
    with shared.field.session() as session:
        assert session.get(Organisation, shared.org).supervision == {"remind_days_before": 7,
                                                                    "show_on_status_page": True}
        assert [e.note for e in session.scalars(select(HazardEvent).where(
            HazardEvent.kind == "supervised", HazardEvent.hazard_id == shared.hazard))] == ["escape route blocked"]
        # The inspector's laptop may not change them: it says so at once, and should a laptop's own
        # code write them anyway, its push is refused and the server keeps the admin's.
        with pytest.raises(InspectorError, match="Only the administrator may change the settings"):
            set_rules(session, session.get(Organisation, shared.org), {"remind_days_before": 1})
        session.get(Organisation, shared.org).supervision = {"remind_days_before": 1}
    report = shared.sync(shared.field, shared.inspector)
    assert any("only an administrator may change its settings (supervision)" in r["reason"] for r in report.refused)
    server = shared.server()
    try:
        with server.session() as session:
            assert session.get(Organisation, shared.org).supervision["remind_days_before"] == 7
    finally:
        server.dispose()
