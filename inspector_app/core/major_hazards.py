"""Major-hazard decision support: which rules of forms/major_hazards a hazard may fall under, and the
use cases that record the decision (the UI and the CLI both call these).

The program proposes, the inspector and the group decide. A hazard whose category, or the failed
checklist item that created it, points at a rule is a candidate under it until someone decides:
- confirming (with the answers to the rule's questions and the group decision: at least three names,
  the date, the conclusion, optionally an expert review) makes the hazard major under that rule, in a
  "major_decided" event that also records the rule's text, its file, the file's edition and hash;
- declining (with a reason) records that it is not a major hazard under that rule;
- a confirmed hazard's severity is lowered only with a reason ("severity_lowered"), which also takes
  it out from under its rule.
The hazard row keeps the rule it was confirmed under (``major_rule``); everything else is in its history.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import audit, dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.form_types import Catalogue, MajorRule, Text
from inspector_app.core.major_decision import (
    CONFIRMED,
    DECLINED,
    MAJOR_DECIDED,
    SEVERITY_LOWERED,
    GroupDecision,
    clean_names,
    group_problem,
    listed,
)
from inspector_app.core.models import ChecklistAnswer, Hazard, HazardEvent
from inspector_app.core.workflow import FINAL_STATES, Severity
from inspector_app.i18n import _

__all__ = ["CONFIRMED", "DECLINED", "MAJOR_DECIDED", "SEVERITY_LOWERED", "Decision", "GroupDecision", "candidates",
           "clean_names", "decide", "decisions_of", "lower_severity", "open_candidates", "parse_answers",
           "rule_record"]


@dataclass(frozen=True)
class Decision:
    """One "major_decided" event as read back: what was decided, under which rule text, by whom."""

    seq: int
    at: dt.datetime
    actor: str
    decision: str  # CONFIRMED or DECLINED
    rule_id: str
    reference: Text
    text: str
    gloss: str
    source: Text
    source_number: str
    file: str
    edition: str
    sha256: str
    answers: tuple[tuple[Text, bool | None], ...]
    reason: str
    group: GroupDecision | None

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "at": dates.local_time(self.at).isoformat(), "actor": self.actor,
            "decision": self.decision, "rule": self.rule_id, "reference": self.reference.get(), "text": self.text,
            "gloss": self.gloss, "file": self.file, "edition": self.edition, "sha256": self.sha256,
            "answers": [{"question": q.get(), "answer": a} for q, a in self.answers], "reason": self.reason,
            "group": self.group.as_json() if self.group else None,
        }


def rule_record(catalogue: Catalogue, rule: MajorRule) -> dict[str, Any]:
    """What a decision records of its rule: enough to print it years later, whatever the forms say then."""
    source = catalogue.rule_files.get(rule.file)
    return {
        "id": rule.id, "reference": {"zh": rule.reference.zh, "en": rule.reference.en}, "text": rule.text,
        "gloss": rule.gloss, "file": rule.file, "edition": source.edition if source else "",
        "sha256": source.sha256 if source else "",
        "source": {"zh": source.title.zh, "en": source.title.en} if source else {"zh": "", "en": ""},
        "number": source.number if source else "",
    }


def _text(data: Any) -> Text:
    data = data if isinstance(data, dict) else {}
    return Text(zh=str(data.get("zh", "")), en=str(data.get("en", "")))


def _decision(event: HazardEvent) -> Decision:
    data = event.data or {}
    rule = data.get("rule") or {}
    group = data.get("group")
    return Decision(
        seq=event.seq, at=event.at, actor=event.actor, decision=str(data.get("decision", "")),
        rule_id=str(rule.get("id", "")), reference=_text(rule.get("reference")), text=str(rule.get("text", "")),
        gloss=str(rule.get("gloss", "")), source=_text(rule.get("source")), source_number=str(rule.get("number", "")),
        file=str(rule.get("file", "")), edition=str(rule.get("edition", "")), sha256=str(rule.get("sha256", "")),
        answers=tuple((_text(a.get("question")), a.get("answer")) for a in data.get("answers", [])
                      if isinstance(a, dict)),
        reason=event.note or "", group=GroupDecision.from_json(group) if isinstance(group, dict) else None)


def decisions_of(session: Session, hazard_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Decision]]:
    """Every decision of these hazards, oldest first (one query)."""
    found: dict[uuid.UUID, list[Decision]] = {}
    if not hazard_ids:
        return found
    for event in session.scalars(select(HazardEvent).where(
            HazardEvent.hazard_id.in_(list(hazard_ids)), HazardEvent.kind == MAJOR_DECIDED).order_by(HazardEvent.seq)):
        found.setdefault(event.hazard_id, []).append(_decision(event))
    return found


def confirmation(session: Session, hazard: Hazard) -> Decision | None:
    """The decision that put the hazard under its current rule, or None."""
    if not hazard.major_rule:
        return None
    confirmed = [d for d in decisions_of(session, [hazard.id]).get(hazard.id, [])
                 if d.decision == CONFIRMED and d.rule_id == hazard.major_rule]
    return confirmed[-1] if confirmed else None


def failed_items(session: Session, hazard_id: uuid.UUID) -> list[str]:
    """The checklist items whose failure created this hazard."""
    return list(session.scalars(select(ChecklistAnswer.item_code).where(
        ChecklistAnswer.hazard_id == hazard_id, ChecklistAnswer.result == "fail")))


def candidates(session: Session, catalogue: Catalogue, hazard: Hazard) -> list[MajorRule]:
    """The rules the hazard's category or failed checklist item points at."""
    return catalogue.rules_indicated(hazard.category, failed_items(session, hazard.id))


