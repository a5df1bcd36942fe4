"""`hazard major` and the major-hazard part of `hazard show` end to end on the demo ledger: the e-bike
in the lobby is proposed under item 6 (rule id, reference, text), confirming it needs three names and
records the decision, declining needs a reason, lowering a confirmed severity needs one too; every
refusal is one line on stderr with exit 1 and changes nothing, and `audit verify` passes after each."""

from __future__ import annotations

import json

import pytest

EBIKE_RULE = "edu2024.3.1.6"


@pytest.fixture
def run(run):
    """The CLI of tests/unit/conftest.py, on a ledger holding the demo school (in Chinese)."""
    assert run("demo", lang="zh")[0] == 0
    return run


def show(run, ref: str) -> dict:
    code, out, err = run("hazard", "show", ref)
    assert code == 0, err
    return json.loads(out)


def ebike(run) -> dict:
    rows = json.loads(run("hazard", "list", "--status", "open")[1])
    return next(r for r in rows if r["category"] == "electrical.ebike_indoor_charging")


def audit_ok(run) -> bool:
    code, out, _err = run("audit", "verify")
    return code == 0 and json.loads(out)["ok"]


def test_show_proposes_the_ebike_in_the_lobby_under_item_6(run):
    shown = show(run, ebike(run)["number"])
    assert shown["major_rule"] is None and shown["major_decisions"] == []
    [candidate] = shown["major_candidates"]
    assert (candidate["rule"], candidate["reference"]) == (EBIKE_RULE, "Art. 3 (1), item 6")
    assert candidate["text"] == "电动自行车(含电池)入楼或私拉乱接电线、飞线充电的。"
    assert candidate["questions"][0] == "Is the e-bike or its battery inside the building?"
    assert "item 10" in candidate["status"]


def test_the_demos_confirmed_hazard_shows_its_rule_and_group_decision(run):
    rows = json.loads(run("hazard", "list")[1])
    [listed] = [r for r in rows if r["major_rule"]]
    shown = show(run, listed["number"])
    rule = shown["major_rule"]
    assert (rule["id"], rule["listed_supervision"], rule["edition"]) == ("edu2024.3.1.9", True, "2024-06-24.1")
    assert len(rule["group"]["names"]) == 3 and rule["group"]["conclusion"]
    assert shown["major_candidates"] == [] and shown["severity"] == "major"


def test_confirming_from_the_command_line_records_the_group_decision(run):
    number = ebike(run)["number"]
    code, out, err = run("hazard", "major", number, "--rule", EBIKE_RULE, "--confirm", "--answers", "yes,-",
                         "--names", "王建国, 李秀英", "--names", "张伟", "--decided-on", "2026-01-05",
                         "--conclusion", "判定为重大事故隐患", "--experts", "赵一,钱二,孙三", "--votes-for", "3",
                         "--votes-against", "0")
    assert code == 0, err
    result = json.loads(out)
    assert (result["severity"], result["major_rule"]["id"]) == ("major", EBIKE_RULE)
    assert result["major_rule"]["group"] == {
        "names": ["王建国", "李秀英", "张伟"], "decided_on": "2026-01-05", "conclusion": "判定为重大事故隐患",
        "experts": {"names": ["赵一", "钱二", "孙三"], "for": 3, "against": 0}}
    [decision] = result["major_decisions"]
    assert [a["answer"] for a in decision["answers"]] == [True, None]
    assert show(run, number)["history"][-1]["kind"] == "major_decided"
    listed = [r for r in json.loads(run("hazard", "list")[1]) if r["major_rule"]]
    assert number in {r["number"] for r in listed}
    assert audit_ok(run)


@pytest.mark.parametrize(("args", "message"), [
    (("--confirm", "--names", "王建国,李秀英", "--conclusion", "c"), "at least 3 people; 2 named"),
    (("--confirm", "--conclusion", "c"), "--names"),
    (("--confirm", "--names", "a,b,c"), "conclusion"),
    (("--confirm", "--names", "a,b,c", "--conclusion", "c", "--decided-on", "5 Jan"), "'5 Jan' is not a date"),
    (("--confirm", "--names", "a,b,c", "--conclusion", "c", "--answers", "no,no"), "do not support"),
    (("--confirm", "--names", "a,b,c", "--conclusion", "c", "--answers", "maybe"), "'maybe' is not an answer"),
    (("--decline",), "needs a reason"),
])
def test_a_refused_decision_is_one_line_and_changes_nothing(run, args, message):
    number = ebike(run)["number"]
    before = show(run, number)
    code, out, err = run("hazard", "major", number, "--rule", EBIKE_RULE, *args)
    assert code == 1 and out == "" and message in err and len(err.strip().splitlines()) == 1, err
    assert show(run, number) == before


def test_an_unknown_rule_names_the_known_ones(run):
    code, _out, err = run("hazard", "major", ebike(run)["number"], "--rule", "edu2024.3.1.10", "--decline",
                          "--reason", "r")
    assert code == 1 and "edu2024.3.1.10" in err and "edu2024.3.1.9" in err


def test_declining_and_lowering_each_need_a_reason(run):
    number = ebike(run)["number"]
    code, out, err = run("hazard", "major", number, "--rule", EBIKE_RULE, "--decline", "--answers", "no,no",
                         "--reason", "停放在室外车棚，不在楼内")
    assert code == 0, err
    declined = json.loads(out)
    assert declined["major_candidates"] == [] and declined["major_rule"] is None
    assert declined["major_decisions"][-1]["decision"] == "declined"
    # The demo's confirmed hazard: lowering its severity needs a reason, which its history keeps.
    confirmed = next(r for r in json.loads(run("hazard", "list")[1]) if r["major_rule"])["number"]
    code, _out, err = run("hazard", "edit", confirmed, "--severity", "general")
    assert code == 1 and "needs a reason (--reason)" in err
    assert show(run, confirmed)["severity"] == "major"
    code, out, err = run("hazard", "edit", confirmed, "--severity", "general", "--reason", "防盗网已改为可开启逃生窗")
    assert code == 0, err
    lowered = show(run, confirmed)
    assert (lowered["severity"], lowered["major_rule"]) == ("general", None)
    assert (lowered["history"][-1]["kind"], lowered["history"][-1]["note"]) == ("severity_lowered",
                                                                                 "防盗网已改为可开启逃生窗")
    assert audit_ok(run)
