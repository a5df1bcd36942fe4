"""What a major-hazard decision is, as data, and what makes one valid: the group decision (at least three
names, a date, a conclusion, optionally an expert review) and the event that records a confirmation or
a declining, or a confirmed hazard's severity lowered. Pure rules, no session: the laptop's use cases
(core.major_hazards) check them before writing, and the central server (core.event_rules) checks every
pushed event with the same functions, so neither accepts what the other would refuse.

Sources (../shared/MAJOR-HAZARD-SOURCES.md): a possible major hazard is decided collectively; 2017
secondary sources name a group of at least three people, and an expert review of at least seven with
two thirds agreeing. The program requires the three names; an expert review is recorded as given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inspector_app.i18n import _

MAJOR_DECIDED = "major_decided"
SEVERITY_LOWERED = "severity_lowered"
CONFIRMED, DECLINED = "confirmed", "declined"
MIN_GROUP = 3
MAX_NAME = 100
MAX_NAMES = 50
MAX_RULE_ID = 80
# The fields a decision or a lowering may change (both tracked by the audit chain).
DECISION_FIELDS = frozenset({"severity", "major_rule"})


@dataclass(frozen=True)
class GroupDecision:
    """Who decided, when and what; optionally the expert review the group took."""

    names: tuple[str, ...]
    decided_on: dt.date
    conclusion: str
    experts: tuple[str, ...] = ()
    votes_for: int | None = None
    votes_against: int | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"names": list(self.names), "decided_on": self.decided_on.isoformat(),
                                "conclusion": self.conclusion}
        if self.experts or self.votes_for is not None or self.votes_against is not None:
            data["experts"] = {"names": list(self.experts), "for": self.votes_for, "against": self.votes_against}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroupDecision:
        experts = data.get("experts") or {}
        return cls(names=tuple(data.get("names", ())), decided_on=dt.date.fromisoformat(data["decided_on"]),
                   conclusion=str(data.get("conclusion", "")), experts=tuple(experts.get("names", ())),
                   votes_for=experts.get("for"), votes_against=experts.get("against"))


def listed_label() -> str:
    """The mark of a confirmed major hazard not yet fixed, in the current language: it stays under listed
    supervision (挂牌督办) until it is closed."""
    return _("listed supervision")


def listed_level_label() -> str:
    """The level of a hazard under listed supervision where there is room for a word or two (a
    ledger column): major, and listed."""
    return _("Major · listed")


def listed(major_rule: str, status: str) -> bool:
    """Whether a hazard (its rule and status) is a confirmed major hazard not yet fixed."""
    return bool(major_rule) and status not in ("closed", "withdrawn")


def clean_names(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Names as given (one per entry, or several split at commas), trimmed, empty ones and repeats dropped."""
    found: list[str] = []
    for entry in names:
        for name in entry.replace("，", ",").replace("、", ",").split(","):
            name = name.strip()
            if name and name not in found:
                found.append(name)
    return tuple(found)


def group_problem(data: Any, today: dt.date | None = None) -> str | None:
    """Why a group decision (as an event holds it) is not one the program records, or None."""
    if not isinstance(data, dict):
        return _("a confirmation needs the group decision (who decided, when, the conclusion)")
    names = data.get("names")
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() and len(n) <= MAX_NAME for n in names):
        return _("the group decision's names are not a list of names")
    if len({n.strip() for n in names}) < MIN_GROUP:
        return _("a major hazard is decided by a group of at least {count} people; {given} named").format(
            count=MIN_GROUP, given=len({n.strip() for n in names}))
    if len(names) > MAX_NAMES:
        return _("the group decision names more than {count} people").format(count=MAX_NAMES)
    try:
        decided_on = dt.date.fromisoformat(str(data.get("decided_on")))
    except ValueError:
        return _("the group decision's date is not a date (YYYY-MM-DD)")
    if today is not None and decided_on > today + dt.timedelta(days=1):
        return _("the group decision is dated {date}, in the future").format(date=decided_on.isoformat())
    conclusion = data.get("conclusion")
    if not isinstance(conclusion, str) or not conclusion.strip():
        return _("the group decision needs its conclusion")
    experts = data.get("experts")
    if experts is not None:
        return _experts_problem(experts)
    return None


def _experts_problem(experts: Any) -> str | None:
    if not isinstance(experts, dict):
        return _("the expert review is not a record of names and votes")
    names = experts.get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() and len(n) <= MAX_NAME for n in names):
        return _("the expert review's names are not a list of names")
    votes = [experts.get("for"), experts.get("against")]
    for vote in votes:
        if vote is not None and (isinstance(vote, bool) or not isinstance(vote, int) or vote < 0):
            return _("an expert vote is a count of 0 or more")
    cast = sum(v for v in votes if isinstance(v, int))
    if names and cast > len(names):
        return _("{cast} expert votes were counted, but {count} experts are named").format(cast=cast, count=len(names))
    return None


def decision_problem(data: dict[str, Any], note: str, new: dict[str, Any], major_rule_before: str,
                     today: dt.date | None = None) -> str | None:
    """Why a "major_decided" event (its data, note and the new values of its changes) is not one the
    program writes, or None. ``major_rule_before``: the hazard's rule before the event ("" if none)."""
    decision = data.get("decision")
    rule = data.get("rule")
    rule_id = rule.get("id") if isinstance(rule, dict) else None
    if not isinstance(rule_id, str) or not rule_id or len(rule_id) > MAX_RULE_ID:
        return _("a decision names the rule it was made under")
    if not DECISION_FIELDS.issuperset(new):
        return _("a decision changes only the severity and the rule")
    answers = data.get("answers", [])
    if not isinstance(answers, list) or not all(
            isinstance(a, dict) and a.get("answer") in (True, False, None) for a in answers):
        return _("the answers to the rule's questions are not yes, no or unanswered")
    if decision == DECLINED:
        if new:
            return _("declining a rule changes nothing on the hazard")
        if not note.strip():
            return _("declining a rule needs a reason")
        return None
    if decision != CONFIRMED:
        return _("a decision either confirms or declines")
    if "severity" in new and new["severity"] != "major":
        return _("a confirmed major hazard's severity is major")
    # A rebased confirmation may have lost a change the other laptop had made already: only what it
    # still sets is checked, and the rule it leaves must be its own.
    after = new.get("major_rule", major_rule_before)
    if after != rule_id:
        return _("a confirmation under {rule} leaves the hazard under {after!r}").format(rule=rule_id, after=after)
    return group_problem(data.get("group"), today)


def lowering_problem(note: str, new: dict[str, Any]) -> str | None:
    """Why a "severity_lowered" event is not one the program writes, or None."""
    if not DECISION_FIELDS.issuperset(new):
        return _("lowering a confirmed major hazard changes only the severity and the rule")
    if "severity" in new and new["severity"] == "major":
        return _("lowering a severity does not make it major")
    if new.get("major_rule", "") != "":
        return _("lowering a confirmed major hazard's severity takes it out from under its rule")
    if not note.strip():
        return _("lowering a confirmed major hazard's severity needs a reason")
    return None
