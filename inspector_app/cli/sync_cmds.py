"""`inspector-app sync` and `inspector-app conflicts`: share this ledger with the central server, and
settle what two laptops changed at once."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.i18n import _

TOKEN_ENVIRONMENT = "INSPECTOR_SYNC_TOKEN"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sync", help=_("send and receive changes with the central server"))
    parser.add_argument("--server", metavar="URL", help=_("the server's address (default: the last one used)"))
    parser.add_argument("--token", metavar="T", help=_("the inspector's token (or set {env})").format(
        env=TOKEN_ENVIRONMENT))
    parser.add_argument("--status", action="store_true", help=_("only show the last sync, what waits and conflicts"))
    parser.set_defaults(handler=run_sync, creates_ledger=True)

    conflicts = subparsers.add_parser("conflicts", help=_("values two laptops changed at once"))
    sub = conflicts.add_subparsers(dest="conflicts_command", required=True)
    listing = sub.add_parser("list", help=_("the conflicts still open"))
    listing.set_defaults(handler=run_conflicts_list)
    settle = sub.add_parser("resolve", help=_("keep one of the two values"))
    settle.add_argument("conflict", metavar="ID", help=_("the conflict's id (or its first characters)"))
    settle.add_argument("--keep", choices=("mine", "theirs"), required=True,
                        help=_("mine: the value this laptop set; theirs: the other laptop's"))
    settle.set_defaults(handler=run_conflicts_resolve)


def run_sync(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.sync import laptop  # here, not at the top: registering a command must stay cheap
    from inspector_app.core.sync.run import status, synchronise

    database = context.db
    if args.status:
        print_json(status(database))
        return 0
    with database.session() as session:
        remembered = laptop.replica(session).server_url
    server_url = args.server or remembered
    if not server_url:
        print(_("error: say which server: --server URL"), file=sys.stderr)
        return 2
    from inspector_app.web.sync.client import HttpTransport

    transport = HttpTransport(server_url, args.token or os.environ.get(TOKEN_ENVIRONMENT, ""))
    try:
        report = synchronise(database, transport, context.actor, server_url=transport.server_url)
    finally:
        transport.close()
    print_json(report.as_dict())
    for refused in report.refused:
        print(_("refused by the server: {reason}").format(reason=refused.get("reason", refused)), file=sys.stderr)
    for problem in report.problems:
        print(_("problem: {problem}").format(problem=problem), file=sys.stderr)
    if report.open_conflicts:
        print(_("{count} conflict(s) to look at: inspector-app conflicts list").format(count=report.open_conflicts),
              file=sys.stderr)
    return 1 if report.refused or report.problems else 0


def run_conflicts_list(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.sync import laptop
    from inspector_app.core.sync.conflicts import open_conflicts

    with context.db.session() as session:
        me = str(laptop.replica(session).id)
        print_json([conflict.as_dict(me) for conflict in open_conflicts(session)])
    return 0


def run_conflicts_resolve(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.sync.conflicts import resolve

    with context.db.session() as session:
        print_json(resolve(session, args.conflict, args.keep, context.actor))
    return 0
