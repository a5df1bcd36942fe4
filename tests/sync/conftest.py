"""Shared-ledger test rig: a central ledger (SQLite, or PostgreSQL where a test asks) behind the real
sync API, reached in-process through Starlette's TestClient, and laptops with their own SQLite
ledgers that sync with it through the real HTTP client code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from inspector_app.core import accounts, audit, hazards, structure
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.models import Hazard, HazardEvent
from inspector_app.core.sync.run import SyncReport, synchronise
from inspector_app.web.sync.api import create_sync_app
from inspector_app.web.sync.client import HttpTransport


@dataclass
class Laptop:
    name: str
    db: Database
    actor: str

    def sync(self, central: Central, token: str | None = None) -> SyncReport:
        client = TestClient(central.app, base_url="http://central/sync")
        transport = HttpTransport("http://central", token or central.admin_token, client=client,
                                  sleep=lambda _s: None)
        try:
            return synchronise(self.db, transport, self.actor, server_url="http://central")
        finally:
            transport.close()


@dataclass
class Central:
    db: Database
    app: object
    admin_token: str

    def token(self, inspector: str, organisation: uuid.UUID, role: str = "inspector") -> str:
        with self.db.session() as session:
            return accounts.create_token(session, inspector, role, [organisation])[1]


def make_central(url: str, files: Path) -> Central:
    db = open_database(url, store_dir=files)
    with db.session() as session:
        _token, secret = accounts.create_token(session, "Bureau admin", "admin")
    return Central(db, Starlette(routes=[Mount("/sync", app=create_sync_app(db))]), secret)


@pytest.fixture
def central(tmp_path):
    rig = make_central(sqlite_url(tmp_path / "central.sqlite"), tmp_path / "central-files")
    yield rig
    rig.db.dispose()


@pytest.fixture
def laptops(tmp_path):
    made: list[Laptop] = []

    def make(name: str) -> Laptop:
        laptop = Laptop(name, open_database(sqlite_url(tmp_path / f"{name}.sqlite")), f"inspector {name}")
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.db.dispose()


def school(laptop: Laptop) -> dict[str, uuid.UUID]:
    """A county bureau with one school, one building and one floor, made on a laptop."""
    with laptop.db.session() as session:
        org = structure.create_organisation(session, "Lüliang Education Bureau", kind="county", notice_prefix="吕教安")
        site = structure.create_site(session, org, "No. 1 Middle School", code="LL1")
        building = structure.create_building(session, site, "Dormitory", "dormitory")
        floor = structure.create_floor(session, building, "1F", 1)
        return {"org": org.id, "site": site.id, "floor": floor.id}


def add(laptop: Laptop, catalogue, floor: uuid.UUID, description: str = "", photos=()) -> uuid.UUID:
    with laptop.db.session() as session:
        hazard = hazards.add_hazard(session, catalogue, laptop.db.store, actor=laptop.actor,
                                    category="electrical.aging_wiring", floor_id=floor, x=0.3, y=0.4,
                                    description=description, photos=list(photos))
        return hazard.id


def edit(laptop: Laptop, hazard_id: uuid.UUID, **values) -> None:
    with laptop.db.session() as session:
        hazards.update_hazard(session, session.get(Hazard, hazard_id), laptop.actor, **values)


def ledger_state(db: Database) -> dict[str, object]:
    """Everything that must agree between replicas: each hazard's fields and its whole chain."""
    with db.session() as session:
        rows = session.scalars(select(Hazard).order_by(Hazard.id)).all()
        chains = {}
        for event in session.scalars(select(HazardEvent).order_by(HazardEvent.hazard_id, HazardEvent.seq)):
            chains.setdefault(str(event.hazard_id), []).append((str(event.id), event.seq, event.hash))
        return {
            "hazards": {str(h.id): {**audit.snapshot(h), "seq": h.seq, "short_code": h.short_code} for h in rows},
            "chains": chains,
        }


def verified(db: Database) -> bool:
    with db.session() as session:
        report = audit.verify(session)
    assert report.ok, report.as_dict()
    return True
