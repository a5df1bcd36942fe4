"""`inspector-app ledger export --format xlsx|csv|pdf --out FILE [--status S] [--building NAME] [--overdue]`.

The PDF is the ledger for the principal's review, with signature lines (notices.ledger_pdf)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.cli.context import AppContext, print_json
from inspector_app.core.errors import InspectorError
from inspector_app.core.workflow import parse_status
from inspector_app.i18n import _, current_language


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("ledger", help=_("the hazard ledger (台账)"))
    sub = parser.add_subparsers(dest="ledger_command", required=True)
    export = sub.add_parser("export", help=_("write the ledger as a spreadsheet"))
    export.add_argument("--format", choices=("xlsx", "csv", "pdf"), required=True)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--status", help=_("only hazards in this state"))
    export.add_argument("--building", metavar="NAME", help=_("only hazards of this building"))
    export.add_argument("--overdue", action="store_true", help=_("only overdue hazards"))
    export.set_defaults(handler=run_export)


def run_export(context: AppContext, args: argparse.Namespace) -> int:
    # Here, not at the top: openpyxl and reportlab cost every other command a third of a second.
    from sqlalchemy import select

    from inspector_app.core.models import Building
    from inspector_app.core.queries import list_hazards
    from inspector_app.exports.ledger_table import ledger_lines, write_csv, write_xlsx
    from inspector_app.notices.printing import print_ledger

    if not args.out.parent.is_dir():
        raise InspectorError(_("The folder {folder} does not exist.").format(folder=args.out.parent))
    status = parse_status(args.status).value if args.status else None
    with context.db.session() as session:
        rows = list_hazards(session, status=status)
        if args.building:
            rows = [r for r in rows if r.building == args.building]
            if not rows and not session.scalar(select(Building.id).where(Building.name == args.building)):
                raise InspectorError(_("No building named '{name}'.").format(name=args.building))
        ids = [r.id for r in rows if r.overdue or not args.overdue]
        lines = ledger_lines(session, context.catalogue, ids)
        unit = " / ".join(dict.fromkeys(r.site for r in rows)) + (f" {args.building}" if args.building else "")
    if args.format == "pdf":
        print_ledger(context.db, context.catalogue, ids, args.out, unit=unit, language=current_language())
    elif args.format == "csv":
        write_csv(lines, args.out)
    else:
        write_xlsx(lines, args.out, _("Hazard ledger"))
    print_json({"out": str(args.out), "hazards": len(lines)})
    return 0
