"""`inspector-app due [--days N] [--pdf OUT.pdf]`: what is due (core.due) as JSON, most pressing first,
each with `id`, `number`, `deadline`, `why` (overdue | reinspection | due) and `level` (supervision,
0..3); with --pdf also the day's list to print, in the order a walk takes (site, building, floor).
`supervision-notice [--organisation ID] --out FILE.pdf` issues the 督办通知书 (notices/supervision_notice.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _

DEFAULT_DAYS = 7  # core.due.DEFAULT_DAYS, written out so that registering the command loads no database code


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("due", help=_("what is due: re-inspections, deadlines soon, overdue hazards"))
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                        help=_("deadlines within this many days (default {days})").format(days=DEFAULT_DAYS))
    parser.add_argument("--pdf", metavar="OUT.pdf", type=Path, help=_("also write the day's list to print"))
    parser.set_defaults(handler=run_due)
    register_supervision(subparsers)


def run_due(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.due import due_items

    if args.days < 0 or args.days > 366:
        raise InspectorError(_("--days takes 0 to 366; got {days}.").format(days=args.days))
    if args.pdf is not None and not args.pdf.parent.is_dir():
        raise InspectorError(_("The folder {folder} does not exist.").format(folder=args.pdf.parent))
    with context.db.session() as session:
        items = due_items(session, args.days)
        if args.pdf is not None:
            from inspector_app.notices.day_list import write_day_list

            write_day_list(session, items, args.pdf, args.days)
    print_json([item.as_json() for item in items])
    return 0


def register_supervision(subparsers: Any) -> None:
    parser = subparsers.add_parser("supervision-notice",
                                   help=_("issue the supervision notice (督办通知书) for an organisation's supervised "
                                          "hazards"))
    parser.add_argument("--organisation", metavar="ID",
                        help=_("the organisation's id (default: the ledger's only top-level organisation)"))
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    parser.add_argument("--reply-by", metavar="YYYY-MM-DD", help=_("when the corrections are reported (default: in "
                                                                    "a week)"))
    parser.set_defaults(handler=run_supervision_notice)


def run_supervision_notice(context: AppContext, args: argparse.Namespace) -> int:
    import datetime as dt

    from inspector_app.core.organisation import choose_organisation
    from inspector_app.notices.supervision_notice import print_supervision_notice

    try:
        reply_by = dt.date.fromisoformat(args.reply_by) if args.reply_by else None
    except ValueError:
        raise InspectorError(_("'{value}' is not a date (YYYY-MM-DD).").format(value=args.reply_by)) from None
    with context.db.session() as session:
        organisation = choose_organisation(session, args.organisation).id
    number, count, language = print_supervision_notice(context.db, context.catalogue, organisation, args.out,
                                                       actor=context.actor, reply_by=reply_by)
    print_json({"out": str(args.out), "number": number, "hazards": count, "language": language})
    return 0
