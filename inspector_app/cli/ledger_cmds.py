"""`inspector-app ledger export --format xlsx|csv --out FILE [--status S] [--overdue]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.cli.context import AppContext, print_json
from inspector_app.core.errors import InspectorError
from inspector_app.core.queries import list_hazards
from inspector_app.core.workflow import parse_status
from inspector_app.exports.ledger_table import ledger_lines, write_csv, write_xlsx
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("ledger", help=_("the hazard ledger (台账)"))
    sub = parser.add_subparsers(dest="ledger_command", required=True)
    export = sub.add_parser("export", help=_("write the ledger as a spreadsheet"))
    export.add_argument("--format", choices=("xlsx", "csv"), required=True)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--status", help=_("only hazards in this state"))
    export.add_argument("--overdue", action="store_true", help=_("only overdue hazards"))
    export.set_defaults(handler=run_export)


def run_export(context: AppContext, args: argparse.Namespace) -> int:
    if not args.out.parent.is_dir():
        raise InspectorError(_("The folder {folder} does not exist.").format(folder=args.out.parent))
    status = parse_status(args.status).value if args.status else None
    with context.db.session() as session:
        rows = list_hazards(session, status=status)
        ids = [r.id for r in rows if r.overdue or not args.overdue]
        lines = ledger_lines(session, context.catalogue, ids)
    if args.format == "csv":
        write_csv(lines, args.out)
    else:
        write_xlsx(lines, args.out, _("Hazard ledger"))
    print_json({"out": str(args.out), "hazards": len(lines)})
    return 0
