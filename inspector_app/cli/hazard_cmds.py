"""`inspector-app hazard add | list | show | edit | status`: record hazards, correct them and move them
through the workflow."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli import major_cmds
from inspector_app.cli.common import floor_from_args, hazard_json, print_json
from inspector_app.core import dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.workflow import Status, parse_status
from inspector_app.i18n import _
from inspector_app.paths import default_database_path

# The ledger's modules are imported inside each handler: `hazard list` must not pay for loading the
# forms, photos and history code that only `add`, `edit` and `status` use (see benchmarks/startup.py).


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("hazard", help=_("record and follow hazards"))
    sub = parser.add_subparsers(dest="hazard_command", required=True)

    add = sub.add_parser("add", help=_("record a hazard at a spot on a floor"))
    add.add_argument("--floor", help=_("the floor's id"))
    add.add_argument("--site", help=_("the site's name or code (with --building and --floor-name)"))
    add.add_argument("--building", help=_("the building's name"))
    add.add_argument("--floor-name", help=_("the floor's name"))
    add.add_argument("--x", type=float, help=_("horizontal position on the page, 0..1"))
    add.add_argument("--y", type=float, help=_("vertical position on the page, 0..1"))
    add.add_argument("--page", type=int, default=0, help=_("page of the plan (0 = first)"))
    add.add_argument("--category", required=True, help=_("category code (see `forms categories`)"))
    add.add_argument("--severity", choices=("general", "major"))
    add.add_argument("--description", default="")
    add.add_argument("--room", default="")
    add.add_argument("--deadline", type=_date, help=_("YYYY-MM-DD; default from the category"))
    add.add_argument("--responsible-unit", default="")
    add.add_argument("--responsible-person", default="")
    add.add_argument("--photo", action="append", default=[], type=Path, help=_("a before-photo (repeatable)"))
    add.add_argument("--previous", help=_("the closed hazard this one repeats"))
    add.set_defaults(handler=run_add)

    lst = sub.add_parser("list", help=_("list hazards"))
    lst.add_argument("--status", help=_("only hazards in this state"))
    lst.add_argument("--overdue", action="store_true", help=_("only overdue hazards"))
    lst.add_argument("--floor", help=_("only hazards on this floor (id)"))
    lst.add_argument("--format", choices=("json", "csv"), default="json")
    lst.set_defaults(handler=run_list)

    show = sub.add_parser("show", help=_("one hazard with its history"))
    show.add_argument("hazard", help=_("id, number, short code or token"))
    show.set_defaults(handler=run_show)

    edit = sub.add_parser("edit", help=_("change fields of a hazard (recorded in its history)"))
    edit.add_argument("hazard", help=_("id, number, short code or token"))
    edit.add_argument("--description")
    edit.add_argument("--deadline", help=_("YYYY-MM-DD"))
    edit.add_argument("--room")
    edit.add_argument("--severity", metavar="general|major")
    edit.add_argument("--responsible-unit")
    edit.add_argument("--responsible-person")
    edit.add_argument("--reason", default="", help=_("why: needed to lower a confirmed major hazard's severity"))
    edit.set_defaults(handler=run_edit)

    status = sub.add_parser("status", help=_("move a hazard to another state"))
    status.add_argument("hazard", help=_("id, number, short code or token"))
    status.add_argument("--to", required=True, help=", ".join(s.value for s in Status))
    status.add_argument("--note", default="")
    status.add_argument("--photo", action="append", default=[], type=Path, help=_("an after-photo (repeatable)"))
    status.set_defaults(handler=run_status)

    major_cmds.add_parser(sub)
    supervise = sub.add_parser("supervise", help=_("an administrator puts a hazard under supervision (督办) by "
                                                   "hand, with a note"))
    supervise.add_argument("hazard", help=_("id, number, short code or token"))
    supervise.add_argument("--level", type=int, choices=(2, 3), default=2,
                           help=_("2: supervision (督办), 3: listed supervision (挂牌督办)"))
    supervise.add_argument("--note", required=True, help=_("why"))
    supervise.set_defaults(handler=run_supervise)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{value}' is not a date (YYYY-MM-DD)").format(value=value)) from None


EDIT_OPTIONS = ("description", "deadline", "room", "severity", "responsible_unit", "responsible_person")


def _with_level(session: Any, hazard: Any) -> dict[str, Any]:
    from inspector_app.core.supervision import hazard_level

    return {**hazard_json(hazard), "supervision_level": hazard_level(session, hazard)}


def run_add(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.hazards import add_hazard, find_hazard

    db, catalogue = context.db, context.catalogue
    with db.session() as session:
        floor = floor_from_args(session, args)
        previous = find_hazard(session, args.previous).id if args.previous else None
        hazard = add_hazard(
            session, catalogue, db.store, actor=context.actor, category=args.category, floor_id=floor.id,
            x=args.x, y=args.y, page=args.page, severity=args.severity, description=args.description,
            room=args.room, deadline=args.deadline, responsible_unit=args.responsible_unit,
            responsible_person=args.responsible_person, photos=args.photo, previous_hazard_id=previous,
            photo_max_edge=context.settings.photo_max_edge,
        )
        result = hazard_json(hazard)
    print_json(result)  # after the commit: a reader that goes away must not undo the record
    return 0


def run_list(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import quick_read
    from inspector_app.core.hazard_rows import CSV_COLUMNS

    status = parse_status(args.status).value if args.status else None
    rows = None
    if context.database_url is None:  # a SQLite ledger: first the shortcut that loads no SQLAlchemy
        rows = quick_read.list_hazards(context.db_path or default_database_path(), status, args.floor)
    if rows is None:
        from inspector_app.core.queries import list_hazards
        from inspector_app.core.structure import get_floor

        with context.db.session() as session:
            floor_id = get_floor(session, args.floor).id if args.floor else None
            rows = list_hazards(session, status=status, floor_id=floor_id)
    if args.overdue:
        rows = [r for r in rows if r.overdue]
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row.as_json())
    else:
        print_json([row.as_json() for row in rows])
    return 0


def run_show(context: AppContext, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from inspector_app.core.hazards import attachments_of, find_hazard
    from inspector_app.core.models import HazardEvent
    from inspector_app.core.signatures import signed_by

    with context.db.session() as session:
        hazard = find_hazard(session, args.hazard)
        events = session.scalars(
            select(HazardEvent).where(HazardEvent.hazard_id == hazard.id).order_by(HazardEvent.seq)).all()
        data = _with_level(session, hazard)
        data["photos"] = [{"id": str(a.id), "role": a.role, "file": a.filename, "hash": a.file_hash}
                          for a in attachments_of(session, hazard.id)]
        # Local time with its offset: the inspector's own clock, and still one exact instant.
        signers = signed_by(session, events)
        data.update(major_cmds.major_json(session, context.catalogue, hazard))
        data["history"] = [{"seq": e.seq, "kind": e.kind, "actor": e.actor, "at": dates.local_time(e.at).isoformat(),
                            "note": e.note, "signed_by": signers.get(e.signer or "")} for e in events]
    print_json(data)
    return 0


def run_edit(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.hazards import find_hazard, update_hazard

    # Checked here rather than by argparse: a bad value is one line on stderr and exit 1, like every error.
    values: dict[str, Any] = {name: getattr(args, name) for name in EDIT_OPTIONS if getattr(args, name) is not None}
    if "deadline" in values:
        try:
            values["deadline"] = dt.date.fromisoformat(values["deadline"])
        except ValueError:
            raise InspectorError(_("'{value}' is not a date (YYYY-MM-DD).").format(value=values["deadline"])) from None
    if not values:
        raise InspectorError(_("Nothing to change: give --description, --deadline, --room, --severity, "
                               "--responsible-unit or --responsible-person."))
    with context.db.session() as session:
        hazard = find_hazard(session, args.hazard)
        if hazard.major_rule and values.get("severity", "major") != "major" and args.reason.strip():
            from inspector_app.core.major_hazards import lower_severity

            lower_severity(session, hazard, context.actor, args.reason, values.pop("severity"))
        update_hazard(session, hazard, context.actor, context.catalogue, note=args.reason.strip(), **values)
        result = hazard_json(hazard)
    print_json(result)
    return 0


def run_status(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.hazards import change_status, find_hazard

    db = context.db
    with db.session() as session:
        hazard = find_hazard(session, args.hazard)
        change_status(session, db.store, hazard, args.to, context.actor, note=args.note, photos=args.photo,
                      photo_max_edge=context.settings.photo_max_edge)
        result = hazard_json(hazard)
    print_json(result)
    return 0


def run_supervise(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.hazards import find_hazard
    from inspector_app.core.supervision import supervise

    with context.db.session() as session:
        hazard = find_hazard(session, args.hazard)
        supervise(session, hazard, context.actor, args.note, args.level)
        result = _with_level(session, hazard)
    print_json(result)
    return 0
