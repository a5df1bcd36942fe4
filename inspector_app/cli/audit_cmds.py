"""`inspector-app audit verify`: check the hash-chained history of every hazard."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inspector_app.cli.context import AppContext, print_json
from inspector_app.i18n import _


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
        first = report.problems[0]
        where = _("event {seq}").format(seq=first.event_seq) if first.event_seq else _("hazard row")
        print(_("The history of hazard {number} is broken at {where}: {problem}").format(
            number=first.hazard_number, where=where, problem=first.problem), file=sys.stderr)
        return 1
    return 0
