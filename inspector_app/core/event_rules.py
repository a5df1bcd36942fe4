"""What an event of a hazard's history may say, checked on events someone else wrote: the central
server checks every pushed event with these rules before it takes it, by the same definitions the
laptop's use cases follow when they write events (core.workflow's transitions and requirements,
the audit's tracked fields, the fields an edit may change). A laptop cannot change a rule the server
does not also hold, and a token holder cannot write a history the program itself would never write.

A hash chain proves that nobody changed a history after it was written; these rules decide whether
it could have been written by the program at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from inspector_app.core.audit_chain import TRACKED_FIELDS
from inspector_app.core.errors import TransitionError
from inspector_app.core.major_decision import (
    DECISION_FIELDS,
    MAJOR_DECIDED,
    MAX_RULE_ID,
    SEVERITY_LOWERED,
    decision_problem,
    lowering_problem,
)
from inspector_app.core.models import HazardEvent
from inspector_app.core.supervision_rules import manual_level_of
from inspector_app.core.workflow import FINAL_STATES, TRANSITIONS, Severity, Status, check_transition
from inspector_app.i18n import _

# The fields a plain edit of a hazard may change (core.hazards.update_hazard takes exactly these).
EDITABLE_FIELDS = frozenset({
    "room", "area_type", "category", "severity", "description", "legal_basis", "required_measures",
    "interim_safeguards", "responsible_unit", "responsible_person", "funding", "deadline",
})
PIN_FIELDS = frozenset({"floor_id", "page", "x", "y"})
_TRANSITION_EVENTS = frozenset(t.event for t in TRANSITIONS)
# Which tracked fields each kind of event may change; kinds not listed change none.
FIELDS_BY_KIND: dict[str, frozenset[str]] = {
    "created": frozenset(TRACKED_FIELDS),
    "edited": EDITABLE_FIELDS,
    "pin_moved": PIN_FIELDS,
    "token_rotated": frozenset({"public_token"}),
    "renumbered": frozenset({"number"}),
    "conflict_resolved": EDITABLE_FIELDS | PIN_FIELDS | {"status"},
    # A major-hazard decision (core.major_decision): confirming sets the rule and the severity major;
    # lowering a confirmed major hazard's severity, with a reason, takes the rule off again.
    MAJOR_DECIDED: DECISION_FIELDS,
    SEVERITY_LOWERED: DECISION_FIELDS,
    **{event: frozenset({"status", "fixed_on_spot"}) for event in _TRANSITION_EVENTS},
}
# Kinds that record something without changing a tracked field.
RECORDING_KINDS = frozenset({"photo_added", "photo_marked", "photo_role_changed", "photo_removed", "pin_checked",
                             "reviewed", "notice_issued", "conflict",
                             # what a responsible unit sends through its link besides a report (core.unit_reports)
                             "extension_requested", "disputed",
                             # the inspector's answer to an extension request or a dispute (core.unit_report_answers)
                             "report_answered",
                             "supervised"})
# Kinds only an administrator's token may push (core.sync.push_checks.author_refusal): supervision by hand.
ADMIN_KINDS = frozenset({"supervised"})
KNOWN_KINDS = frozenset(FIELDS_BY_KIND) | RECORDING_KINDS
# What may still change once a hazard is closed or withdrawn: its number, should another laptop have
# taken it first (core.sync.laptop renumbers, and the history says so).
CHANGEABLE_WHEN_FINAL = frozenset({"number"})
# Events dated outside this window were not written by a laptop with a working clock. A laptop a day
# behind, or one that was offline for months, is well inside it.
EARLIEST_EVENT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
MAX_EVENT_AHEAD = dt.timedelta(days=1)


class EventRuleError(ValueError):
    """An event the program would never have written; the message names the hazard and the event."""


class HistoryState:
    """A hazard's tracked values and after-photos as its history has them so far."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.photo_roles: dict[str, str] = {}
        self.events = 0

    @classmethod
    def of(cls, events: Sequence[HazardEvent]) -> HistoryState:
        state = cls()
        for event in events:
            state.apply(event)
        return state

    @property
    def has_after_photo(self) -> bool:
        return "after" in self.photo_roles.values()

    def apply(self, event: HazardEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        for name, change in (data.get("changes") or {}).items():
            self.values[name] = change[1]
        attachment = str(data.get("attachment_id", ""))
        if event.kind == "photo_added" and attachment:
            self.photo_roles[attachment] = str(data.get("role", ""))
        elif event.kind == "photo_role_changed" and attachment:
            role = data.get("role")
            self.photo_roles[attachment] = str(role[1] if isinstance(role, list) and len(role) == 2 else role)
        elif event.kind == "photo_removed":
            self.photo_roles.pop(attachment, None)
        self.events += 1


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC


def check_new_events(number: str, before: Sequence[HazardEvent], new_events: Sequence[HazardEvent],
                     now: dt.datetime, has_after_photo_stored: bool = False) -> None:
    """Raise EventRuleError unless every new event, applied after ``before``, is one the program's
    use cases could have written. ``has_after_photo_stored``: the server holds an after-photo row of
    this hazard that the history does not show (ledgers older than photo events)."""
    state = HistoryState.of(before)
    for event in new_events:
        problem = _problem(event, state, now, has_after_photo_stored)
        if problem:
            raise EventRuleError(_("hazard {number}: event {seq} ({kind}): {problem}").format(
                number=number, seq=event.seq, kind=str(event.kind)[:30], problem=problem))
        state.apply(event)


def _problem(event: HazardEvent, state: HistoryState, now: dt.datetime, after_stored: bool) -> str | None:
    kind = str(event.kind)
    if kind not in KNOWN_KINDS:
        return _("not a kind of event the program writes")
    at = _aware(event.at)
    if not EARLIEST_EVENT <= at <= now + MAX_EVENT_AHEAD:
        return _("dated {at}, outside the time a laptop can have written it").format(at=at.date().isoformat())
    if (kind == "created") != (state.events == 0):
        return _("a history starts with the hazard's creation, and only there")
    data = event.data
    if not isinstance(data, dict) or not isinstance(data.get("changes", {}), dict):
        return _("its data is not a record of changes")
    changes: dict[str, Any] = data.get("changes", {})
    for name, change in changes.items():
        if name not in TRACKED_FIELDS:
            return _("changes '{field}', which no event changes").format(field=str(name)[:40])
        if not isinstance(change, list) or len(change) != 2:
            return _("its change of '{field}' is not an old and a new value").format(field=name)
    allowed = FIELDS_BY_KIND.get(kind, frozenset())
    beyond = sorted(set(changes) - allowed)
    if beyond:
        return _("this kind of event cannot change {fields}").format(fields=", ".join(beyond))
    status = state.values.get("status")
    if status in FINAL_STATES and set(changes) - CHANGEABLE_WHEN_FINAL:
        return _("the hazard is {status}, which is final").format(status=status)
    if kind == "supervised":
        return _supervised_problem(data, event.note or "", status)
    new = {name: change[1] for name, change in changes.items()}
    problem = _value_problem(new) or _major_problem(kind, data, event.note or "", new, state, at)
    if problem:
        return problem
    if "status" in new:
        return _transition_problem(kind, status, str(new["status"]), event.note or "",
                                   state.has_after_photo or after_stored)
    return None


def _supervised_problem(data: dict[str, Any], note: str, status: Any) -> str | None:
    """As core.supervision.supervise writes it: a level of 2 or 3, a note, an unfinished hazard."""
    if manual_level_of(data) == 0:
        return _("supervision by hand sets level 2 or 3")
    if not note.strip():
        return _("supervision by hand needs a note")
    if status in FINAL_STATES:
        return _("the hazard is {status}, which is final").format(status=status)
    return None


def _value_problem(new: dict[str, Any]) -> str | None:
    if "status" in new and new["status"] not in {s.value for s in Status}:
        return _("'{value}' is not a status").format(value=str(new["status"])[:40])
    if "severity" in new and new["severity"] not in {s.value for s in Severity}:
        return _("'{value}' is not a severity").format(value=str(new["severity"])[:40])
    for axis in ("x", "y"):
        value = new.get(axis)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not 0.0 <= value <= 1.0):
            return _("the pin is not on the page ({axis} = {value})").format(axis=axis, value=str(value)[:40])
    rule = new.get("major_rule")
    if rule is not None and (not isinstance(rule, str) or len(rule) > MAX_RULE_ID):
        return _("'{value}' is not a major-hazard rule").format(value=str(rule)[:40])
    page = new.get("page")
    if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 0):
        return _("'{value}' is not a page").format(value=str(page)[:40])
    for name in ("floor_id", "inspection_id", "previous_hazard_id"):
        if new.get(name) is not None:
            try:
                uuid.UUID(str(new[name]))
            except ValueError:
                return _("'{field}' is not an id").format(field=name)
    return None


