"""`inspector-app ledger export --format xlsx|csv|pdf --out FILE [--status S] [--building NAME] [--overdue]`.

The PDF is the ledger for the principal's review, with signature lines (notices.ledger_pdf); the XLSX
is made for printing and sums (exports.ledger_xlsx). All three speak the organisation's language
(the global `--lang` overrides it for this run)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.core.workflow import parse_status, status_label
from inspector_app.i18n import _, normalise_language, use_language

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


def _scope(args: argparse.Namespace, sites: list[str]) -> str:
    """What part of the ledger the file holds, for its title: the sites and the filters given."""
    parts = [" / ".join(sites) or _("no site")]
    if args.building:
        parts.append(args.building)
    if args.status:
        parts.append(status_label(parse_status(args.status).value))
    if args.overdue:
        parts.append(_("overdue only"))
    return ", ".join(parts)


def _organisation_name(session: Session) -> str:
    from inspector_app.core.organisation import choose_organisation

    try:
        return choose_organisation(session).name
    except InspectorError:  # several top-level organisations: the sites in the scope say whose it is
        return ""


def run_export(context: AppContext, args: argparse.Namespace) -> int:
    # Here, not at the top: openpyxl and reportlab cost every other command a third of a second.
    from sqlalchemy import select

    from inspector_app.core import notice_register
    from inspector_app.core.models import Building
    from inspector_app.core.queries import list_hazards
    from inspector_app.exports.ledger_table import ledger_lines, review_statement, write_csv
    from inspector_app.exports.ledger_xlsx import write_ledger_xlsx
    from inspector_app.notices.printing import ledger_language, print_ledger

    if not args.out.parent.is_dir():
        raise InspectorError(_("The folder {folder} does not exist.").format(folder=args.out.parent))
    status = parse_status(args.status).value if args.status else None
    override = normalise_language(args.lang) if getattr(args, "lang", None) else None
    today = notice_register.today()
    with context.db.session() as session:
        language = ledger_language(session, override)
        organisation = _organisation_name(session)
        rows = list_hazards(session, status=status)
        if args.building:
            rows = [r for r in rows if r.building == args.building]
            if not rows and not session.scalar(select(Building.id).where(Building.name == args.building)):
                raise InspectorError(_("No building named '{name}'.").format(name=args.building))
        ids = [r.id for r in rows if r.overdue or not args.overdue]
        sites = list(dict.fromkeys(r.site for r in rows))
        with use_language(language):
            lines = ledger_lines(session, context.catalogue, ids, today, context.db.store)
            review = review_statement(session, ids)
            scope = _scope(args, sites)
    unit = " / ".join(sites) + (f" {args.building}" if args.building else "")
    if args.format == "pdf":
        print_ledger(context.db, context.catalogue, ids, args.out, unit=unit, language=language)
    else:
        with use_language(language):
            if args.format == "csv":
                write_csv(lines, args.out)
            else:
                write_ledger_xlsx(lines, args.out, organisation=organisation, scope=scope, printed_on=today,
                                  review=review)
    print_json({"out": str(args.out), "hazards": len(lines), "language": language})
    return 0
