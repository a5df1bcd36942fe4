"""`hazard edit` end to end on a temporary demo ledger: fields change and land in the history (audit
chain intact), bad input is one line on stderr with exit 1 and changes nothing, final hazards refuse."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def run(run):
    """The CLI of tests/unit/conftest.py, on a ledger holding the demo school."""
    assert run("demo")[0] == 0
    return run


def _open_hazard(run) -> dict:
    return json.loads(run("hazard", "list", "--status", "open")[1])[0]


def _show(run, ref: str) -> dict:
    code, out, err = run("hazard", "show", ref)
    assert code == 0, err
    return json.loads(out)


def test_edit_changes_the_fields_and_records_them(run):
    hazard = _open_hazard(run)
    code, out, err = run("hazard", "edit", hazard["number"], "--description", "Extension leads chained under a desk",
                         "--deadline", "2027-03-01", "--room", "301", "--severity", "major",
                         "--responsible-unit", "总务处", "--responsible-person", "王芳")
    assert code == 0, err
    edited = json.loads(out)
    assert (edited["description"], edited["deadline"], edited["room"], edited["severity"],
            edited["responsible_unit"], edited["responsible_person"]) == (
        "Extension leads chained under a desk", "2027-03-01", "301", "major", "总务处", "王芳")
    shown = _show(run, hazard["id"])
    assert {k: shown[k] for k in edited} == edited  # printed like `hazard show`, and really stored
    last = shown["history"][-1]
    assert (last["kind"], last["actor"]) == ("edited", "tester")
    code, out, _err = run("audit", "verify")
    assert code == 0 and json.loads(out)["ok"]


def test_editing_one_field_leaves_the_others(run):
    hazard = _open_hazard(run)
    before = _show(run, hazard["number"])
    assert run("hazard", "edit", hazard["short_code"], "--room", "Store room")[0] == 0
    after = _show(run, hazard["number"])
    assert after["room"] == "Store room"
    assert {k: v for k, v in after.items() if k not in ("room", "history")} == {
        k: v for k, v in before.items() if k not in ("room", "history")}


@pytest.mark.parametrize("args, message", [
    (("--deadline", "2027-02-30"), "'2027-02-30' is not a date"),
    (("--deadline", "next week", "--room", "X"), "'next week' is not a date"),
    (("--severity", "critical", "--room", "X"), "critical"),
    ((), "Nothing to change"),
])
def test_bad_input_is_one_line_and_changes_nothing(run, args, message):
    hazard = _open_hazard(run)
    before = _show(run, hazard["number"])
    code, out, err = run("hazard", "edit", hazard["number"], *args)
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _show(run, hazard["number"]) == before


def test_final_hazards_are_not_edited(run):
    closed = json.loads(run("hazard", "list", "--status", "closed")[1])[0]
    before = _show(run, closed["number"])
    code, _out, err = run("hazard", "edit", closed["number"], "--room", "X")
    assert code == 1 and "final" in err
    assert _show(run, closed["number"]) == before


def test_unknown_hazard_and_chinese_messages(run):
    code, _out, err = run("hazard", "edit", "NO-SUCH", "--room", "X")
    assert code == 1 and "NO-SUCH" in err
    hazard = _open_hazard(run)
    code, _out, err = run("hazard", "edit", hazard["number"], "--deadline", "tomorrow", lang="zh")
    assert code == 1 and "tomorrow" in err and "日期" in err
