"""`inspector-app audit verify`: check the hash-chained history of every hazard."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.i18n import _, ngettext

# The JSON lists every problem; a person reads the first few.
SHOWN_ON_STDERR = 20


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help=_("check the history for tampering"))
    sub = parser.add_subparsers(dest="audit_command", required=True)
    check = sub.add_parser("verify", help=_("verify every hazard's hash chain"))
    check.set_defaults(handler=run_verify)


def run_verify(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.audit import verify  # here, not at the top: registering a command must stay cheap

    with context.db.session() as session:
        report = verify(session)
    print_json(report.as_dict())
    if not report.ok:
        for problem in report.problems[:SHOWN_ON_STDERR]:
            where = _("event {seq}").format(seq=problem.event_seq) if problem.event_seq else _("hazard row")
            number = problem.hazard_number or problem.hazard_id or "?"
            print(_("The history of hazard {number} is broken at {where}: {problem}").format(
                number=number, where=where, problem=problem.problem), file=sys.stderr)
        hidden = len(report.problems) - SHOWN_ON_STDERR
        if hidden > 0:
            print(ngettext("… and {count} more problem (all are in the JSON output)",
                           "… and {count} more problems (all are in the JSON output)", hidden).format(count=hidden),
                  file=sys.stderr)
        return 1
    return 0
