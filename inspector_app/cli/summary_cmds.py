"""`inspector-app summary --by site|county [--organisation ID] [--date YYYY-MM-DD] [--xlsx OUT.xlsx]`:
the education bureau's roll-up over every site of the ledger (core.rollup), printed as JSON and,
with --xlsx, written as a printable workbook (exports.rollup_xlsx)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core import dates
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _

# core.rollup.GROUPINGS, written out so that registering the command loads neither the database code nor
# openpyxl (tests/unit/test_cli_startup.py keeps the two equal).
GROUPINGS = ("site", "county")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("summary", help=_("hazard figures over all sites, by school or by county"))
    parser.add_argument("--by", choices=GROUPINGS, default="county", help=_("one row per site or per county"))
    parser.add_argument("--organisation", metavar="ID", help=_("only this organisation and everything below it"))
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=_("the day the figures are for (default: today)"))
    parser.add_argument("--xlsx", metavar="OUT.xlsx", type=Path, help=_("also write a printable workbook"))
    parser.set_defaults(handler=run_summary)


def _day(text: str | None) -> dt.date:
    if not text:
        return dates.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InspectorError(_("'{value}' is not a date (YYYY-MM-DD).").format(value=text)) from None


def run_summary(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.rollup import rollup  # here, not at the top: registering a command must stay cheap
    from inspector_app.core.structure import parse_uuid
    from inspector_app.exports.rollup_xlsx import write_rollup_xlsx

    today = _day(args.date)
    organisation = parse_uuid(args.organisation, _("organisation")) if args.organisation else None
    if args.xlsx is not None and not args.xlsx.parent.is_dir():
        raise InspectorError(_("The folder {folder} does not exist.").format(folder=args.xlsx.parent))
    with context.db.session() as session:
        figures = rollup(session, context.catalogue, by=args.by, organisation_id=organisation, today=today)
    data = figures.as_json()
    if args.xlsx is not None:
        write_rollup_xlsx(figures, args.xlsx)
        data["xlsx"] = str(args.xlsx)
    print_json(data)
    return 0
