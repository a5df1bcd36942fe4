"""Schema migrations: one head; the first schema, with data in it, upgrades to the newest and the
data survives; everything downgrades to nothing and upgrades again. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import inspect, text

from inspector_app.core import db as dbmod
from inspector_app.core.models import Base

FIRST_REVISION = "0001"


def test_there_is_exactly_one_head():
    assert len(dbmod.migration_heads()) == 1


def _fill_first_schema(engine) -> dict[str, str]:
    ids = {name: uuid.uuid4().hex for name in ("org", "site", "building", "floor", "hazard", "event", "notice")}
    statements = [
        ("INSERT INTO organisations (id, name, kind, notice_prefix, show_personal_data, created_at) "
         "VALUES (:org, 'Bureau', 'county', 'X', false, '2026-01-01 00:00:00')"),
        ("INSERT INTO sites (id, organisation_id, name, code, address, created_at) "
         "VALUES (:site, :org, 'School', 'S1', '', '2026-01-01 00:00:00')"),
        ("INSERT INTO buildings (id, site_id, name, area_type, sort_order) "
         "VALUES (:building, :site, 'Dormitory', 'dormitory', 0)"),
        "INSERT INTO floors (id, building_id, name, level) VALUES (:floor, :building, '1F', 1)",
        ("INSERT INTO hazards (id, site_id, seq, number, floor_id, page, x, y, room, area_type, category, "
         "severity, description, legal_basis, required_measures, interim_safeguards, responsible_unit, "
         "responsible_person, funding, deadline, fixed_on_spot, status, public_token, short_code, found_at, "
         "updated_at) VALUES (:hazard, :site, 1, 'S1-0001', :floor, 0, 0.5, 0.5, '101', 'dormitory', "
         "'electrical.aging_wiring', 'general', 'frayed cable', '', '', '', '', '', '', '2026-02-01', false, "
         "'open', 'tok', 'ABCDEFGH', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
        ("INSERT INTO hazard_events (id, hazard_id, seq, kind, actor, at, data, note, prev_hash, hash) "
         "VALUES (:event, :hazard, 1, 'created', 'wang', '2026-01-01 00:00:00', '{}', '', '0', 'h')"),
        ("INSERT INTO notices (id, number, prefix, year, seq, kind, language, issued_at, issued_by, pdf_hash) "
         "VALUES (:notice, 'X〔2026〕第0001号', 'X', 2026, 1, 'per_hazard', 'zh_CN', '2026-01-02 00:00:00', "
         "'wang', '')"),
        "INSERT INTO notice_hazards (notice_id, hazard_id, position) VALUES (:notice, :hazard, 0)",
    ]
    with engine.begin() as conn:
        postgres = engine.dialect.name == "postgresql"
        params = {k: str(uuid.UUID(v)) for k, v in ids.items()} if postgres else ids
        for statement in statements:
            conn.execute(text(statement), params)
    return ids


def _roundtrip(url: str) -> None:
    engine = dbmod.make_engine(url)
    try:
        dbmod.upgrade(engine, FIRST_REVISION)
        ids = _fill_first_schema(engine)
        dbmod.upgrade(engine, "head")
        assert dbmod.current_revision(engine) == dbmod.migration_heads()[0]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT number FROM hazards")).scalar_one() == "S1-0001"
            assert conn.execute(text("SELECT count(*) FROM hazard_events")).scalar_one() == 1
            # 0009: a hazard from before major-hazard decisions is under no rule (and its history
            # never mentions one, so `audit verify` does not look for it).
            assert conn.execute(text("SELECT major_rule FROM hazards")).scalar_one() == ""
            # A notice learns its organisation from the hazard it covers (numbers run per organisation).
            organisation = conn.execute(text("SELECT organisation_id FROM notices")).scalar_one()
            assert uuid.UUID(str(organisation)) == uuid.UUID(ids["org"])
            # An organisation from before 0010 has no supervision rules of its own: it inherits them all.
            rules = conn.execute(text("SELECT supervision FROM organisations")).scalar_one()
            assert (json.loads(rules) if isinstance(rules, str) else rules) == {}
        # The migrated schema is the schema the models describe.
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        # ... with the indexes the models name (a missing one is a scan a migration forgot to spare).
        for table in Base.metadata.sorted_tables:
            migrated = {index["name"] for index in inspect(engine).get_indexes(table.name)}
            assert {index.name for index in table.indexes} <= migrated, table.name
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        dbmod.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        dbmod.upgrade(engine, "head")
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_first_schema_with_data_upgrades_and_everything_downgrades(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


@pytest.mark.postgres
def test_postgresql_first_schema_with_data_upgrades_and_everything_downgrades(postgres_url):
    _roundtrip(postgres_url)


def test_opening_a_database_migrates_it_and_turns_on_wal_and_foreign_keys(tmp_path):
    database = dbmod.open_database(f"sqlite:///{tmp_path / 'new.sqlite'}")
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert dbmod.current_revision(database.engine) == dbmod.migration_heads()[0]
    finally:
        database.dispose()


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path, english):
    from inspector_app.core.errors import InspectorError

    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(InspectorError, match=r"notes\.sqlite"):
        dbmod.open_database(f"sqlite:///{bogus}")
    assert bogus.read_bytes().startswith(b"this is a text file"), "the file must be left as it was"


@pytest.mark.postgres
def test_the_servers_change_log_learns_each_entrys_organisation_when_upgraded(postgres_url):
    """Entries logged before 0007 get the organisation of the row they name (a pull then reads only its
    account's); an entry whose row is gone stays empty, and pulls still read it."""
    engine = dbmod.make_engine(postgres_url)
    try:
        dbmod.upgrade(engine, "0006")
        ids = _fill_first_schema(engine)
        gone = uuid.uuid4()
        with engine.begin() as conn:
            for entity, entity_id in (("organisation", ids["org"]), ("site", ids["site"]), ("floor", ids["floor"]),
                                      ("hazard", ids["hazard"]), ("event", ids["event"]), ("notice", ids["notice"]),
                                      ("attachment", gone.hex)):
                conn.execute(text("INSERT INTO change_log (entity, entity_id, deleted, source, at) "
                                  "VALUES (:entity, :id, false, 'pushed', now())"),
                             {"entity": entity, "id": str(uuid.UUID(entity_id))})
        dbmod.upgrade(engine, "head")
        with engine.connect() as conn:
            found = dict(conn.execute(text("SELECT entity, organisation_id FROM change_log")).all())
        assert {entity: org for entity, org in found.items() if org is not None} == {
            entity: uuid.UUID(ids["org"]) for entity in ("organisation", "site", "floor", "hazard", "event", "notice")}
        assert found["attachment"] is None
    finally:
        engine.dispose()


def _drift(url: str) -> list[object]:
    """What the migrated schema lacks or has beyond the models (alembic's autogenerate comparison)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = dbmod.open_database(url)
    try:
        with database.engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        database.dispose()


def test_the_migrations_make_the_schema_the_models_describe_on_sqlite(tmp_path):
    """A column or index added to a model without its migration (or the other way round) would leave
    the laptops' ledgers unlike a new one: none is missing either way."""
    assert _drift(f"sqlite:///{tmp_path / 'ledger.sqlite'}") == []


@pytest.mark.postgres
def test_the_migrations_make_the_schema_the_models_describe_on_postgresql(postgres_url):
    assert _drift(postgres_url) == []
