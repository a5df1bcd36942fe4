"""The bureau's roll-up (core.rollup and `inspector-app summary`) against hazards made here through
the use cases, with the expected figures worked out by this test from its own list of hazards; the
same checks on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import event

from inspector_app.cli import main
from inspector_app.core import structure
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.hazards import add_hazard, change_status
from inspector_app.core.major_hazards import GroupDecision, decide
from inspector_app.core.rollup import rollup
from inspector_app.i18n import current_language, set_language

TODAY = dt.date(2026, 6, 15)
WIRING, EXIT, EXTINGUISHER = "electrical.aging_wiring", "evacuation.locked_exit", "fire_equipment.extinguisher_missing"


@dataclass(frozen=True)
class Spec:
    site: str  # site code
    category: str
    severity: str
    deadline: int  # days from TODAY (negative: already past)
    fate: str  # open / in_progress / awaiting / closed / spot / withdrawn
    confirmed: bool = False  # confirmed a major hazard under a rule (core.major_hazards) when recorded


# Region > county LS (school org > A1; A2 directly under the county), county JC > B1; and a private
# owner with no county above it (O1 counts under itself).
HAZARDS = [
    Spec("A1", WIRING, "major", -5, "open"),          # overdue, major open
    Spec("A1", WIRING, "general", -1, "in_progress"),  # overdue
    Spec("A1", EXIT, "general", -3, "awaiting"),       # past deadline but awaiting re-inspection: not overdue
    Spec("A1", EXIT, "general", 10, "spot"),           # fixed on the spot
    Spec("A1", EXTINGUISHER, "major", -9, "closed", confirmed=True),  # closed: not open, nor listed any more
    Spec("A1", WIRING, "general", -2, "withdrawn"),    # out of the fix rate, not overdue
    Spec("A2", EXIT, "major", 0, "open"),              # deadline today: not yet overdue; major open
    Spec("A2", EXIT, "general", 7, "spot"),
    Spec("A2", WIRING, "major", -4, "withdrawn"),      # major but withdrawn: not open
    Spec("B1", EXTINGUISHER, "general", -20, "open"),  # overdue
    Spec("B1", WIRING, "major", 30, "in_progress"),    # major open, not overdue
    Spec("B1", EXIT, "major", -6, "awaiting", confirmed=True),  # major open, not overdue; listed supervision
    Spec("B1", EXTINGUISHER, "general", 5, "spot"),
    Spec("O1", WIRING, "general", -1, "closed"),
]
COUNTY_OF_SITE = {"A1": "离石区教育局", "A2": "离石区教育局", "B1": "交城县教育局", "O1": "博文教育集团"}
SITE_NAMES = {"A1": "离石区第一中学", "A2": "离石区实验小学", "B1": "交城县第二中学", "O1": "博文学校"}
FINAL = {"closed", "spot", "withdrawn"}
STATUS_OF_FATE = {"open": "open", "in_progress": "in_progress", "awaiting": "awaiting_reinspection",
                  "closed": "closed", "spot": "closed", "withdrawn": "withdrawn"}


def expected(specs: list[Spec]) -> dict:
    """The figures worked out by hand from the list, independently of the code under test."""
    counted = [s for s in specs if s.fate != "withdrawn"]
    spot = sum(s.fate == "spot" for s in specs)
    return {
        "total": len(specs),
        "by_status": {status: sum(STATUS_OF_FATE[s.fate] == status for s in specs)
                      for status in ("open", "in_progress", "awaiting_reinspection", "closed", "withdrawn")},
        "by_severity": {sev: sum(s.severity == sev for s in specs) for sev in ("general", "major")},
        "overdue": sum(s.deadline < 0 and s.fate in ("open", "in_progress") for s in specs),
        "fixed_on_spot": spot,
        "counted": len(counted),
        "fix_rate": spot / len(counted) if counted else None,
        "major_open": sum(s.severity == "major" and s.fate not in FINAL for s in specs),
        "major_listed": sum(s.confirmed and s.fate not in FINAL for s in specs),
    }


def _walk(session, store, hazard, fate: str, photo) -> None:
    if fate == "open":
        return
    if fate == "spot":
        change_status(session, store, hazard, "closed", "tester", note="当场整改", photos=[photo])
        return
    if fate == "withdrawn":
        change_status(session, store, hazard, "withdrawn", "tester", note="重复登记")
        return
    change_status(session, store, hazard, "in_progress", "tester")
    if fate == "in_progress":
        return
    change_status(session, store, hazard, "awaiting_reinspection", "tester", note="已整改")
    if fate == "closed":
        change_status(session, store, hazard, "closed", "tester", note="复查合格", photos=[photo])


def build_ledger(database, catalogue, photo, specs=HAZARDS) -> dict[str, str]:
    """The organisations, sites and hazards of ``specs``; returns organisation ids by short name."""
    with database.session() as session:
        region = structure.create_organisation(session, "吕梁市教育局", kind="region")
        lishi = structure.create_organisation(session, "离石区教育局", kind="county", parent=region)
        jiaocheng = structure.create_organisation(session, "交城县教育局", kind="county", parent=region)
        school = structure.create_organisation(session, "离石区第一中学", kind="school", parent=lishi)
        school_b = structure.create_organisation(session, "交城县第二中学", kind="school", parent=jiaocheng)
        owner = structure.create_organisation(session, "博文教育集团", kind="owner")
        homes = {"A1": school, "A2": lishi, "B1": school_b, "O1": owner}
        sites = {code: structure.create_site(session, org, SITE_NAMES[code], code=code)
                 for code, org in homes.items()}
        structure.create_site(session, jiaocheng, "交城县新建小学", code="B2")  # no hazards yet
        for spec in specs:
            hazard = add_hazard(session, catalogue, database.store, actor="tester", category=spec.category,
                                site_id=sites[spec.site].id, severity=spec.severity,
                                deadline=TODAY + dt.timedelta(days=spec.deadline), today=TODAY)
            if spec.confirmed:
                decide(session, catalogue, hazard, "edu2024.3.1.9", confirm=True, actor="tester", today=TODAY,
                       group=GroupDecision(("王", "李", "张"), TODAY, "重大事故隐患"))
            _walk(session, database.store, hazard, spec.fate, photo)
        return {"region": str(region.id), "lishi": str(lishi.id), "school": str(school.id),
                "owner": str(owner.id)}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "central.sqlite")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def central(database_url, tmp_path, catalogue, jpeg_photo):
    database = open_database(database_url, store_dir=tmp_path / "files")
    orgs = build_ledger(database, catalogue, jpeg_photo)
    yield database, orgs
    database.dispose()


def same(actual: dict, wanted: dict) -> bool:
    """Equal figures, the fix rate (a float) to within rounding."""
    rate, wanted_rate = actual.get("fix_rate"), wanted.get("fix_rate")
    rates_match = rate == wanted_rate if None in (rate, wanted_rate) else rate == pytest.approx(wanted_rate)
    rest = {k: v for k, v in actual.items() if k != "fix_rate"}
    return rates_match and rest == {k: v for k, v in wanted.items() if k != "fix_rate"}


def _figures(data: dict) -> dict:
    return {key: data[key] for key in ("total", "by_status", "by_severity", "overdue", "fixed_on_spot",
                                       "counted", "fix_rate", "major_open", "major_listed")}


def test_by_county_groups_sites_under_their_nearest_county(central, catalogue):
    database, _orgs = central
    with database.session() as session:
        data = rollup(session, catalogue, by="county", today=TODAY).as_json()
    groups = {g["name"]: g for g in data["groups"]}
    assert set(groups) == {"离石区教育局", "交城县教育局", "博文教育集团"}
    for county in groups:
        wanted = expected([s for s in HAZARDS if COUNTY_OF_SITE[s.site] == county])
        assert same(_figures(groups[county]), wanted), county
    assert [groups[c]["sites"] for c in ("离石区教育局", "交城县教育局", "博文教育集团")] == [2, 2, 1]
    # The same figures written out by hand for the first county, as a check on the oracle itself.
    lishi = groups["离石区教育局"]
    assert (lishi["total"], lishi["overdue"], lishi["fixed_on_spot"], lishi["counted"], lishi["major_open"]) \
        == (9, 2, 2, 7, 2)
    assert lishi["fix_rate"] == pytest.approx(2 / 7)
    assert lishi["by_category"] == {WIRING: 4, EXIT: 4, EXTINGUISHER: 1}
    assert same(data["totals"], {"sites": 5, **expected(HAZARDS)})
    assert data["totals"]["by_status"]["withdrawn"] == 2


def test_by_site_has_every_school_and_the_major_open_list(central, catalogue):
    database, _orgs = central
    with database.session() as session:
        data = rollup(session, catalogue, by="site", today=TODAY).as_json()
    groups = {g["code"]: g for g in data["groups"]}
    assert set(groups) == {"A1", "A2", "B1", "B2", "O1"}
    for code, group in groups.items():
        assert group["county"] == {**COUNTY_OF_SITE, "B2": "交城县教育局"}[code]
        assert same(_figures(group), expected([s for s in HAZARDS if s.site == code])), code
        assert group["by_category"] == dict(Counter(s.category for s in HAZARDS if s.site == code))
    assert groups["B2"]["total"] == 0 and groups["B2"]["fix_rate"] is None
    major = {m["code"]: m for m in data["major_open_sites"]}
    assert set(major) == {"A1", "A2", "B1"}
    assert (major["B1"]["major_open"], major["A1"]["major_open"], major["A2"]["major_open"]) == (2, 1, 1)
    assert major["A1"]["overdue"] == 1 and major["A2"]["overdue"] == 0 and major["B1"]["overdue"] == 0
    assert major["B1"]["earliest_deadline"] == (TODAY - dt.timedelta(days=6)).isoformat()
    assert data["major_open_sites"][0]["code"] == "B1"  # the most major hazards first
    # Counted apart: B1's confirmed hazard is under listed supervision; A1's confirmed one is closed.
    assert (major["B1"]["major_listed"], major["A1"]["major_listed"], major["A2"]["major_listed"]) == (1, 0, 0)
    assert data["totals"]["major_listed"] == 1
    labels = {c["code"]: c["label"] for c in data["categories"]}
    assert labels[WIRING] == catalogue.categories[WIRING].name.get()
    by_category = {c["code"]: c for c in data["categories"]}
    assert same(_figures(by_category[EXIT]), expected([s for s in HAZARDS if s.category == EXIT]))


def test_an_organisation_limits_the_rollup_to_itself_and_below(central, catalogue):
    database, orgs = central
    with database.session() as session:
        lishi = rollup(session, catalogue, by="site", organisation_id=_uuid(orgs["lishi"]), today=TODAY)
        school = rollup(session, catalogue, by="county", organisation_id=_uuid(orgs["school"]), today=TODAY)
        region = rollup(session, catalogue, by="county", organisation_id=_uuid(orgs["region"]), today=TODAY)
    assert {g.code for g in lishi.groups} == {"A1", "A2"}
    assert same(lishi.as_json()["totals"],
        {"sites": 2, **expected([s for s in HAZARDS if s.site in ("A1", "A2")])})
    # A school's own figures still show under its county's name.
    assert [g.name for g in school.groups] == ["离石区教育局"] and school.totals.total == 6
    assert {g.name for g in region.groups} == {"离石区教育局", "交城县教育局"}
    assert region.totals.total == sum(s.site != "O1" for s in HAZARDS)
    assert [m.code for m in region.major_open_sites] == ["B1", "A1", "A2"]


def test_the_number_of_queries_does_not_grow_with_the_hazards(central, catalogue, jpeg_photo):
    """Aggregated in SQL: twice the hazards, the same statements."""
    database, _orgs = central
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def count() -> int:
        statements.clear()
        with database.session() as session:
            rollup(session, catalogue, by="county", today=TODAY)
        return len(statements)

    before = count()
    with database.session() as session:
        from inspector_app.core.models import Site

        site = session.query(Site).filter(Site.code == "A1").one()
        for _ in range(len(HAZARDS)):
            add_hazard(session, catalogue, database.store, actor="tester", category=WIRING, site_id=site.id,
                       severity="general", today=TODAY)
    assert count() == before <= 8


def test_summary_command_prints_json_and_refuses_bad_input(central, database_url, capsys):
    _database, orgs = central

    def run(*args: str) -> tuple[int, str, str]:
        before = current_language()  # --lang switches the process-wide language: put it back
        try:
            code = main(["--database-url", database_url, "--lang", "en", "summary", *args])
        finally:
            set_language(before)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = run("--by", "county", "--date", TODAY.isoformat())
    assert code == 0, err
    data = json.loads(out)
    assert data["by"] == "county" and data["date"] == "2026-06-15" and data["organisation"] is None
    assert same(data["totals"], {"sites": 5, **expected(HAZARDS)})
    code, out, err = run("--by", "site", "--organisation", orgs["lishi"], "--date", TODAY.isoformat())
    assert code == 0, err
    data = json.loads(out)
    assert data["organisation"]["name"] == "离石区教育局" and {g["code"] for g in data["groups"]} == {"A1", "A2"}
    for bad, message in ((("--organisation", "not-an-id"), "not a valid organisation id"),
                         (("--organisation", "00000000-0000-0000-0000-000000000000"), "No organisation"),
                         (("--date", "15/06/2026"), "is not a date"),
                         (("--xlsx", "/no/such/folder/r.xlsx"), "does not exist")):
        code, out, err = run(*bad)
        assert code == 1 and out == "" and message in err and len(err.strip().splitlines()) == 1


def _uuid(text: str):
    import uuid

    return uuid.UUID(text)
