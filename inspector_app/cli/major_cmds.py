"""`inspector-app hazard major HAZARD --rule RULE --confirm|--decline`: record a major-hazard decision
(the group decision with a confirmation, a reason with a declining), and what `hazard show` says about
a hazard's major-hazard rules (its open candidates, the rule it was confirmed under, its decisions).
The parser is registered under `hazard` by cli/hazard_cmds.py; the rules are core.major_hazards'."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import hazard_json, print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from inspector_app.core.forms import Catalogue
    from inspector_app.core.models import Hazard


def add_parser(sub: Any) -> None:
    major = sub.add_parser("major", help=_("confirm or decline a hazard as a major hazard under a rule"),
                           description=_("Confirming needs the group decision: at least three names, the date "
                                         "and the conclusion; declining needs a reason. `hazard show` lists the "
                                         "rules a hazard may fall under (major_candidates)."))
    major.add_argument("hazard", help=_("id, number, short code or token"))
    major.add_argument("--rule", required=True, help=_("the rule's id (see major_candidates in `hazard show`)"))
    decision = major.add_mutually_exclusive_group(required=True)
    decision.add_argument("--confirm", action="store_true", help=_("it is a major hazard under the rule"))
    decision.add_argument("--decline", action="store_true", help=_("it is not a major hazard under the rule"))
    major.add_argument("--reason", default="", help=_("why (needed to decline)"))
    major.add_argument("--answers", default="", metavar="yes,no,...",
                       help=_("the answers to the rule's questions, in their order (yes, no or -)"))
    major.add_argument("--names", action="append", default=[], metavar="NAME[,NAME...]",
                       help=_("who decided (at least three; repeatable or comma-separated)"))
    major.add_argument("--decided-on", metavar="YYYY-MM-DD", help=_("the date of the group decision (default today)"))
    major.add_argument("--conclusion", default="", help=_("the group's conclusion"))
    major.add_argument("--experts", action="append", default=[], metavar="NAME[,NAME...]",
                       help=_("the experts of an expert review, if one was held"))
    major.add_argument("--votes-for", type=int, help=_("experts' votes for the determination"))
    major.add_argument("--votes-against", type=int, help=_("experts' votes against it"))
    major.set_defaults(handler=run_major)


def run_major(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import dates, major_hazards
    from inspector_app.core.hazards import find_hazard

    catalogue = context.catalogue
    rule = catalogue.major_rule(args.rule)
    answers = major_hazards.parse_answers(args.answers, rule) if args.answers.strip() else []
    group = None
    if args.confirm:
        try:
            decided_on = dt.date.fromisoformat(args.decided_on) if args.decided_on else dates.today()
        except ValueError:
            raise InspectorError(_("'{value}' is not a date (YYYY-MM-DD).").format(value=args.decided_on)) from None
        if not args.names:
            raise InspectorError(_("Confirming a major hazard needs the group decision: at least three names "
                                   "(--names), the date (--decided-on) and the conclusion (--conclusion)."))
        group = major_hazards.GroupDecision(tuple(args.names), decided_on, args.conclusion, tuple(args.experts),
                                            args.votes_for, args.votes_against)
    with context.db.session() as session:
        hazard = find_hazard(session, args.hazard)
        major_hazards.decide(session, catalogue, hazard, rule.id, confirm=args.confirm, actor=context.actor,
                             reason=args.reason, answers=answers, group=group)
        result = hazard_json(hazard)
        result.update(major_json(session, catalogue, hazard))
    print_json(result)
    return 0


def major_json(session: Session, catalogue: Catalogue, hazard: Hazard) -> dict[str, Any]:
    """The major-hazard part of `hazard show`: the rules still to decide, the rule confirmed, the decisions."""
    from inspector_app.core import major_hazards

    decisions = major_hazards.decisions_of(session, [hazard.id]).get(hazard.id, [])
    confirmed = major_hazards.confirmation(session, hazard)
    rule_json = None
    if hazard.major_rule:
        rule_json = {"id": hazard.major_rule, "listed_supervision": major_hazards.listed_supervision(hazard)}
        if confirmed is not None:
            rule_json.update(
                reference=confirmed.reference.get(), text=confirmed.text, gloss=confirmed.gloss,
                source=confirmed.source.get(), number=confirmed.source_number, file=confirmed.file,
                edition=confirmed.edition,
                decided_on=confirmed.group.decided_on.isoformat() if confirmed.group else None,
                group=confirmed.group.as_json() if confirmed.group else None)
    return {
        "major_rule": rule_json,
        "major_candidates": [
            {"rule": rule.id, "reference": rule.reference.get(), "text": rule.text, "gloss": rule.gloss,
             "questions": [q.get() for q in rule.questions], "confirm_when": rule.confirm_when,
             "status": (rule.status or catalogue.rule_files[rule.file].status).get()
             if rule.status or rule.file in catalogue.rule_files else ""}
            for rule in major_hazards.open_candidates(session, catalogue, hazard)],
        "major_decisions": [d.as_json() for d in decisions],
    }
