"""`inspector-app bundle export|import`: carry a ledger (or one site) to another laptop in one file,
merged there by the same rules as a sync."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("bundle", help=_("ledger data, plans and photos in one file, without a server"))
    sub = parser.add_subparsers(dest="bundle_command", required=True)
    out = sub.add_parser("export", help=_("write a bundle"))
    out.add_argument("--out", required=True, metavar="FILE", help=_("the bundle file to write"))
    out.add_argument("--site", metavar="ID", help=_("only this site (default: the whole ledger)"))
    out.set_defaults(handler=run_export)
    into = sub.add_parser("import", help=_("merge a bundle into this ledger"))
    into.add_argument("file", metavar="FILE", help=_("the bundle file"))
    into.set_defaults(handler=run_import, creates_ledger=True)


def run_export(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.bundles import export_bundle  # here: registering a command must stay cheap

    site_id = None
    if args.site:
        try:
            site_id = uuid.UUID(args.site)
        except ValueError as exc:
            raise InspectorError(_("'{value}' is not a site id.").format(value=args.site)) from exc
    print_json(export_bundle(context.db, Path(args.out), site_id))
    return 0


def run_import(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.bundles import import_bundle

    path = Path(args.file)
    if not path.is_file():
        raise InspectorError(_("No bundle file {file}.").format(file=path))
    print_json(import_bundle(context.db, path, context.actor).as_dict())
    return 0
