"""Supervision (督办) by rule: the rules, checking them, and the level one hazard is at on a day.

The level is derived like "overdue" (core.workflow.is_overdue), from the hazard's status, severity and
deadline, today's date and its organisation's rules, each time it is shown, so it cannot go stale:
0 none, 1 reminder (提醒), 2 supervision (督办), 3 listed supervision (挂牌督办). An administrator's
"supervised" event (core.supervision) raises it by hand while the hazard is unfinished.

The defaults are bureau data in forms/supervision.yaml, a flat "key: value" file read here without
YAML (`hazard list` must not load it, tests/unit/test_cli_startup.py); `forms check` also reads it with
YAML and fails if the two readings differ. An organisation's own values (organisations.supervision,
synced like its other settings) override them key by key, inherited from its parents. ``rule_problems``
is the one check of values, for the file, `org set` and the central server's check of a push.
No SQLAlchemy and no Qt here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from inspector_app.i18n import N_, _

NONE, REMINDER, SUPERVISED, LISTED = 0, 1, 2, 3
LEVEL_LABELS = {NONE: N_("None"), REMINDER: N_("Reminder"), SUPERVISED: N_("Supervised"),
                LISTED: N_("Listed supervision")}
# Read at a glance in the ledger and on paper: blue reminds, orange supervises, red is listed.
LEVEL_COLOURS = {NONE: "#757575", REMINDER: "#1565c0", SUPERVISED: "#e65100", LISTED: "#c62828"}
# Levels an administrator may set by hand (a reminder is only ever the rules' own).
MANUAL_LEVELS = (SUPERVISED, LISTED)
# Statuses the rules count: the deadline binds the responsible unit until it reports the fix (as overdue).
RULED_STATES = frozenset({"open", "in_progress"})
FINAL_STATES = frozenset({"closed", "withdrawn"})
RULES_FILE = "supervision.yaml"


@dataclass(frozen=True)
class SupervisionRules:
    remind_days_before: int = 3
    supervise_after_days: int = 1
    list_after_days: int = 30
    major_listed_at_deadline: bool = True
    show_on_status_page: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


INT_KEYS = {"remind_days_before": (0, 90), "supervise_after_days": (1, 365), "list_after_days": (1, 730)}
BOOL_KEYS = ("major_listed_at_deadline", "show_on_status_page")
RULE_KEYS = (*INT_KEYS, *BOOL_KEYS)


def level_label(level: int) -> str:
    return _(LEVEL_LABELS.get(level, LEVEL_LABELS[NONE]))


def rule_problems(values: Mapping[str, Any], complete: bool = False) -> list[tuple[str, str]]:
    """What is wrong with rule values, as (key, message): unknown keys, a number out of its range,
    a yes/no that is not one, supervision listed before it starts. ``complete``: every key is needed."""
    problems: list[tuple[str, str]] = []
    if not isinstance(values, Mapping):
        return [("", _("the rules must be a mapping of names to values"))]
    for key in values:
        if key not in RULE_KEYS:
            problems.append((str(key), _("'{key}' is not a supervision rule (known: {keys})").format(
                key=str(key)[:40], keys=", ".join(RULE_KEYS))))
    for key, (low, high) in INT_KEYS.items():
        value = values.get(key)
        if value is None:
            if complete:
                problems.append((key, _("'{key}' is missing").format(key=key)))
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append((key, _("'{key}' must be a whole number of days from {low} to {high}").format(
                key=key, low=low, high=high)))
    for key in BOOL_KEYS:
        value = values.get(key)
        if value is None:
            if complete:
                problems.append((key, _("'{key}' is missing").format(key=key)))
        elif not isinstance(value, bool):
            problems.append((key, _("'{key}' must be true or false").format(key=key)))
    return problems


def merged(base: SupervisionRules, *overrides: Mapping[str, Any]) -> SupervisionRules:
    """``base`` with each override's valid keys on top, nearest (first) override winning."""
    chosen: dict[str, Any] = {}
    for override in reversed(overrides):
        if isinstance(override, Mapping) and not rule_problems(override):
            chosen.update({k: v for k, v in override.items() if k in RULE_KEYS})
    rules = replace(base, **chosen)
    if rules.list_after_days < rules.supervise_after_days:  # listed never comes before supervised
        rules = replace(rules, list_after_days=rules.supervise_after_days)
    return rules


