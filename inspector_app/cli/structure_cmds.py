"""`inspector-app site|building|floor add | rename | remove | list`: set up the places of a campaign from
scripts, over the same use cases as the program's navigator; each prints the record it made or changed
as JSON (with its `id`). `site review-sheet` prints a principal's review sheet (core.review_links) and
`site reviews` lists the principal's confirmations."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
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
            sheet = sub.add_parser("review-sheet", help=_("print the principal's review sheet with its private QR "
                                                          "code (a new sheet replaces the old code)"))
            sheet.add_argument("id", metavar="SITE_ID")
            sheet.add_argument("--out", required=True, type=Path, help=_("the PDF file to write"))
            sheet.set_defaults(handler=run_review_sheet, kind=kind)
            reviews = sub.add_parser("reviews", help=_("the principal's confirmations of the school's ledger"))
            reviews.add_argument("id", metavar="SITE_ID")
            reviews.set_defaults(handler=run_reviews, kind=kind)


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


def _site_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise InspectorError(_("'{value}' is not a site id (see `site list`).").format(value=value)) from None


def run_review_sheet(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import dates, review_links
    from inspector_app.core.models import Organisation, Site
    from inspector_app.core.notice_register import write_atomically
    from inspector_app.core.organisation import settings_for_site
    from inspector_app.i18n import use_language
    from inspector_app.notices.review_sheet import review_sheet_pdf

    site_id = _site_id(args.id)
    with context.db.session() as session:
        site = session.get(Site, site_id)
        if site is None:
            raise InspectorError(_("No school with the id {id}.").format(id=site_id))
        settings = settings_for_site(session, site_id)
        if not settings.public_base_url:
            raise InspectorError(_("The organisation has no public address yet (org set --public-base-url): the "
                                   "principal's phone could not reach the page."))
        today = dates.today()
        secret = review_links.issue(session, site_id, context.actor)
        listed = review_links.listed_hazards(session, site_id, today)
        open_count = sum(1 for h in listed if h.status not in ("closed", "withdrawn"))
        organisation = session.get(Organisation, site.organisation_id)
        with use_language(settings.language or "zh_CN"):
            pdf = review_sheet_pdf(site.name, organisation.name if organisation else "",
                                   review_links.review_url(settings.public_base_url, secret), open_count, today)
        write_atomically(args.out, pdf)
    print_json({"out": str(args.out), "site_id": str(site_id), "hazards_listed": len(listed)})
    return 0


def run_reviews(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.review_links import reviews_of_site

    with context.db.session() as session:
        print_json(reviews_of_site(session, _site_id(args.id)))
    return 0
