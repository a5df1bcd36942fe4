"""Supervision (督办) by rule (issue 25): under a fixed clock one hazard walks through every level, with
the default rules of forms/supervision.yaml and with an organisation's own; the level is derived
(never stored) and the same in `hazard list` (both read paths), the ledger's rows and filter, and the
exports; an administrator puts a hazard under supervision by hand with a note."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from inspector_app.core import dates, ledger, structure
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.forms_files import check_supervision_file
from inspector_app.core.hazards import add_hazard, change_status, find_hazard
from inspector_app.core.models import Organisation, Replica
from inspector_app.core.queries import list_hazards
from inspector_app.core.supervision import ids_at_least
from inspector_app.core.supervision_rules import (
    LISTED,
    NONE,
    REMINDER,
    SUPERVISED,
    SupervisionRules,
    default_rules,
    level_for,
    rule_problems,
    rules_from_text,
)
from inspector_app.exports.ledger_table import ledger_lines
from inspector_app.paths import builtin_forms_dir

BEIJING = dt.timezone(dt.timedelta(hours=8))
DEADLINE = dt.date(2026, 5, 20)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=BEIJING)


@pytest.fixture
def school(run, catalogue):
    """A bureau with a school below it and one general and one major hazard due on DEADLINE."""
    database = open_database(sqlite_url(run.db))
    with dates.fixed_clock(noon(dt.date(2026, 5, 1)), BEIJING), database.session() as session:
        bureau = structure.create_organisation(session, "Bureau", kind="county")
        school = structure.create_organisation(session, "School", parent=bureau)
        site = structure.create_site(session, school, "Campus", code="SC")
        building = structure.create_building(session, site, "Dormitory", "dormitory")
        floor = structure.create_floor(session, building, "1F", 1)
        ids = {"bureau": bureau.id, "school": school.id}
        for name, severity in (("general", "general"), ("major", "major")):
            ids[name] = add_hazard(session, catalogue, database.store, actor="wang", category="electrical.aging_wiring",
                                   floor_id=floor.id, x=0.5, y=0.5, severity=severity, deadline=DEADLINE).id
    yield database, ids
    database.dispose()


def listed_levels(run, day: dt.date) -> dict[str, int]:
    """`hazard list --format json` on ``day``: the fast sqlite3 path and the ORM path must agree."""
    with dates.fixed_clock(noon(day), BEIJING):
        code, out, err = run("hazard", "list")
        assert code == 0, err
        quick = {row["number"]: row["supervision_level"] for row in json.loads(out)}
        database = open_database(sqlite_url(run.db))
        try:
            with database.session() as session:
                orm = {row.number: row.supervision_level for row in list_hazards(session)}
        finally:
            database.dispose()
    assert quick == orm
    return quick


def walk(run, days: dict[int, tuple[int, int]]) -> None:
    for offset, (general, major) in days.items():
        day = DEADLINE + dt.timedelta(days=offset)
        assert listed_levels(run, day) == {"SC-0001": general, "SC-0002": major}, day


def test_one_hazard_walks_through_every_level_under_the_default_rules(run, school):
    assert default_rules() == SupervisionRules(3, 1, 30, True, False)  # forms/supervision.yaml as shipped
    walk(run, {-10: (NONE, NONE), -4: (NONE, NONE), -3: (REMINDER, REMINDER), 0: (REMINDER, REMINDER),
               1: (SUPERVISED, LISTED), 29: (SUPERVISED, LISTED), 30: (LISTED, LISTED), 90: (LISTED, LISTED)})


def test_an_organisations_own_rules_and_what_its_schools_inherit(run, school):
    _database, ids = school
    code, out, err = run("org", "set", "--organisation", str(ids["bureau"]), "--remind-days", "7",
                         "--supervise-after", "5", "--list-after", "10", "--major-listed", "no")
    assert code == 0, err
    assert json.loads(out)["effective"]["supervision"] == {
        "remind_days_before": 7, "supervise_after_days": 5, "list_after_days": 10,
        "major_listed_at_deadline": False, "show_on_status_page": False}
    # The school inherits the bureau's rules, key by key, and overrides one of its own.
    code, out, err = run("org", "set", "--organisation", str(ids["school"]), "--list-after", "20")
    assert code == 0, err
    assert json.loads(out)["supervision"] == {"list_after_days": 20}
    walk(run, {-8: (NONE, NONE), -7: (REMINDER, REMINDER), 4: (REMINDER, REMINDER), 5: (SUPERVISED, SUPERVISED),
               19: (SUPERVISED, SUPERVISED), 20: (LISTED, LISTED)})
    code, out, err = run("org", "set", "--organisation", str(ids["school"]), "--list-after", "inherit")
    assert code == 0 and json.loads(out)["supervision"] == {}
    walk(run, {10: (LISTED, LISTED)})


@pytest.mark.parametrize(("args", "words"), [
    (("--supervise-after", "0"), "from 1 to 365"),
    (("--remind-days", "soon"), "a number of days or inherit"),
    (("--major-listed", "maybe"), "yes, no or inherit"),
    (("--supervise-after", "20", "--list-after", "10"), "cannot start before supervision"),
])
def test_rules_that_make_no_sense_are_refused_and_nothing_changes(run, school, args, words):
    database, ids = school
    code, _out, err = run("org", "set", "--organisation", str(ids["bureau"]), *args)
    assert code != 0 and words in err
    with database.session() as session:
        assert session.get(Organisation, ids["bureau"]).supervision == {}


def test_only_unfixed_hazards_are_ruled_and_a_finished_one_never_supervised(run, school, jpeg_photo):
    database, _ids = school
    with dates.fixed_clock(noon(DEADLINE), BEIJING), database.session() as session:
        hazard = find_hazard(session, "SC-0001")
        change_status(session, database.store, hazard, "awaiting_reinspection", "wang")
    walk(run, {40: (NONE, LISTED)})  # reported fixed: the unit's deadline no longer binds it
    with dates.fixed_clock(noon(DEADLINE), BEIJING), database.session() as session:
        change_status(session, database.store, find_hazard(session, "SC-0001"), "closed", "li", photos=[jpeg_photo])
        change_status(session, database.store, find_hazard(session, "SC-0002"), "withdrawn", "li", note="dup")
    walk(run, {40: (NONE, NONE)})


def test_an_administrator_supervises_by_hand_with_a_note_and_it_is_history(run, school):
    _database, _ids = school
    code, _out, err = run("hazard", "supervise", "SC-0001", "--note", "  ")
    assert code != 0 and "needs a note" in err
    with dates.fixed_clock(noon(dt.date(2026, 5, 2)), BEIJING):
        code, out, err = run("hazard", "supervise", "SC-0001", "--level", "3", "--note", "dormitory escape route")
    assert code == 0, err
    assert json.loads(out)["supervision_level"] == LISTED
    walk(run, {-10: (LISTED, NONE), 1: (LISTED, LISTED)})  # by hand before its deadline, and it stays
    assert listed_levels(run, dt.date(2026, 5, 1)) == {"SC-0001": NONE, "SC-0002": NONE}  # not before it was set
    code, out, _err = run("hazard", "show", "SC-0001")
    last = json.loads(out)["history"][-1]
    assert (last["kind"], last["note"]) == ("supervised", "dormitory escape route")


def test_a_laptop_syncing_with_an_inspectors_token_refuses_it_first(run, school):
    database, _ids = school
    with database.session() as session:
        replica = session.query(Replica).one()  # this ledger's own, as a first sync leaves it
        replica.server_url, replica.role = "https://fire.example.cn", "inspector"
    code, _out, err = run("hazard", "supervise", "SC-0001", "--note", "late")
    assert code != 0 and "Only an administrator" in err
    with database.session() as session:
        session.query(Replica).one().role = "admin"
    code, _out, err = run("hazard", "supervise", "SC-0001", "--note", "late")
    assert code == 0, err


def test_the_ledger_filters_by_level_and_the_export_shows_it(school, catalogue):
    database, ids = school
    day = DEADLINE + dt.timedelta(days=2)
    with dates.fixed_clock(noon(day), BEIJING), database.session() as session:
        assert set(ids_at_least(session, SUPERVISED)) == {ids["general"], ids["major"]}
        assert ids_at_least(session, LISTED) == [ids["major"]]
        listed = ledger.ledger_ids(session, ledger.LedgerFilter(supervision_min=LISTED))
        assert [ledger.as_uuid(i) for i in listed] == [ids["major"]]
        assert ledger.count(session, ledger.LedgerFilter(supervision_min=REMINDER)) == 2
        rows = ledger.rows_by_id(session, [ids["general"], ids["major"]])
        assert {r.number: r.supervision_level for r in rows.values()} == {"SC-0001": 2, "SC-0002": 3}
        lines = ledger_lines(session, catalogue)
        assert [line.values["supervision"] for line in lines] == ["Supervised", "Listed supervision"]
    with dates.fixed_clock(noon(DEADLINE - dt.timedelta(days=10)), BEIJING), database.session() as session:
        assert [line.values["supervision"] for line in ledger_lines(session, catalogue)] == ["", ""]


# --- the rules themselves -----------------------------------------------------------------------------

def test_the_level_rule_at_its_edges():
    rules = SupervisionRules(remind_days_before=0, supervise_after_days=3, list_after_days=3,
                             major_listed_at_deadline=False)
    due = dt.date(2026, 1, 10)
    assert level_for(rules, "open", "general", due, due) == REMINDER  # the deadline's own day
    assert level_for(rules, "open", "general", due, due - dt.timedelta(days=1)) == NONE
    assert level_for(rules, "open", "major", due, due + dt.timedelta(days=2)) == REMINDER
    assert level_for(rules, "in_progress", "general", due, due + dt.timedelta(days=3)) == LISTED
    assert level_for(rules, "open", "general", None, due) == NONE
    assert level_for(rules, "awaiting_reinspection", "general", None, due, manual=SUPERVISED) == SUPERVISED
    assert level_for(rules, "closed", "general", due, due + dt.timedelta(days=9), manual=LISTED) == NONE
    assert level_for(rules, "open", "general", None, due, manual=REMINDER) == NONE  # not a level set by hand


def test_rule_values_are_checked_one_way_everywhere():
    assert rule_problems({"remind_days_before": 0, "show_on_status_page": True}) == []
    keys = [key for key, _message in rule_problems({"remind_days_before": -1, "list_after_days": 731,
                                                    "supervise_after_days": True, "major_listed_at_deadline": "yes",
                                                    "colour": "red"})]
    assert sorted(keys) == ["colour", "list_after_days", "major_listed_at_deadline", "remind_days_before",
                            "supervise_after_days"]
    assert [key for key, _m in rule_problems({}, complete=True)] == [
        "remind_days_before", "supervise_after_days", "list_after_days", "major_listed_at_deadline",
        "show_on_status_page"]


def test_forms_check_reads_the_rules_file_and_names_the_line(tmp_path: Path, english):
    assert check_supervision_file(builtin_forms_dir() / "supervision.yaml") == []
    text = (builtin_forms_dir() / "supervision.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "supervision.yaml"
    bad.write_text(text.replace("list_after_days: 30", "list_after_days: thirty"), encoding="utf-8")
    [(path, line, message)] = check_supervision_file(bad)
    assert path == bad and text.splitlines()[line - 1].startswith("list_after_days") and "thirty" in message
    bad.write_text(text.replace("supervise_after_days: 1", "supervise_after_days: 40"), encoding="utf-8")
    assert "cannot start before supervision" in check_supervision_file(bad)[0][2]
    # YAML would read a flow mapping (or a quoted number) differently from the program's flat reader.
    bad.write_text(text + "\n", encoding="utf-8")
    assert check_supervision_file(bad) == []
    bad.write_text(text.replace("show_on_status_page: false", "show_on_status_page: false  # no"), encoding="utf-8")
    assert check_supervision_file(bad) == []
    with pytest.raises(ValueError, match="'version: 1' is needed"):
        rules_from_text(text.replace("version: 1", "version: 2"))


def test_the_public_status_page_shows_the_level_only_if_the_organisation_chooses(run, school, catalogue):
    from inspector_app.web.app import StatusService

    database, ids = school
    with database.session() as session:
        token = find_hazard(session, "SC-0002").public_token
    with dates.fixed_clock(noon(DEADLINE + dt.timedelta(days=1)), BEIJING):
        body = json.loads(StatusService(database, catalogue, 0).render(token, "en", "", True, "/h/x")[1])
        page = StatusService(database, catalogue, 0).render(token, "zh_CN", "", False, "/h/x")[1].decode()
    assert "supervision_level" not in body and "挂牌督办" not in page
    code, _out, err = run("org", "set", "--organisation", str(ids["bureau"]), "--public-supervision", "yes")
    assert code == 0, err
    with dates.fixed_clock(noon(DEADLINE + dt.timedelta(days=1)), BEIJING):
        body = json.loads(StatusService(database, catalogue, 0).render(token, "en", "", True, "/h/x")[1])
        page = StatusService(database, catalogue, 0).render(token, "zh_CN", "", False, "/h/x")[1].decode()
    assert body["supervision_level"] == LISTED and "挂牌督办" in page