def level_for(rules: SupervisionRules, status: str, severity: str, deadline: dt.date | None, today: dt.date,
              manual: int = NONE) -> int:
    """The supervision level of a hazard on ``today``; ``manual`` is the highest level set by hand."""
    if status in FINAL_STATES:
        return NONE
    level = NONE
    if deadline is not None and status in RULED_STATES:
        late = (today - deadline).days
        if late > 0:
            if (severity == "major" and rules.major_listed_at_deadline) or late >= rules.list_after_days:
                level = LISTED
            elif late >= rules.supervise_after_days:
                level = SUPERVISED
            else:
                level = REMINDER
        elif -late <= rules.remind_days_before:
            level = REMINDER
    return max(level, manual if manual in MANUAL_LEVELS else NONE)


def manual_level_of(data: Any) -> int:
    """The level a "supervised" event's data sets (0 for data that sets none)."""
    level = data.get("level") if isinstance(data, dict) else None
    return level if isinstance(level, int) and not isinstance(level, bool) and level in MANUAL_LEVELS else NONE


def chains_of_organisations(rows: Iterable[tuple[Any, Any, Any]]) -> dict[Any, list[dict[str, Any]]]:
    """For (id, parent_id, supervision) of every organisation: each one's values and its parents',
    nearest first (a loop in bad data stops the walk). Shared by core.supervision and core.quick_read."""
    known = {oid: (parent, values if isinstance(values, dict) else {}) for oid, parent, values in rows}
    chains: dict[Any, list[dict[str, Any]]] = {}
    for oid in known:
        chain, seen, current = [], set(), oid
        while current is not None and current in known and current not in seen:
            seen.add(current)
            parent, values = known[current]
            chain.append(values)
            current = parent
        chains[oid] = chain
    return chains


# --- the defaults file ------------------------------------------------------------------------------


class RulesFileError(ValueError):
    def __init__(self, problems: list[tuple[int | None, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{line}: {message}" if line else message for line, message in problems))


def read_flat(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The file's values and the line of each key; RulesFileError for a line that is not "key: value"."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    problems: list[tuple[int | None, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or not key or not value or " " in key:
            problems.append((number, _("not a 'name: value' line")))
            continue
        if key in values:
            problems.append((number, _("'{key}' is given twice").format(key=key)))
        lines[key] = number
        if value in ("true", "false"):
            values[key] = value == "true"
        elif value.lstrip("-").isdigit():
            values[key] = int(value)
        else:
            problems.append((number, _("'{value}' is neither a whole number nor true/false").format(value=value)))
    if problems:
        raise RulesFileError(problems)
    return values, lines


def rules_from_text(text: str) -> SupervisionRules:
    values, lines = read_flat(text)
    if values.pop("version", None) != 1:
        raise RulesFileError([(lines.get("version"), _("'version: 1' is needed"))])
    problems = rule_problems(values, complete=True)
    if problems:
        raise RulesFileError([(lines.get(key), message) for key, message in problems])
    rules = SupervisionRules(**values)
    if rules.list_after_days < rules.supervise_after_days:
        raise RulesFileError([(lines.get("list_after_days"),
                               _("listed supervision cannot start before supervision (list_after_days < "
                                 "supervise_after_days)"))])
    return rules


@functools.cache
def _defaults_from(path: Path) -> SupervisionRules:
    return rules_from_text(path.read_text(encoding="utf-8"))


def default_rules() -> SupervisionRules:
    """The built-in forms' rules (forms/supervision.yaml), read once per process."""
    from inspector_app.paths import builtin_forms_dir

    return _defaults_from(builtin_forms_dir() / RULES_FILE)


def effective_rules(chain: Iterable[Mapping[str, Any] | None], defaults: SupervisionRules | None = None) -> \
        SupervisionRules:
    """The rules of an organisation whose own values and its parents' (nearest first) are ``chain``."""
    return merged(defaults or default_rules(), *(values or {} for values in chain))
