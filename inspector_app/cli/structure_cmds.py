"""`inspector-app site|building|floor add | rename | remove | list`: set up the places of a campaign from
scripts, over the same use cases as the program's navigator; each prints the record it made or changed
as JSON (with its `id`)."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.i18n import _

PARENT_OPTION = {"building": ("--site", _("the site's id")), "floor": ("--building", _("the building's id"))}


def register(subparsers: Any) -> None:
    helps = {"site": _("sites (a school, a campus): add, rename, remove, list"),
             "building": _("buildings of a site: add, rename, remove"),
             "floor": _("floors of a building: add, rename, remove")}
    for kind in helps:  # the kinds of core.structure.PLACE_KINDS, in order
        parser = subparsers.add_parser(kind, help=helps[kind])
        sub = parser.add_subparsers(dest=f"{kind}_command", required=True)

        add = sub.add_parser("add", help=_("add one; prints the new record with its id"))
        add.add_argument("--name", required=True, help=_("its name, unique within its parent"))
        if kind == "site":
            add.add_argument("--code", help=_("short code that starts its hazard numbers, e.g. LL1"))
            add.add_argument("--organisation", metavar="ID",
                             help=_("the organisation's id (default: the ledger's only one; a new ledger gets one)"))
            # The first command on a new ledger file: it may create the file.
            add.set_defaults(creates_ledger=True)
        elif kind == "building":
            add.add_argument("--area-type", default="other",
                             help=_("what the building is used for: dormitory, canteen, lab, teaching..."))
        else:
            add.add_argument("--level", type=int, help=_("storey number (default: above the highest)"))
        if kind in PARENT_OPTION:
            option, text = PARENT_OPTION[kind]
            add.add_argument(option, required=True, dest="parent", metavar="ID", help=text)
        add.set_defaults(handler=run_add, kind=kind)

        rename = sub.add_parser("rename", help=_("give it a new name"))
        rename.add_argument("id")
        rename.add_argument("--name", required=True)
        rename.set_defaults(handler=run_rename, kind=kind)

        remove = sub.add_parser("remove", help=_("remove it (only when it holds nothing)"))
        remove.add_argument("id")
        remove.set_defaults(handler=run_remove, kind=kind)

        if kind == "site":
            listing = sub.add_parser("list", help=_("every site with its buildings and floors"))
            listing.set_defaults(handler=run_list, kind=kind)


def run_add(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import structure

    with context.db.session() as session:
        if args.kind == "site":
            place: structure.Place = structure.add_site(session, args.name, args.code, args.organisation)
        elif args.kind == "building":
            place = structure.add_building(session, args.parent, args.name, args.area_type)
        else:
            place = structure.add_floor(session, args.parent, args.name, args.level)
        data = structure.place_json(place)
    print_json(data)  # after the commit
    return 0


def run_rename(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import structure

    with context.db.session() as session:
        data = structure.place_json(structure.rename_place(session, args.kind, args.id, args.name))
    print_json(data)
    return 0


def run_remove(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import structure

    with context.db.session() as session:
        data = structure.remove_place(session, args.kind, args.id)
    print_json({**data, "removed": True})
    return 0


def run_list(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import structure

    with context.db.session() as session:
        tree = structure.site_tree(session)
    print_json([{"id": str(s.id), "name": s.name, "code": s.code, "buildings": [
        {"id": str(b.id), "name": b.name, "area_type": b.area_type,
         "floors": [{"id": str(f.id), "name": f.name, "level": f.level} for f in b.floors]}
        for b in s.buildings]} for s in tree])
    return 0