def open_candidates(session: Session, catalogue: Catalogue, hazard: Hazard) -> list[MajorRule]:
    """The candidate rules nobody has decided yet: a rule declined, or confirmed and then lowered with a
    reason, is not proposed again (it can still be chosen, and decided anew); none once the hazard is
    confirmed, or final."""
    if hazard.major_rule or hazard.status in FINAL_STATES:
        return []
    decided = {d.rule_id for d in decisions_of(session, [hazard.id]).get(hazard.id, [])}
    return [rule for rule in candidates(session, catalogue, hazard) if rule.id not in decided]


def parse_answers(text: str, rule: MajorRule) -> list[bool | None]:
    """Answers as typed on the command line: "yes,no" in the order of the rule's questions (y/n,
    是/否 and "-" for unanswered too)."""
    words = {"yes": True, "y": True, "是": True, "true": True, "no": False, "n": False, "否": False, "false": False,
             "-": None, "": None}
    answers: list[bool | None] = []
    for part in text.replace("，", ",").split(","):
        key = part.strip().lower()
        if key not in words:
            raise InspectorError(_("'{answer}' is not an answer: use yes, no or - (unanswered), one per question, "
                                   "separated by commas.").format(answer=part.strip()))
        answers.append(words[key])
    if len(answers) > len(rule.questions):
        raise InspectorError(_("{given} answers for the {count} questions of {rule}.").format(
            given=len(answers), count=len(rule.questions), rule=rule.id))
    return answers


