"""The organisation's settings in the ledger: validation, inheritance from parents, which organisation
is meant, phone reachability, `org show|set`, printing with them (CLI), and the one-time move of a
user's old per-user values into the ledger. The core runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import argparse
import json

import pytest

from inspector_app.app.context import AppContext, ledger_key
from inspector_app.cli import main
from inspector_app.core import structure
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import add_hazard
from inspector_app.core.models import Organisation
from inspector_app.core.organisation import (
    FALLBACK_BASE_URL,
    choose_organisation,
    effective_settings,
    migrate_user_settings,
    normalise_base_url,
    set_organisation,
    settings_for_hazards,
    unreachable_from_phones,
)
from inspector_app.core.settings import Settings, load_settings, save_settings, settings_path
from inspector_app.i18n import use_language


@pytest.mark.parametrize("value, expected", [
    ("http://192.168.1.20:8470/", "http://192.168.1.20:8470"),
    ("  https://status.example.cn/lvliang//  ", "https://status.example.cn/lvliang"),
    ("HTTPS://Example.cn", "HTTPS://Example.cn"),
    ("http://[fe80::1]:8470", "http://[fe80::1]:8470"),
    ("", ""),
])
def test_good_base_urls_are_normalised(value, expected):
    assert normalise_base_url(value) == expected


@pytest.mark.parametrize("value", [
    "192.168.1.20:8470", "ftp://host/x", "http://", "https:///path", "http://host/?a=1", "http://host/#top",
    "http://host:99999", "http://host:port", "http://bad host/",
])
def test_bad_base_urls_name_the_value(english, value):
    with pytest.raises(InspectorError) as excinfo:
        normalise_base_url(value)
    assert value.strip() in str(excinfo.value)


@pytest.mark.parametrize("url, unreachable", [
    ("", True), ("http://127.0.0.1:8470", True), ("http://127.8.9.1", True), ("http://localhost:8470", True),
    ("http://LOCALHOST", True), ("http://app.localhost", True), ("http://[::1]:8470", True),
    ("http://0.0.0.0:8470", True), ("http://169.254.10.3", True), ("http://[fe80::1]", True),
    ("http://[::ffff:127.0.0.1]", True), ("http://[::]:80", True),
    ("http://192.168.1.20:8470", False), ("http://10.0.0.5", False), ("https://status.example.cn", False),
    ("http://school-laptop.local:8470", False), ("http://[2001:db8::5]", False),
])
def test_which_addresses_phones_cannot_reach(url, unreachable):
    assert unreachable_from_phones(url) is unreachable


def _tree(session):
    """A city with a county under it, a school under the county and a site of the school."""
    city = structure.create_organisation(session, "City", kind="region")
    county = structure.create_organisation(session, "County", kind="county", parent=city)
    school = structure.create_organisation(session, "School", kind="school", parent=county)
    site = structure.create_site(session, school, "Campus", code="C1")
    return city, county, school, site


def _check_inheritance_and_choice(db):
    with db.session() as session:
        city, county, school, _site = _tree(session)
        set_organisation(session, city, public_base_url="https://city.example.cn/", language="zh_CN")
        set_organisation(session, county, notice_prefix="县教安", public_base_url="http://10.1.1.5:8470")
        effective = effective_settings(session, school)
        assert (effective.public_base_url, effective.notice_prefix, effective.language, effective.name) == (
            "http://10.1.1.5:8470", "县教安", "zh_CN", "School")
        assert effective.sources == {"public_base_url": county.id, "notice_prefix": county.id,
                                     "language": city.id, "name": school.id}
        # Clearing the county's address: the school falls back on the city's.
        assert set_organisation(session, county, public_base_url="") == {
            "public_base_url": ["http://10.1.1.5:8470", ""]}
        assert effective_settings(session, school).public_base_url == "https://city.example.cn"
        assert choose_organisation(session).id == city.id
        assert choose_organisation(session, str(school.id)).id == school.id
        structure.create_organisation(session, "Another city", kind="region")
        with pytest.raises(InspectorError, match="--organisation"):
            choose_organisation(session)
        with pytest.raises(InspectorError, match="not-a-uuid"):
            choose_organisation(session, "not-a-uuid")


def test_inheritance_and_choice_on_sqlite(db, english):
    _check_inheritance_and_choice(db)


@pytest.mark.postgres
def test_inheritance_and_choice_on_postgresql(postgres_url, tmp_path, english):
    db = open_database(postgres_url, store_dir=tmp_path / "files")
    try:
        _check_inheritance_and_choice(db)
    finally:
        db.dispose()


def test_no_organisation_is_a_clear_error(db, english):
    with db.session() as session, pytest.raises(InspectorError, match="no organisation"):
        choose_organisation(session)


def test_a_bad_value_changes_nothing(db, english):
    with db.session() as session:
        org = structure.create_organisation(session, "Bureau")
        with pytest.raises(InspectorError, match="fr_FR"):
            set_organisation(session, org, notice_prefix="X", language="fr_FR")
        assert org.notice_prefix == ""
        with pytest.raises(InspectorError, match="Nothing to change"):
            set_organisation(session, org)
        with pytest.raises(InspectorError, match="name"):
            set_organisation(session, org, name="  ")


def test_hazards_of_organisations_with_different_addresses_are_not_printed_together(db, catalogue, english):
    with db.session() as session:
        _city, county, school, site = _tree(session)
        other = structure.create_site(session, county, "County office", code="C2")
        floors = [structure.create_floor(session, structure.create_building(session, s, "B"), "1F", 1)
                  for s in (site, other)]
        hazards = [add_hazard(session, catalogue, db.store, actor="t", category="electrical.aging_wiring",
                              floor_id=f.id, x=0.5, y=0.5).id for f in floors]
        found = settings_for_hazards(session, hazards)
        assert (found.base_url, found.unreachable) == (FALLBACK_BASE_URL, True)
        assert found.organisation_id == _city.id  # nobody has one: it is saved at the top of the chain
        set_organisation(session, county, public_base_url="http://10.1.1.5:8470")
        found = settings_for_hazards(session, hazards)
        assert (found.base_url, found.unreachable, found.organisation_id) == (
            "http://10.1.1.5:8470", False, county.id)
        set_organisation(session, school, public_base_url="http://10.2.2.2")
        with pytest.raises(InspectorError, match="separately"):
            settings_for_hazards(session, hazards)


# --- the command line ------------------------------------------------------------------------------


def test_org_show_and_set(run):
    assert run("init")[0] == 0
    code, _out, err = run("org", "show")
    assert code == 1 and "no organisation" in err and "Traceback" not in err
    assert run("demo")[0] == 0
    code, out, err = run("org", "show")
    shown = json.loads(out)
    assert code == 0, err
    assert {"id", "name", "kind", "parent", "public_base_url", "notice_prefix", "language", "effective"} <= set(shown)
    assert shown["public_base_url"] == "" and shown["effective"]["reachable_from_phones"] is False
    code, out, err = run("org", "set", "--public-base-url", "http://192.168.1.20:8470/", "--notice-prefix", "吕教",
                         "--language", "en", "--name", "Lüliang bureau")
    assert code == 0 and err == ""
    changed = json.loads(out)
    assert (changed["public_base_url"], changed["notice_prefix"], changed["language"], changed["name"]) == (
        "http://192.168.1.20:8470", "吕教", "en", "Lüliang bureau")
    assert changed["effective"]["reachable_from_phones"] is True
    code, out, _err = run("org", "show", "--organisation", shown["id"])
    assert json.loads(out)["public_base_url"] == "http://192.168.1.20:8470"
    code, out, err = run("org", "set", "--language", "de")
    assert code == 1 and "'de'" in err and len(err.strip().splitlines()) == 1
    code, out, err = run("org", "set", "--public-base-url", "http://127.0.0.1:8470")
    assert code == 0 and "phones cannot reach" in err


def test_cli_prints_with_the_organisations_address_and_warns_when_phones_cannot_reach_it(run, tmp_path):
    from tests.notices.test_notices import decoded_qr_per_page

    assert run("demo")[0] == 0
    # A hazard still within its deadline: a notice for an overdue one needs a new deadline first.
    hazard = next(h for h in json.loads(run("hazard", "list", "--status", "open")[1]) if not h["overdue"])
    code, out, err = run("labels", hazard["number"], "--grid", "2x5", "--out", str(tmp_path / "a.pdf"))
    assert code == 0 and len(err.strip().splitlines()) == 1 and "phones cannot reach" in err
    assert decoded_qr_per_page(tmp_path / "a.pdf") == [[f"{FALLBACK_BASE_URL}/h/{hazard['token']}"]]
    assert run("org", "set", "--public-base-url", "https://status.example.cn/ll", "--notice-prefix", "市教安")[0] == 0
    code, out, err = run("labels", hazard["number"], "--grid", "2x5", "--out", str(tmp_path / "b.pdf"))
    assert code == 0 and err == ""
    assert decoded_qr_per_page(tmp_path / "b.pdf") == [[f"https://status.example.cn/ll/h/{hazard['token']}"]]
    code, out, err = run("notice", hazard["number"], "--out", str(tmp_path / "n.pdf"))
    assert code == 0 and err == ""
    assert json.loads(out)["notices"][0].startswith("市教安")


# --- the one-time move of per-user values ------------------------------------------------------------


def _context(path, settings: Settings) -> AppContext:
    context = AppContext(settings=settings)
    context.configure(argparse.Namespace(db=str(path), database_url=None, actor="t", forms=[]))
    return context


def _bureau_values(path) -> tuple[str, str]:
    db = open_database(sqlite_url(path))
    with db.session() as session:
        org = session.query(Organisation).one()
        values = (org.public_base_url, org.notice_prefix)
    db.dispose()
    return values


def test_user_settings_move_into_the_ledger_once(tmp_path):
    path = tmp_path / "ledger.sqlite"
    db = open_database(sqlite_url(path))
    with db.session() as session:
        structure.create_organisation(session, "Bureau", kind="county")
    db.dispose()
    save_settings(Settings(public_base_url="http://192.168.1.20:8470/", notice_prefix="吕教安"))

    context = _context(path, load_settings())
    context.db  # noqa: B018 - opening the ledger is what moves the values
    context.close()
    assert _bureau_values(path) == ("http://192.168.1.20:8470", "吕教安")
    assert load_settings().migrated_ledgers == [ledger_key(sqlite_url(path.resolve()))]
    assert str(path) not in settings_path().read_text(encoding="utf-8")

    # The organisation clears its address later: opening the ledger again must not bring it back.
    main(["--db", str(path), "org", "set", "--public-base-url", "", "--notice-prefix", ""])
    context = _context(path, load_settings())
    context.db  # noqa: B018
    context.close()
    assert _bureau_values(path) == ("", "")


def test_the_move_fills_only_empty_fields_and_waits_for_an_organisation(tmp_path):
    path = tmp_path / "ledger.sqlite"
    save_settings(Settings(public_base_url="http://192.168.1.20:8470", notice_prefix="吕教安"))
    context = _context(path, load_settings())
    context.db  # noqa: B018 - a new ledger without organisations: nothing to move into yet
    context.close()
    assert load_settings().migrated_ledgers == []

    db = open_database(sqlite_url(path))
    with db.session() as session:
        structure.create_organisation(session, "Bureau", kind="county", notice_prefix="县教安")
    db.dispose()
    context = _context(path, load_settings())
    context.db  # noqa: B018
    context.close()
    assert _bureau_values(path) == ("http://192.168.1.20:8470", "县教安")  # its own prefix is kept


def test_default_user_settings_move_nothing(tmp_path):
    path = tmp_path / "ledger.sqlite"
    db = open_database(sqlite_url(path))
    with db.session() as session:
        structure.create_organisation(session, "Bureau", kind="county")
    db.dispose()
    context = _context(path, Settings())
    context.db  # noqa: B018
    context.close()
    assert _bureau_values(path) == ("", "")
    assert load_settings().migrated_ledgers == []


@pytest.mark.postgres
def test_migration_use_case_on_postgresql(postgres_url, tmp_path):
    db = open_database(postgres_url, store_dir=tmp_path / "files")
    try:
        with db.session() as session:
            assert migrate_user_settings(session, "http://10.0.0.9:8470", "P") is None
            a = structure.create_organisation(session, "A", kind="county")
            b = structure.create_organisation(session, "B", kind="county", notice_prefix="B")
            child = structure.create_organisation(session, "Child", parent=a)
            assert sorted(migrate_user_settings(session, "http://10.0.0.9:8470/", "P") or []) == sorted([a.id, b.id])
            assert (a.public_base_url, a.notice_prefix, b.notice_prefix, child.public_base_url) == (
                "http://10.0.0.9:8470", "P", "B", "")
            assert migrate_user_settings(session, "not a url", "") == []
    finally:
        db.dispose()


def test_chinese_messages(db):
    with use_language("zh_CN"), pytest.raises(InspectorError) as excinfo:
        normalise_base_url("ftp://x")
    assert "ftp://x" in str(excinfo.value) and "地址" in str(excinfo.value)


def test_notices_are_in_the_organisations_language_unless_lang_is_given(run, capsys, tmp_path):
    from sqlalchemy import select

    from inspector_app.core.models import Notice

    assert run("demo")[0] == 0
    hazards = [h["number"] for h in json.loads(run("hazard", "list", "--status", "open")[1]) if not h["overdue"]][:2]
    assert run("org", "set", "--language", "en", "--public-base-url", "http://10.0.0.8:8470")[0] == 0
    assert main(["--db", str(run.db), "notice", hazards[0], "--out", str(tmp_path / "a.pdf")]) == 0
    assert main(["--db", str(run.db), "--lang", "zh", "notice", hazards[1], "--out", str(tmp_path / "b.pdf")]) == 0
    capsys.readouterr()
    db = open_database(sqlite_url(run.db))
    with db.session() as session:
        languages = list(session.scalars(select(Notice.language).order_by(Notice.seq)))
    db.dispose()
    assert languages == ["en", "zh_CN"]
