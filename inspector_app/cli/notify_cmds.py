"""`inspector-app --database-url URL notify add | list | remove | send-now | status`: where the central
server sends each organisation's daily digest (core.notify, web/digest). Secrets stay on the server:
`list` and `status` say only whether a target has one, and show a webhook without its key."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.i18n import _

KINDS = ("wecom", "dingtalk", "json", "email")  # core.notify.KINDS, written out: registering loads no database code


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("notify", help=_("the daily digest to group chats, webhooks and e-mail "
                                                    "(central server)"))
    sub = parser.add_subparsers(dest="notify_command", required=True)
    add = sub.add_parser("add", help=_("send an organisation's daily digest to a target"))
    add.add_argument("--organisation", required=True, metavar="ID")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument("--target", required=True, metavar="URL_OR_ADDRESS",
                     help=_("the robot's or webhook's address, or an e-mail address"))
    add.add_argument("--secret", default="", metavar="S",
                     help=_("DingTalk: the robot's signing secret (SEC…); json: the key its body is signed with"))
    add.add_argument("--at", default="08:00", metavar="HH:MM", help=_("the time of day it is sent (server time)"))
    add.set_defaults(handler=run_add)
    listing = sub.add_parser("list", help=_("the digest targets"))
    listing.add_argument("--organisation", metavar="ID")
    listing.set_defaults(handler=run_list)
    remove = sub.add_parser("remove", help=_("stop sending to a target"))
    remove.add_argument("id")
    remove.set_defaults(handler=run_remove)
    now = sub.add_parser("send-now", help=_("send today's digest to the organisation's targets at once (a first try)"))
    now.add_argument("--organisation", required=True, metavar="ID")
    now.set_defaults(handler=run_send_now)
    status = sub.add_parser("status", help=_("the last attempt of each target, and its last error"))
    status.set_defaults(handler=run_status)


def run_add(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.notify import add_target, target_json
    from inspector_app.core.structure import parse_uuid

    with context.db.session() as session:
        row = add_target(session, parse_uuid(args.organisation, _("organisation")), args.kind, args.target,
                         args.secret, args.at)
        result = target_json(row)
    print_json(result)
    return 0


def run_list(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.notify import target_json, targets
    from inspector_app.core.structure import parse_uuid

    organisation = parse_uuid(args.organisation, _("organisation")) if args.organisation else None
    with context.db.session() as session:
        result = [target_json(row) for row in targets(session, organisation)]
    print_json(result)
    return 0


def run_remove(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.notify import remove_target, target_json

    with context.db.session() as session:
        result = target_json(remove_target(session, args.id))
    print_json({"removed": result})
    return 0


def run_send_now(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.structure import parse_uuid
    from inspector_app.web.digest.scheduler import send_now

    results = send_now(context.db, parse_uuid(args.organisation, _("organisation")))
    print_json(results)
    return 0 if all(r["sent"] for r in results) else 1


def run_status(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.notify import last_send, target_json, targets

    with context.db.session() as session:
        result = [target_json(row, last_send(session, row.id)) for row in targets(session)]
    print_json(result)
    return 0
