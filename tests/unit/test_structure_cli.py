"""Setting up a campaign from a script: `site|building|floor add | rename | remove | list` on a new
ledger, JSON out, duplicate names and removal of places that hold something refused in one line."""

from __future__ import annotations

import json

from inspector_app.core.structure import add_building, add_floor, add_site


def _ok(run, *args, lang="en"):
    code, out, err = run(*args, lang=lang)
    assert code == 0, err
    return json.loads(out)


def test_a_campaign_is_set_up_from_the_command_line(run):
    site = _ok(run, "site", "add", "--name", "离石区第一中学", "--code", "ls1")
    assert site["kind"] == "site" and site["code"] == "LS1" and site["id"]
    building = _ok(run, "building", "add", "--site", site["id"], "--name", "宿舍楼", "--area-type", "dormitory")
    assert building["site_id"] == site["id"] and building["area_type"] == "dormitory"
    first = _ok(run, "floor", "add", "--building", building["id"], "--name", "1F")
    second = _ok(run, "floor", "add", "--building", building["id"], "--name", "2F")
    assert (first["level"], second["level"]) == (1, 2)

    renamed = _ok(run, "building", "rename", building["id"], "--name", "学生公寓")
    assert renamed["name"] == "学生公寓"
    tree = _ok(run, "site", "list")
    assert [s["name"] for s in tree] == ["离石区第一中学"]
    assert [b["name"] for b in tree[0]["buildings"]] == ["学生公寓"]
    assert [f["name"] for f in tree[0]["buildings"][0]["floors"]] == ["1F", "2F"]

    # A hazard on the first floor makes it, its building and its site impossible to remove.
    code, _out, err = run("hazard", "add", "--floor", first["id"], "--x", "0.5", "--y", "0.5",
                         "--category", "electrical.aging_wiring")
    assert code == 0, err
    code, _out, err = run("floor", "remove", first["id"])
    assert code == 1 and err.count("\n") == 1 and "1F" in err and "1 hazard" in err and "Traceback" not in err
    code, _out, err = run("building", "remove", building["id"])
    assert code == 1 and "2 floors" in err

    removed = _ok(run, "floor", "remove", second["id"])
    assert removed["removed"] and removed["id"] == second["id"]
    assert [f["name"] for f in _ok(run, "site", "list")[0]["buildings"][0]["floors"]] == ["1F"]


def test_duplicate_names_within_one_parent_are_refused(run):
    site = _ok(run, "site", "add", "--name", "School")
    building = _ok(run, "building", "add", "--site", site["id"], "--name", "Gym")
    _ok(run, "floor", "add", "--building", building["id"], "--name", "1F")
    code, out, err = run("floor", "add", "--building", building["id"], "--name", " 1f ")
    assert code == 1 and out == "" and err == "error: This building already has a floor named '1f'.\n"
    code, _out, err = run("building", "add", "--site", site["id"], "--name", "gym")
    assert code == 1 and "already has a building named 'gym'" in err
    code, _out, err = run("site", "add", "--name", "SCHOOL")
    assert code == 1 and "already a site named 'SCHOOL'" in err
    # The same name under another parent is fine, and renaming to one's own name too.
    other = _ok(run, "building", "add", "--site", site["id"], "--name", "Canteen")
    assert _ok(run, "floor", "add", "--building", other["id"], "--name", "1F")["name"] == "1F"
    assert _ok(run, "building", "rename", other["id"], "--name", "Canteen")["name"] == "Canteen"
    code, _out, err = run("building", "rename", other["id"], "--name", "GYM")
    assert code == 1 and "already has a building named 'GYM'" in err


def test_bad_ids_and_empty_names_get_one_line(run):
    assert run("init")[0] == 0
    code, _out, err = run("building", "add", "--site", "nonsense", "--name", "Gym")
    assert code == 1 and err == "error: 'nonsense' is not a valid site id.\n"
    site = _ok(run, "site", "add", "--name", "School")
    code, _out, err = run("building", "add", "--site", site["id"], "--name", "   ")
    assert code == 1 and err == "error: The building needs a name.\n"
    code, _out, err = run("site", "remove", "00000000-0000-0000-0000-000000000000")
    assert code == 1 and "No site with the id" in err


def test_messages_in_chinese(run):
    site = _ok(run, "site", "add", "--name", "School", lang="zh")
    _ok(run, "building", "add", "--site", site["id"], "--name", "Gym", lang="zh")
    code, _out, err = run("building", "add", "--site", site["id"], "--name", "Gym", lang="zh")
    assert code == 1 and "Gym" in err and "already" not in err
    code, _out, err = run("site", "remove", site["id"], lang="zh")
    assert code == 1 and "1" in err and "building" not in err


def test_site_codes_are_made_free_of_clashes(db):
    with db.session() as session:
        first = add_site(session, "A", code="S02")
        second = add_site(session, "B")
        third = add_site(session, "C")
        assert len({first.code, second.code, third.code}) == 3
        building = add_building(session, third.id, "Gym")
        assert [add_floor(session, building.id, n).level for n in ("1F", "2F")] == [1, 2]