def _major_problem(kind: str, data: dict[str, Any], note: str, new: dict[str, Any], state: HistoryState,
                   at: dt.datetime) -> str | None:
    """A decision must be one the program records; a confirmed major hazard's severity is lowered only
    by a "severity_lowered" event with its reason, never by an edit."""
    rule = str(state.values.get("major_rule") or "")
    if kind == MAJOR_DECIDED:
        return decision_problem(data, note, new, rule, at.date())
    if kind == SEVERITY_LOWERED:
        return lowering_problem(note, new)
    if kind == "created" and new.get("major_rule"):
        return _("a new hazard is not yet decided a major hazard")
    if rule and "severity" in new and new["severity"] != "major":
        return _("the hazard was confirmed a major hazard under {rule}: its severity is lowered only with a "
                 "reason, as '{kind}'").format(rule=rule, kind=SEVERITY_LOWERED)
    return None


def _transition_problem(kind: str, source: Any, target: str, note: str, has_after_photo: bool) -> str | None:
    if kind == "created":
        return None if target == Status.OPEN.value else _("a new hazard is open")
    try:
        if kind == "conflict_resolved":  # keeping a status another laptop set: the laptop checks it the same way
            check_transition(str(source), target, note=note or "-", has_after_photo=True)
            return None
        transition = check_transition(str(source), target, note=note, has_after_photo=has_after_photo)
    except TransitionError as exc:
        return str(exc)
    if transition.event != kind:
        return _("a change from {source} to {target} is recorded as '{event}'").format(
            source=source, target=target, event=transition.event)
    return None