def decide(session: Session, catalogue: Catalogue, hazard: Hazard, rule_id: str, *, confirm: bool, actor: str,
           reason: str = "", answers: Sequence[bool | None] = (), group: GroupDecision | None = None,
           today: dt.date | None = None) -> HazardEvent:
    """Confirm the hazard as a major hazard under the rule (with the group decision), or decline the
    rule (with a reason). The answers go with the decision, one per question of the rule."""
    if hazard.status in FINAL_STATES:
        raise InspectorError(_("Hazard {number} is final: nothing is decided about it any more.").format(
            number=hazard.number))
    rule = catalogue.major_rule(rule_id)
    answers = list(answers)
    if len(answers) > len(rule.questions):
        raise InspectorError(_("{given} answers for the {count} questions of {rule}.").format(
            given=len(answers), count=len(rule.questions), rule=rule.id))
    answers += [None] * (len(rule.questions) - len(answers))
    data: dict[str, Any] = {
        "decision": CONFIRMED if confirm else DECLINED, "rule": rule_record(catalogue, rule),
        "answers": [{"question": {"zh": q.zh, "en": q.en}, "answer": a} for q, a in zip(rule.questions, answers,
                                                                                         strict=True)],
    }
    changes: dict[str, list[Any]] = {}
    if confirm:
        if hazard.major_rule == rule.id:
            raise InspectorError(_("Hazard {number} is already confirmed a major hazard under {rule}.").format(
                number=hazard.number, rule=rule.id))
        if hazard.major_rule:
            raise InspectorError(_("Hazard {number} is confirmed a major hazard under {rule} already; lower its "
                                   "severity with a reason before deciding under another rule.").format(
                number=hazard.number, rule=hazard.major_rule))
        if any(a is not None for a in answers) and not rule.supported_by(answers):
            need = _("every answer yes") if rule.confirm_when == "all" else _("at least one answer yes")
            raise InspectorError(_("The answers do not support {reference}: confirming it needs {need}.").format(
                reference=rule.reference.get(), need=need))
        if group is None:
            raise InspectorError(_("Confirming a major hazard needs the group decision: at least {count} names "
                                   "(--names), the date (--decided-on) and the conclusion (--conclusion).").format(
                count=3))
        group = GroupDecision(clean_names(group.names), group.decided_on, group.conclusion.strip(),
                              clean_names(group.experts), group.votes_for, group.votes_against)
        problem = group_problem(group.as_json(), today or dates.today())
        if problem:
            raise InspectorError(_("Hazard {number} not confirmed: {problem}.").format(number=hazard.number,
                                                                                       problem=problem))
        data["group"] = group.as_json()
        if hazard.severity != Severity.MAJOR:
            changes["severity"] = [hazard.severity, Severity.MAJOR.value]
        changes["major_rule"] = [hazard.major_rule, rule.id]
    else:
        if not reason.strip():
            raise InspectorError(_("Declining {rule} needs a reason (--reason): why this is not a major "
                                   "hazard under it.").format(rule=rule.id))
        if hazard.major_rule == rule.id:
            raise InspectorError(_("Hazard {number} is confirmed a major hazard under {rule}: to undo that, lower "
                                   "its severity with a reason.").format(number=hazard.number, rule=rule.id))
    for name, (_old, new) in changes.items():
        setattr(hazard, name, new)
    event = audit.append_event(session, hazard, MAJOR_DECIDED, actor, changes=changes, note=reason.strip(),
                               extra=data)
    session.flush()
    return event


def lower_severity(session: Session, hazard: Hazard, actor: str, reason: str,
                   severity: str = Severity.GENERAL.value) -> HazardEvent:
    """Lower a confirmed major hazard's severity, with the reason its history keeps; the hazard is then
    no longer under its rule."""
    if hazard.status in FINAL_STATES:
        raise InspectorError(_("Hazard {number} is final and can no longer be edited.").format(number=hazard.number))
    if not hazard.major_rule:
        raise InspectorError(_("Hazard {number} is not a confirmed major hazard: change its severity as any "
                               "other field.").format(number=hazard.number))
    if severity == Severity.MAJOR or severity not in {s.value for s in Severity}:
        raise InspectorError(_("Lower the severity to general; got '{value}'.").format(value=severity))
    if not reason.strip():
        raise InspectorError(_("Hazard {number} was confirmed a major hazard under {rule}: lowering its severity "
                               "needs a reason (--reason), which its history keeps.").format(
            number=hazard.number, rule=hazard.major_rule))
    changes = {"severity": [hazard.severity, severity], "major_rule": [hazard.major_rule, ""]}
    hazard.severity, hazard.major_rule = severity, ""
    event = audit.append_event(session, hazard, SEVERITY_LOWERED, actor, changes=changes, note=reason.strip())
    session.flush()
    return event


def listed_supervision(hazard: Hazard) -> bool:
    """Whether the hazard is a confirmed major hazard not yet fixed: it heads the ledger, is counted apart
    and carries the listed-supervision (挂牌督办) mark."""
    return listed(hazard.major_rule, hazard.status)
