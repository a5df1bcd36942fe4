"""`inspector-app notice HAZARD... --out FILE.pdf [--per-unit] [--deadline YYYY-MM-DD]` and
`inspector-app labels HAZARD... --out FILE.pdf [--grid 3x8]`, `inspector-app determination HAZARD --out
FILE.pdf`: print rectification notices (numbered in the register, recorded in each hazard's history; a
confirmed major hazard's is the major-hazard notice, its rule printed as the basis), QR label sheets
and a major hazard's determination record, in the organisation's language (the global `--lang`
overrides it for this run).

Hazards are named by id, number, short code or token; `--inspection ID` adds every unfinished
hazard of an inspection, `--building NAME` every unfinished hazard of a building.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.core.workflow import FINAL_STATES
from inspector_app.i18n import _, normalise_language

if TYPE_CHECKING:
    from inspector_app.core.organisation import PrintSettings

# The ledger's and the printer's modules (reportlab, qrcode) are imported inside the handlers, so that
# registering these commands costs the other commands nothing.


def register(subparsers: Any) -> None:
    notice = subparsers.add_parser("notice", help=_("print rectification notices (recorded in the register)"))
    _selection_arguments(notice)
    notice.add_argument("--per-unit", action="store_true",
                        help=_("one notice per inspected unit listing all its hazards, instead of one per hazard"))
    notice.add_argument("--prefix", help=_("notice number prefix (default: the organisation's)"))
    notice.add_argument("--deadline", type=_date, metavar="YYYY-MM-DD",
                        help=_("new deadline for hazards whose deadline is already past (recorded in their history)"))
    notice.set_defaults(handler=run_notice)

    labels = subparsers.add_parser("labels", help=_("print a sheet of QR labels"))
    _selection_arguments(labels)
    labels.add_argument("--grid", default="3x8", type=_grid, help=_("labels per page as columns x rows (default 3x8)"))
    labels.set_defaults(handler=run_labels)

    record = subparsers.add_parser("determination",
                                   help=_("print the determination record (重大事故隐患判定记录) of a confirmed "
                                          "major hazard"))
    record.add_argument("hazard", help=_("id, number, short code or token"))
    record.add_argument("--out", type=Path, required=True, help=_("the PDF file to write"))
    record.set_defaults(handler=run_determination)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{value}' is not a date like 2026-12-31.").format(value=value)) from None


def _grid(value: str) -> tuple[int, int]:
    from inspector_app.notices.labels import parse_grid

    try:
        return parse_grid(value)
    except InspectorError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _selection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("hazards", nargs="*", metavar="HAZARD", help=_("id, number, short code or token"))
    parser.add_argument("--inspection", metavar="ID", help=_("every unfinished hazard of this inspection"))
    parser.add_argument("--building", metavar="NAME", help=_("every unfinished hazard of this building"))
    parser.add_argument("--out", type=Path, required=True, help=_("the PDF file to write"))


def selected_hazards(context: AppContext, args: argparse.Namespace) -> list[uuid.UUID]:
    from sqlalchemy import select

    from inspector_app.core.hazards import find_hazard
    from inspector_app.core.models import Building, Floor, Hazard
    from inspector_app.core.structure import parse_uuid

    ids: list[uuid.UUID] = []
    with context.db.session() as session:
        ids.extend(find_hazard(session, ref).id for ref in args.hazards)
        unfinished = Hazard.status.not_in([s.value for s in FINAL_STATES])
        if args.inspection:
            inspection_id = parse_uuid(args.inspection, _("inspection"))
            ids.extend(session.scalars(select(Hazard.id).where(Hazard.inspection_id == inspection_id, unfinished)
                                       .order_by(Hazard.seq)))
        if args.building:
            found = list(session.scalars(
                select(Hazard.id).join(Floor, Hazard.floor_id == Floor.id)
                .join(Building, Floor.building_id == Building.id)
                .where(Building.name == args.building, unfinished).order_by(Hazard.seq)))
            if not found:
                raise InspectorError(_("No unfinished hazard in a building named '{name}'.").format(name=args.building))
            ids.extend(found)
    if not ids:
        raise InspectorError(_("Name at least one hazard (or give --inspection or --building)."))
    return list(dict.fromkeys(ids))


def _print_settings(context: AppContext, ids: list[uuid.UUID]) -> PrintSettings:
    """The organisation's effective settings for these hazards; one line on stderr when phones could
    not open the address the QR codes will carry (printing goes on: the labels may be meant for tests)."""
    from inspector_app.core.organisation import settings_for_hazards

    with context.db.session() as session:
        found = settings_for_hazards(session, ids)
    if found.unreachable:
        if found.settings.public_base_url:
            message = _("warning: the QR codes point at {url}, which phones cannot reach; set the organisation's "
                        "address with `org set --public-base-url URL`.")
        else:
            message = _("warning: the organisation has no public address, so the QR codes point at {url}, which "
                        "phones cannot reach; set it with `org set --public-base-url URL`.")
        print(message.format(url=found.base_url), file=sys.stderr)
    return found


def _language(args: argparse.Namespace) -> str | None:
    """--lang when given (for this run only); None lets the organisation's language decide."""
    return normalise_language(args.lang) if getattr(args, "lang", None) else None


def run_notice(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.notices.printing import print_notices

    ids = selected_hazards(context, args)
    found = _print_settings(context, ids)
    printed = print_notices(
        context.db, context.catalogue, ids, args.out, per_unit=args.per_unit, language=_language(args),
        actor=context.actor, base_url=found.base_url, prefix=args.prefix or found.settings.notice_prefix,
        deadline=args.deadline)
    print_json(printed.as_json())
    return 0


def run_labels(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.notices.printing import print_labels

    ids = selected_hazards(context, args)
    found = _print_settings(context, ids)
    printed = print_labels(context.db, context.catalogue, ids, args.out, grid=args.grid,
                           language=_language(args), base_url=found.base_url)
    print_json(printed.as_json())
    return 0


def run_determination(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.hazards import find_hazard
    from inspector_app.notices.printing import print_determination

    with context.db.session() as session:
        hazard_id = find_hazard(session, args.hazard).id
    found = _print_settings(context, [hazard_id])
    printed = print_determination(context.db, context.catalogue, hazard_id, args.out, language=_language(args),
                                  base_url=found.base_url)
    print_json(printed.as_json())
    return 0
