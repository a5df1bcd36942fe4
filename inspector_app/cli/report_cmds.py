"""`inspector-app reports list | accept | reject`: what responsible units sent through their
rectification links (after a sync), and the inspector's answers, JSON out (core.unit_report_answers)."""

from __future__ import annotations

import argparse
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("reports", help=_("what responsible units reported from their phones"))
    sub = parser.add_subparsers(dest="reports_command", required=True)
    listing = sub.add_parser("list", help=_("every report (rectification, extension, dispute) with its state"))
    listing.add_argument("--waiting", action="store_true", help=_("only those waiting for an answer"))
    listing.set_defaults(handler=run_list)
    accept = sub.add_parser("accept", help=_("accept a report: close the hazard, move the deadline, or uphold "
                                             "the dispute"))
    accept.add_argument("report", metavar="ID")
    accept.add_argument("--note", default="", help=_("what the unit reads on its page"))
    accept.add_argument("--deadline", metavar="YYYY-MM-DD", help=_("the new deadline of an extension"))
    accept.add_argument("--photo", action="append", default=[], type=Path,
                        help=_("your own after-photo, when the unit's are not enough (repeatable)"))
    accept.set_defaults(handler=run_accept)
    reject = sub.add_parser("reject", help=_("reject a report with the reason the unit will read"))
    reject.add_argument("report", metavar="ID")
    reject.add_argument("--note", required=True, help=_("why: the unit reads it on its page"))
    reject.set_defaults(handler=run_reject)


def _report_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise InspectorError(_("'{value}' is not a report id (see `reports list`).").format(value=value)) from None


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InspectorError(_("'{value}' is not a date (YYYY-MM-DD).").format(value=value)) from None


def run_list(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.unit_report_answers import list_reports

    with context.db.session() as session:
        print_json([r.as_json() for r in list_reports(session, waiting_only=args.waiting)])
    return 0


def run_accept(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.unit_report_answers import accept

    with context.db.session() as session:
        report = accept(session, context.db.store, _report_id(args.report), context.actor, note=args.note,
                        deadline=_date(args.deadline), photos=args.photo)
        print_json(report.as_json())
    return 0


def run_reject(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.unit_report_answers import reject

    with context.db.session() as session:
        print_json(reject(session, context.db.store, _report_id(args.report), context.actor, args.note).as_json())
    return 0
