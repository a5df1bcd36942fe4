"""`inspector-app token create | list | revoke`: the inspectors' accounts on the central server.

The secret is printed once by `create` and never again: the ledger keeps only its hash.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _

# core.accounts.ROLES, written out so that registering the command loads no database code
# (tests/unit/test_cli_startup.py keeps the two equal).
ROLES = ("inspector", "admin")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("token", help=_("inspectors' tokens for the central server"))
    sub = parser.add_subparsers(dest="token_command", required=True)

    create = sub.add_parser("create", help=_("make a token (its secret is shown once)"))
    create.add_argument("--inspector", required=True, metavar="NAME", help=_("whose token it is"))
    create.add_argument("--role", choices=ROLES, default="inspector",
                        help=_("inspector: the given organisations; admin: everything"))
    create.add_argument("--organisation", action="append", default=[], metavar="ID",
                        help=_("an organisation it may sync, with all below it (repeatable)"))
    create.set_defaults(handler=run_create)

    listing = sub.add_parser("list", help=_("every token, without its secret"))
    listing.set_defaults(handler=run_list)

    revoke = sub.add_parser("revoke", help=_("stop a token from working"))
    revoke.add_argument("token", metavar="TOKEN_OR_ID", help=_("the token itself or its id"))
    revoke.set_defaults(handler=run_revoke)


def parse_organisation_ids(values: list[str]) -> list[uuid.UUID]:
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value.strip()))
        except ValueError:
            raise InspectorError(_("'{value}' is not an organisation id (a UUID such as "
                                   "3f2b8c1e-0d4a-4c59-9a57-6b1f0e2d7c88).").format(value=value)) from None
    return ids


def run_create(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.accounts import create_token, describe, organisation_parents

    organisations = parse_organisation_ids(args.organisation)
    with context.db.session() as session:
        token, secret = create_token(session, args.inspector, args.role, organisations)
        known = organisation_parents(session)
        data = {"token": secret, **describe(session, token)}
    for organisation in organisations:
        if organisation not in known:  # allowed: the grant waits for the organisation's first push
            print(_("note: organisation {id} is not in this ledger yet").format(id=organisation), file=sys.stderr)
    print_json(data)
    print(_("Give the token to {inspector} now: it cannot be shown again.").format(inspector=token.inspector),
          file=sys.stderr)
    return 0


def run_list(context: AppContext, _args: argparse.Namespace) -> int:
    from inspector_app.core.accounts import describe, list_tokens

    with context.db.session() as session:
        print_json([describe(session, token) for token in list_tokens(session)])
    return 0


def run_revoke(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.accounts import describe, revoke_token

    with context.db.session() as session:
        data = describe(session, revoke_token(session, args.token))
    print_json(data)
    return 0
